import { describe, expect, it } from "vitest";
import { inertCell, inertInline, inertMarkdown, MAX_INERT_INPUT_CHARS } from "../../../src/intake/inert-markdown.js";
import { codeSpan, escapePipes } from "../../../src/intake/inert-text.js";

describe("inertMarkdown", () => {
  it("keeps the shape of ordinary Markdown: paragraphs, lists, emphasis, code", () => {
    const text =
      "The fix:\n\n- guard `b == 0`\n- raise **ValueError**\n\n```python\nif b == 0:\n    raise ValueError\n```";
    expect(inertMarkdown(text)).toBe(
      "The fix:\n\n- guard `b == 0`\n- raise **ValueError**\n\n```python\nif b == 0:\n    raise ValueError\n```",
    );
  });

  it("shows images, HTML, links, mentions and references as code", () => {
    expect(inertMarkdown("![x](https://e.test/?d=1) <b>hi</b> [a](https://e.test) @bob Fixes #3")).toBe(
      "\\[image `https://e.test/?d=1`: x\\] `<b>`hi`</b>` a (`https://e.test`) `@bob` Fixes `#3`",
    );
  });

  it("turns live fence languages into text and escapes entities", () => {
    expect(inertMarkdown("```mermaid\nA-->B\n```")).toBe("```text\nA-->B\n```");
    expect(inertMarkdown("&#64;admin")).toBe("`@admin`");
    expect(inertMarkdown("a &amp; b")).toBe("a \\& b");
  });

  it("cuts input past its cap and says so", () => {
    const out = inertMarkdown("a".repeat(MAX_INERT_INPUT_CHARS + 10));
    expect(out.endsWith("… (cut)")).toBe(true);
  });

  it("inline and cell forms stay on one line; cells escape every pipe once", () => {
    expect(inertInline("one\n\ntwo\n- three")).toBe("one two - three");
    expect(inertCell("a | b `x|y` \\| c")).toBe("a \\| b `x\\|y` \\| c");
  });
});

describe("codeSpan / escapePipes", () => {
  it("fences code longer than any backtick run inside and pads edge backticks", () => {
    expect(codeSpan("a `b` c")).toBe("``a `b` c``");
    expect(codeSpan("`x")).toBe("`` `x ``");
  });

  it("escapes only pipes that are not escaped yet", () => {
    expect(escapePipes("a|b\\|c\\\\|d")).toBe("a\\|b\\|c\\\\\\|d");
  });
});
