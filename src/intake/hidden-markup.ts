import { type HtmlTag, HtmlTagReader } from "./html-tags.js";

/**
 * Markup that GitHub-flavoured Markdown accepts but a reader never sees rendered: HTML comments, elements marked
 * hidden (attribute or inline style), script/style/template elements, `alt` and `title` attributes (shown only as
 * a tooltip or when an image fails to load), and the `[//]: # (...)` comment idiom. `<details>` is visible
 * (collapsed, one click away), so its text is kept.
 *
 * Every step is linear in the text's length: plain `indexOf` scans and the {@link HtmlTagReader}, no regex that
 * can backtrack over untrusted text.
 */

/** Elements whose content never renders. */
const NEVER_RENDERED = new Set(["script", "style", "template", "noscript", "iframe", "object"]);

/** Elements without a closing tag. */
const VOID_ELEMENTS = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "wbr",
]);

/** Attributes a reader does not see on the page (tooltips, image alternatives) but a model reads. */
const INVISIBLE_ATTRIBUTES = new Set(["alt", "title"]);

/** A CSS length or number that is zero: `0`, `0.0`, `.0px`, `-0em`. Unambiguous, so it cannot backtrack. */
const ZERO = /^[+-]?(?:0+(?:\.0*)?|\.0+)(?:px|em|rem|pt|%|vh|vw|ex|ch)?$/;

/** True when an inline style hides the element: `display:none`, `visibility:hidden`, zero size/opacity. */
function styleHides(css: string): boolean {
  for (const declaration of css.split(";")) {
    const colon = declaration.indexOf(":");
    if (colon === -1) continue;
    const property = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration
      .slice(colon + 1)
      .replace("!important", "")
      .trim()
      .toLowerCase();
    if (property === "display" && value === "none") return true;
    if (property === "visibility" && (value === "hidden" || value === "collapse")) return true;
    if (["font-size", "opacity", "width", "height", "max-width", "max-height"].includes(property) && ZERO.test(value))
      return true;
  }
  return false;
}

/** Why the start tag hides its element, or undefined when it does not. */
function hidingReason(tag: HtmlTag): string | undefined {
  if (NEVER_RENDERED.has(tag.name)) return "never-rendered HTML elements";
  for (const { name, value } of tag.attributes) {
    if (name === "hidden") return "hidden HTML elements";
    if (name === "type" && tag.name === "input" && value.trim().toLowerCase() === "hidden")
      return "hidden HTML elements";
    if (name === "style" && styleHides(value)) return "hidden HTML elements";
  }
  return undefined;
}

/** Offset just past the end tag matching the element opened before `from`, or the text's length when unclosed. */
function endOfElement(text: string, reader: HtmlTagReader, name: string, from: number): number {
  let depth = 1;
  let i = text.indexOf("<", from);
  while (i !== -1) {
    const tag = reader.readAt(i);
    if (!tag) {
      i = text.indexOf("<", i + 1);
      continue;
    }
    if (tag.name === name) {
      if (tag.closing) depth -= 1;
      else if (!tag.selfClosing) depth += 1;
      if (depth === 0) return tag.end;
    }
    i = text.indexOf("<", tag.end);
  }
  return text.length;
}

function count(counts: Map<string, number>, name: string, n = 1): void {
  counts.set(name, (counts.get(name) ?? 0) + n);
}

/** Removes HTML comments; an unterminated one hides (and loses) everything after it. */
function stripComments(text: string, counts: Map<string, number>): string {
  const parts: string[] = [];
  let copied = 0;
  for (let start = text.indexOf("<!--"); start !== -1; start = text.indexOf("<!--", copied)) {
    parts.push(text.slice(copied, start));
    const close = text.indexOf("-->", start + 4);
    copied = close === -1 ? text.length : close + 3;
    count(counts, "HTML comments");
  }
  parts.push(text.slice(copied));
  return parts.join("");
}

/** The tag's source without its invisible attributes, or undefined when it has none. */
function withoutInvisibleAttributes(text: string, tag: HtmlTag): string | undefined {
  const dropped = tag.attributes.filter((a) => INVISIBLE_ATTRIBUTES.has(a.name));
  if (dropped.length === 0) return undefined;
  const parts: string[] = [];
  let copied = tag.start;
  for (const attribute of dropped) {
    parts.push(text.slice(copied, attribute.start).trimEnd());
    copied = attribute.end;
  }
  parts.push(text.slice(copied, tag.end));
  return parts.join("");
}

/** Removes hidden elements (the whole element, or the rest of the text when unclosed) and invisible attributes. */
function stripHiddenElements(text: string, counts: Map<string, number>): string {
  const reader = new HtmlTagReader(text);
  const parts: string[] = [];
  let copied = 0;
  let i = text.indexOf("<");
  while (i !== -1) {
    const tag = reader.readAt(i);
    if (!tag || tag.closing) {
      i = text.indexOf("<", tag ? tag.end : i + 1);
      continue;
    }
    parts.push(text.slice(copied, tag.start));
    const reason = hidingReason(tag);
    if (reason) {
      const selfClosing = tag.selfClosing || VOID_ELEMENTS.has(tag.name);
      copied = selfClosing ? tag.end : endOfElement(text, reader, tag.name, tag.end);
      count(counts, reason);
    } else {
      const kept = withoutInvisibleAttributes(text, tag);
      if (kept !== undefined) count(counts, "alt/title attributes", tag.attributes.length - countKept(tag));
      parts.push(kept ?? text.slice(tag.start, tag.end));
      copied = tag.end;
    }
    i = text.indexOf("<", copied);
  }
  parts.push(text.slice(copied));
  return parts.join("");
}

function countKept(tag: HtmlTag): number {
  return tag.attributes.filter((a) => !INVISIBLE_ATTRIBUTES.has(a.name)).length;
}

/**
 * Removes hidden markup and reports what was removed (`2 HTML comments`, `1 hidden HTML elements`, ...).
 * An unterminated comment or unclosed hidden element hides everything after it, so everything after it goes.
 * Linear time in `text.length`.
 */
export function stripHiddenMarkup(text: string): { text: string; removed: string[] } {
  const counts = new Map<string, number>();
  let out = stripHiddenElements(stripComments(text, counts), counts);

  // Markdown link reference definitions pointing at `#` or `<>` are the usual "comment" idiom: `[//]: # (hidden)`.
  // Linear: anchored at line starts, and `[^\]\n]*` cannot overlap the parts around it.
  out = out.replace(/^ {0,3}\[[^\]\n]*\]:[ \t]*(#|<>)([ \t].*)?$\n?/gm, () => {
    count(counts, "markdown comments");
    return "";
  });

  return { text: out, removed: [...counts].map(([name, n]) => `${n} ${name}`) };
}
