/**
 * Text from a model, a repository or test output made safe to print on a terminal: every control sequence that
 * could move the cursor, rewrite the window title, write a hyperlink, reach the clipboard (OSC 52) or change the
 * terminal's state is removed. Sources: ECMA-48 (C0/C1 controls, CSI, control strings), xterm's "Control
 * Sequences" (OSC 0/2 title, 8 hyperlink, 52 clipboard). A hand scan in one pass: linear time, no regex.
 */

const ESC = 0x1b;
const BEL = 0x07;
/** C1 String Terminator, and the C1 forms of CSI and of the control strings (DCS, SOS, OSC, PM, APC). */
const C1_ST = 0x9c;
const C1_CSI = 0x9b;
const C1_STRINGS = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f]);
/** Second characters after ESC that open a control string ending at BEL or ST: DCS `P`, SOS `X`, OSC `]`, PM `^`, APC `_`. */
const ESC_STRINGS = new Set(["P", "X", "]", "^", "_"]);

/** Index just past a CSI's final byte, starting after `ESC [` (or C1 CSI) at `i`. */
function skipCsi(text: string, i: number): number {
  let j = i;
  while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x3f) j += 1;
  while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j += 1;
  if (j < text.length && text.charCodeAt(j) >= 0x40 && text.charCodeAt(j) <= 0x7e) j += 1;
  return j;
}

/** Finds control-string terminators left to right; each cursor only moves forward, so all searches cost O(n). */
class Terminators {
  #bel = -1;
  #st = -1;
  #c1 = -1;
  constructor(private readonly text: string) {}

  /** Index just past the first terminator at or after `from`, or -1 when the text has none left. */
  endFrom(from: number): number {
    if (this.#bel !== -2 && this.#bel < from) this.#bel = this.#next(String.fromCharCode(BEL), from);
    if (this.#st !== -2 && this.#st < from) this.#st = this.#next("\u001b\\", from);
    if (this.#c1 !== -2 && this.#c1 < from) this.#c1 = this.#next(String.fromCharCode(C1_ST), from);
    const ends = [
      this.#bel >= 0 ? this.#bel + 1 : Infinity,
      this.#st >= 0 ? this.#st + 2 : Infinity,
      this.#c1 >= 0 ? this.#c1 + 1 : Infinity,
    ];
    const end = Math.min(...ends);
    return end === Infinity ? -1 : end;
  }

  #next(needle: string, from: number): number {
    const at = this.text.indexOf(needle, from);
    return at === -1 ? -2 : at;
  }
}

/**
 * Removes terminal control sequences and control characters from `text`. Kept: printable text, tab and line feed
 * (`\r` goes: it lets a line overwrite what was printed before it). An unterminated control string loses only
 * its introducer, so the text after it stays visible.
 */
export function stripTerminalControls(text: string): string {
  const terminators = new Terminators(text);
  let out = "";
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    const isControl = code < 0x20 || (code >= 0x7f && code <= 0x9f);
    if (!isControl || code === 0x0a || code === 0x09) {
      i += 1;
      continue;
    }
    out += text.slice(copied, i);
    let next = i + 1;
    if (code === C1_CSI) next = skipCsi(text, i + 1);
    else if (C1_STRINGS.has(code)) next = terminators.endFrom(i + 1);
    else if (code === ESC && i + 1 < text.length) {
      const second = text[i + 1] ?? "";
      if (second === "[") next = skipCsi(text, i + 2);
      else if (ESC_STRINGS.has(second)) next = terminators.endFrom(i + 2);
      else if (second >= " " && second <= "~") next = i + 2;
    }
    if (next === -1) next = code === ESC ? i + 2 : i + 1;
    i = next;
    copied = next;
  }
  return out + text.slice(copied);
}
