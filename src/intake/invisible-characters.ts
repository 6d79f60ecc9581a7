/**
 * Characters a human reader of a rendered issue cannot see but a model reads: the vehicle of "invisible prompt
 * injection". Sources: Unicode TR#9 (bidi controls), the Unicode `Cf` (format) category, the Tags block
 * (U+E0000–U+E007F, "ASCII smuggling"), variation selectors used to smuggle bytes, Trojan Source (CVE-2021-42574).
 */

/** A class of invisible characters, with the human-readable name used in `removed` reports. */
interface InvisibleClass {
  name: string;
  pattern: RegExp;
}

/**
 * Classes in the order they are removed. Bidi and tag characters are named before the generic `Cf` sweep so the
 * report says what was found. U+200D (zero-width joiner) is removed too: it joins emoji, but it also hides text.
 */
const INVISIBLE_CLASSES: InvisibleClass[] = [
  { name: "Unicode tag characters", pattern: /[\u{E0000}-\u{E007F}]/gu },
  { name: "bidi control characters", pattern: /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g },
  { name: "zero-width characters", pattern: /[\u200B-\u200D\u2060\uFEFF\u180E]/g },
  { name: "soft hyphens", pattern: /\u00AD/g },
  {
    // Supplementary variation selectors and the rarely needed basic ones; U+FE0E/U+FE0F (text/emoji
    // presentation) stay because emoji rely on them.
    name: "variation selectors",
    pattern: /[\u{E0100}-\u{E01EF}\uFE00-\uFE0D]/gu,
  },
  { name: "invisible filler characters", pattern: /[\u115F\u1160\u3164\uFFA0]|\u034F/g },
  {
    // Remaining format characters, except the Arabic/Syriac/Kaithi number marks, which are visible.
    name: "other invisible format characters",
    pattern: /(?![\u0600-\u0605\u06DD\u070F\u0890\u0891\u08E2\u{110BD}\u{110CD}])\p{Cf}/gu,
  },
  // C0/C1 controls except tab and newline (carriage returns are normalised before this runs).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  { name: "control characters", pattern: /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g },
];

/** Non-global copies of the patterns, for testing single characters without `lastIndex` state. */
const SINGLE_CHAR_TESTS = INVISIBLE_CLASSES.map((c) => new RegExp(c.pattern.source, c.pattern.flags.replace("g", "")));

/** True when the code point is one {@link stripInvisibleCharacters} removes. */
export function isInvisibleCodePoint(codePoint: number): boolean {
  const char = String.fromCodePoint(codePoint);
  return SINGLE_CHAR_TESTS.some((test) => test.test(char));
}

/**
 * Removes invisible characters and reports what was removed.
 *
 * @returns the cleaned text and one entry per class found, e.g. `12 Unicode tag characters`.
 */
export function stripInvisibleCharacters(text: string): { text: string; removed: string[] } {
  const removed: string[] = [];
  let out = text;
  for (const { name, pattern } of INVISIBLE_CLASSES) {
    let count = 0;
    out = out.replace(pattern, () => {
      count += 1;
      return "";
    });
    if (count > 0) removed.push(`${count} ${name}`);
  }
  return { text: out, removed };
}

/**
 * Removes numeric HTML character references that decode to invisible characters (`&#x200B;`, `&#917569;`):
 * a rendered issue shows nothing for them, so they are hidden text too.
 */
export function stripInvisibleCharacterReferences(text: string): { text: string; removed: string[] } {
  let count = 0;
  const out = text.replace(/&#(x[0-9a-f]{1,6}|[0-9]{1,7});/gi, (ref, digits: string) => {
    const codePoint = digits[0] === "x" || digits[0] === "X" ? Number.parseInt(digits.slice(1), 16) : Number(digits);
    if (codePoint > 0x10ffff || !isInvisibleCodePoint(codePoint)) return ref;
    count += 1;
    return "";
  });
  return { text: out, removed: count > 0 ? [`${count} invisible character references`] : [] };
}
