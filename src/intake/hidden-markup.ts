/**
 * Markup that GitHub-flavoured Markdown accepts but a reader never sees rendered: HTML comments, elements marked
 * hidden (attribute or inline style), script/style/template elements, and the `[//]: # (...)` comment idiom.
 * `<details>` is visible (collapsed, one click away), so its text is kept.
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

/** Inline styles that hide an element. */
const HIDING_STYLE =
  /(display\s*:\s*none|visibility\s*:\s*(hidden|collapse)|font-size\s*:\s*0*(\.0+)?\s*(px|em|rem|pt|%)?\s*(;|$|!)|opacity\s*:\s*0*(\.0+)?\s*(;|$|!)|(width|height)\s*:\s*0+(px)?\s*(;|$|!))/i;

const OPEN_TAG = /<([a-z][a-z0-9-]*)\b([^>]*)>/gi;

/** Why the opening tag `<name attrs>` hides its element, or undefined when it does not. */
function hidingReason(name: string, attrs: string): string | undefined {
  const tag = name.toLowerCase();
  if (NEVER_RENDERED.has(tag)) return "never-rendered HTML elements";
  if (/(^|\s)hidden(\s|=|\/|$)/i.test(attrs)) return "hidden HTML elements";
  if (tag === "input" && /\btype\s*=\s*["']?hidden\b/i.test(attrs)) return "hidden HTML elements";
  const style = /\bstyle\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attrs);
  const css = style ? (style[2] ?? style[3] ?? style[4] ?? "") : "";
  if (HIDING_STYLE.test(css)) return "hidden HTML elements";
  return undefined;
}

/** Index just past the close tag matching the element opened before `from`, or the text's length when unclosed. */
function endOfElement(text: string, tag: string, from: number): number {
  const tags = new RegExp(`<(/?)${tag}\\b[^>]*?(/?)>`, "gi");
  tags.lastIndex = from;
  let depth = 1;
  for (let m = tags.exec(text); m; m = tags.exec(text)) {
    if (m[1] === "/") depth -= 1;
    else if (m[2] !== "/") depth += 1;
    if (depth === 0) return m.index + m[0].length;
  }
  return text.length;
}

function count(counts: Map<string, number>, name: string): void {
  counts.set(name, (counts.get(name) ?? 0) + 1);
}

/**
 * Removes hidden markup and reports what was removed (`2 HTML comments`, `1 hidden HTML elements`, ...).
 * An unterminated comment or unclosed hidden element hides everything after it, so everything after it goes.
 */
export function stripHiddenMarkup(text: string): { text: string; removed: string[] } {
  const counts = new Map<string, number>();
  let out = text.replace(/<!--[\s\S]*?(-->|$)/g, () => {
    count(counts, "HTML comments");
    return "";
  });

  let searchFrom = 0;
  for (;;) {
    OPEN_TAG.lastIndex = searchFrom;
    let match = OPEN_TAG.exec(out);
    let reason: string | undefined;
    while (match) {
      reason = hidingReason(match[1] ?? "", match[2] ?? "");
      if (reason) break;
      match = OPEN_TAG.exec(out);
    }
    if (!match || !reason) break;
    const tag = (match[1] ?? "").toLowerCase();
    const afterOpen = match.index + match[0].length;
    const selfClosing = /\/\s*$/.test(match[2] ?? "") || VOID_ELEMENTS.has(tag);
    const end = selfClosing ? afterOpen : endOfElement(out, tag, afterOpen);
    out = out.slice(0, match.index) + out.slice(end);
    count(counts, reason);
    searchFrom = match.index;
  }

  // Markdown link reference definitions pointing at `#` or `<>` are the usual "comment" idiom: `[//]: # (hidden)`.
  out = out.replace(/^ {0,3}\[[^\]\n]*\]:[ \t]*(#|<>)([ \t].*)?$\n?/gm, () => {
    count(counts, "markdown comments");
    return "";
  });

  return { text: out, removed: [...counts].map(([name, n]) => `${n} ${name}`) };
}
