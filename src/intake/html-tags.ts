/**
 * A linear-time reader of HTML tags inside untrusted text (issues, comments, files). It follows the HTML tokenizer
 * (WHATWG HTML, "Tokenization": a tag ends at the first `>` outside a quoted attribute value) without building a
 * DOM, and never backtracks: every offset is UTF-16 code units into the text it was built on.
 *
 * Why not a regex: `<([a-z][a-z0-9-]*)\b([^>]*)>` rescans to the end of the text from every `<x` that has no
 * `>` after it, which is quadratic (262,143 characters of unclosed tags took 11.7 s).
 */

/** One attribute of a tag and where it sits in the text. */
export interface HtmlAttribute {
  /** Lower-case name. */
  name: string;
  /** Value without quotes; `""` when the attribute has none. */
  value: string;
  /** Offset of the name's first character. */
  start: number;
  /** Offset just past the value (or the name when there is no value). */
  end: number;
}

/** One start or end tag. */
export interface HtmlTag {
  /** Lower-case tag name, e.g. `div`. */
  name: string;
  /** True for `</name ...>`. */
  closing: boolean;
  /** True for `<name ... />`. */
  selfClosing: boolean;
  /** Offset of the `<`. */
  start: number;
  /** Offset just past the `>`. */
  end: number;
  attributes: HtmlAttribute[];
}

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f";
const isAsciiLetter = (c: string | undefined) => c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"));

/**
 * Reads tags of one text. Callers walk the text left to right and, after a tag is found, continue past its `end`:
 * then the whole walk is O(n). The reader keeps two facts that make every call cheap:
 * - where the next `>` is (a cursor that only moves forward), so `<a <a <a …` without any `>` costs O(1) each;
 * - whether a quoted value was ever left open: after the first one, tags end at the first `>` (quotes no longer
 *   count), so no second scan to the end of the text can happen.
 */
export class HtmlTagReader {
  readonly #text: string;
  readonly #lastQuote: Record<string, number>;
  #nextGt = -1;
  #quotesCount = true;

  constructor(text: string) {
    this.#text = text;
    this.#lastQuote = { '"': text.lastIndexOf('"'), "'": text.lastIndexOf("'") };
  }

  /** The tag whose `<` is at `at`, or undefined when none starts there (not a tag, or no `>` ever closes it). */
  readAt(at: number): HtmlTag | undefined {
    const text = this.#text;
    if (text[at] !== "<") return undefined;
    const closing = text[at + 1] === "/";
    const nameStart = at + (closing ? 2 : 1);
    if (!isAsciiLetter(text[nameStart])) return undefined;
    const gt = this.#firstGtFrom(nameStart);
    if (gt === -1) return undefined;
    let nameEnd = nameStart;
    while (nameEnd < gt && !isSpace(text[nameEnd]) && text[nameEnd] !== "/") nameEnd += 1;
    const name = text.slice(nameStart, nameEnd).toLowerCase();
    if (this.#quotesCount) {
      const quoted = this.#attributes(nameEnd, text.length, true);
      if (quoted) return { name, closing, start: at, ...quoted };
      this.#quotesCount = false;
    }
    const plain = this.#attributes(nameEnd, gt + 1, false);
    return plain ? { name, closing, start: at, ...plain } : undefined;
  }

  /** First `>` at or after `from`, or -1; amortised O(1) because callers ask in increasing order. */
  #firstGtFrom(from: number): number {
    if (this.#nextGt === -2) return -1;
    if (this.#nextGt < from) {
      this.#nextGt = this.#text.indexOf(">", from);
      if (this.#nextGt === -1) {
        this.#nextGt = -2;
        return -1;
      }
    }
    return this.#nextGt;
  }

  /**
   * Attributes from `from` up to the closing `>` (which must lie before `limit`). With `quotes`, a `>` inside a
   * quoted value does not end the tag, and an unterminated quote gives undefined; without, values stop at `limit`.
   */
  #attributes(
    from: number,
    limit: number,
    quotes: boolean,
  ): Pick<HtmlTag, "attributes" | "end" | "selfClosing"> | undefined {
    const text = this.#text;
    const attributes: HtmlAttribute[] = [];
    let i = from;
    while (i < limit) {
      const c = text[i];
      if (isSpace(c)) {
        i += 1;
      } else if (c === ">") {
        return { attributes, end: i + 1, selfClosing: text[i - 1] === "/" };
      } else if (c === "/") {
        i += 1;
      } else {
        const start = i;
        while (i < limit && !isSpace(text[i]) && text[i] !== "/" && text[i] !== ">" && text[i] !== "=") i += 1;
        const name = text.slice(start, i).toLowerCase();
        let j = i;
        while (j < limit && isSpace(text[j])) j += 1;
        if (text[j] !== "=") {
          attributes.push({ name, value: "", start, end: i });
          continue;
        }
        j += 1;
        while (j < limit && isSpace(text[j])) j += 1;
        const q = text[j];
        if (q === '"' || q === "'") {
          let close = j < (this.#lastQuote[q] ?? -1) ? text.indexOf(q, j + 1) : -1;
          if (close === -1 || close >= limit) {
            if (quotes) return undefined;
            close = limit - 1;
          }
          attributes.push({ name, value: text.slice(j + 1, close), start, end: Math.min(close + 1, limit - 1) });
          i = close + 1;
          if (!quotes && i >= limit) return { attributes, end: limit, selfClosing: false };
        } else {
          let k = j;
          while (k < limit && !isSpace(text[k]) && text[k] !== ">") k += 1;
          attributes.push({ name, value: text.slice(j, k), start, end: k });
          i = k;
        }
      }
    }
    return undefined;
  }
}
