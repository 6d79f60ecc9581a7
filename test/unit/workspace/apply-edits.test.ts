import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Edit, EditOutcome } from "../../../src/core/edit.js";
import { applyEdits } from "../../../src/workspace/apply-edits.js";
import type { PathPolicy } from "../../../src/workspace/workspace.js";

const policy: PathPolicy = { allowWorkflows: false, allow: [], deny: [] };
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "tanuki-edits-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(path: string, content: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}
const read = (path: string) => readFile(join(root, path), "utf8");
const sr = (path: string, search: string, replace: string): Edit => ({ kind: "search-replace", path, search, replace });

function message(outcome: EditOutcome | undefined): string {
  if (!outcome || outcome.status === "applied") throw new Error(`expected a failed outcome, got ${outcome?.status}`);
  return outcome.message;
}

describe("applyEdits: search-replace", () => {
  it("replaces an exact match", async () => {
    await put("a.ts", "const a = 1;\nconst b = 2;\n");
    const report = await applyEdits(root, [sr("a.ts", "const b = 2;", "const b = 3;")], policy);
    expect(report.outcomes[0]).toMatchObject({ status: "applied", match: "exact" });
    expect(await read("a.ts")).toBe("const a = 1;\nconst b = 3;\n");
    expect(report.changedPaths).toEqual(["a.ts"]);
  });

  it("matches LF search text in a CRLF file and keeps CRLF line endings", async () => {
    await put("w.txt", "one\r\ntwo\r\nthree\r\n");
    const report = await applyEdits(root, [sr("w.txt", "one\ntwo\n", "uno\ndos\n")], policy);
    expect(report.outcomes[0]).toMatchObject({ status: "applied", match: "whitespace" });
    expect(await read("w.txt")).toBe("uno\r\ndos\r\nthree\r\n");
  });

  it("tolerates trailing whitespace differences", async () => {
    await put("t.py", "def f():   \n    return 1\t\nprint(f())\n");
    const report = await applyEdits(root, [sr("t.py", "def f():\n    return 1\n", "def f():\n    return 2\n")], policy);
    expect(report.outcomes[0]).toMatchObject({ status: "applied", match: "whitespace" });
    expect(await read("t.py")).toBe("def f():\n    return 2\nprint(f())\n");
  });

  it("matches a block whose indentation drifted and re-indents the replacement (file indented deeper)", async () => {
    await put("c.ts", "class C {\n  run() {\n    if (x) {\n      go();\n    }\n  }\n}\n");
    const search = "if (x) {\n  go();\n}\n";
    const replace = "if (x) {\n  go();\n} else {\n  stop();\n}\n";
    const report = await applyEdits(root, [sr("c.ts", search, replace)], policy);
    expect(report.outcomes[0]).toMatchObject({ status: "applied", match: "indentation" });
    expect(await read("c.ts")).toBe(
      "class C {\n  run() {\n    if (x) {\n      go();\n    } else {\n      stop();\n    }\n  }\n}\n",
    );
  });

  it("re-indents when the search text is indented more than the file", async () => {
    await put("d.py", "def f():\n    x = 1\n\n    return x\n");
    const search = "        x = 1\n\n        return x\n";
    const replace = "        x = 2\n\n        return x * 2\n";
    const report = await applyEdits(root, [sr("d.py", search, replace)], policy);
    expect(report.outcomes[0]).toMatchObject({ status: "applied", match: "indentation" });
    expect(await read("d.py")).toBe("def f():\n    x = 2\n\n    return x * 2\n");
  });

  it("does not apply an indentation match whose lines shift by different amounts", async () => {
    await put("e.py", "if a:\n    b()\n        c()\n");
    const report = await applyEdits(root, [sr("e.py", "  if a:\n    b()\n", "X")], policy);
    expect(report.outcomes[0]?.status).toBe("no-match");
    expect(await read("e.py")).toBe("if a:\n    b()\n        c()\n");
  });

  it("reports an ambiguous search with the matching lines and changes nothing", async () => {
    const content = "x = 1\ny = 2\nx = 1\n";
    await put("m.py", content);
    const report = await applyEdits(root, [sr("m.py", "x = 1", "x = 9")], policy);
    expect(report.outcomes[0]?.status).toBe("no-match");
    expect(message(report.outcomes[0])).toMatch(/ambiguous.*2 places.*m\.py.*lines 1, 3.*more surrounding lines/s);
    expect(await read("m.py")).toBe(content);
    expect(report.changedPaths).toEqual([]);
  });

  it("reports ambiguity found by tolerant matching too", async () => {
    await put("n.py", "a()  \nb()\na()\t\n");
    const whitespace = await applyEdits(root, [sr("n.py", "a()\n", "c()\n")], policy);
    expect(message(whitespace.outcomes[0])).toMatch(/ambiguous.*lines 1, 3/s);
    const twice = "if x:\n    go()\n    end()\nif y:\n  go()\n  end()\n";
    await put("i.py", twice);
    const indentation = await applyEdits(root, [sr("i.py", "        go()\n        end()\n", "stop()\n")], policy);
    expect(message(indentation.outcomes[0])).toMatch(/ambiguous.*lines 2, 5/s);
    expect(await read("i.py")).toBe(twice);
  });

  it("names the file and shows the closest lines when nothing matches", async () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1} filler text`);
    lines[20] = "function total(items) {";
    lines[21] = "  return items.reduce((a, b) => a + b, 0);";
    lines[22] = "}";
    await put("src/sum.js", `${lines.join("\n")}\n`);
    const search = "function total(list) {\n  return list.reduce((a, b) => a + b);\n}\n";
    const report = await applyEdits(root, [sr("src/sum.js", search, "x")], policy);
    const text = message(report.outcomes[0]);
    expect(text).toContain("src/sum.js");
    expect(text).toContain("from line 21");
    expect(text).toMatch(/21 \| function total\(items\) \{\n22 \| {3}return items\.reduce/);
    expect(text).not.toContain("line 5 filler");
    expect(text.split("\n").length).toBeLessThan(10);
  });

  it("says when no line resembles the search text, and when the replacement is already there", async () => {
    await put("z.txt", "alpha\nbeta\n");
    const none = await applyEdits(root, [sr("z.txt", "qqqqqqqqqq zzzzzz", "beta")], policy);
    expect(message(none.outcomes[0])).toMatch(/No lines of z\.txt resemble it/);
    expect(message(none.outcomes[0])).toMatch(/REPLACE text is already in the file/);
  });

  it("creates a missing file from an empty search and appends to an existing one", async () => {
    await put("log.txt", "first");
    const report = await applyEdits(
      root,
      [sr("new/dir/file.ts", "", "export const x = 1;\n"), sr("log.txt", "", "second\n")],
      policy,
    );
    expect(report.outcomes.map((o) => o.status === "applied" && o.match)).toEqual(["new-file", "exact"]);
    expect(await read("new/dir/file.ts")).toBe("export const x = 1;\n");
    expect(await read("log.txt")).toBe("first\nsecond\n");
    expect(report.changedPaths).toEqual(["new/dir/file.ts", "log.txt"]);
  });

  it("reports a non-empty search on a missing file", async () => {
    const report = await applyEdits(root, [sr("nope.ts", "x", "y")], policy);
    expect(message(report.outcomes[0])).toMatch(/nope\.ts does not exist.*empty SEARCH/s);
  });
});

describe("applyEdits: write-file, policy, order", () => {
  it("creates files with parent folders and overwrites existing ones", async () => {
    await put("old.txt", "old");
    const report = await applyEdits(
      root,
      [
        { kind: "write-file", path: "a/b/c.txt", content: "new" },
        { kind: "write-file", path: "old.txt", content: "replaced" },
      ],
      policy,
    );
    expect(report.outcomes.map((o) => o.status === "applied" && o.match)).toEqual(["new-file", "overwrite"]);
    expect(await read("a/b/c.txt")).toBe("new");
    expect(await read("old.txt")).toBe("replaced");
  });

  it("refuses paths outside the policy without writing them", async () => {
    const report = await applyEdits(
      root,
      [
        { kind: "write-file", path: "../escape.txt", content: "x" },
        { kind: "write-file", path: ".git/config", content: "x" },
        { kind: "write-file", path: ".github/workflows/ci.yml", content: "x" },
      ],
      policy,
    );
    expect(report.outcomes.map((o) => o.status)).toEqual(["refused", "refused", "refused"]);
    expect(message(report.outcomes[2])).toMatch(/workflow/);
    expect(report.changedPaths).toEqual([]);
    await expect(readFile(join(root, ".git", "config"))).rejects.toThrow();
  });

  it("applies edits in order, continues after a failure, and lists only real changes", async () => {
    await put("f.ts", "let a = 1;\n");
    await put("same.ts", "same\n");
    const report = await applyEdits(
      root,
      [
        sr("f.ts", "let a = 1;", "let a = 2;"),
        sr("f.ts", "let a = 1;", "never"),
        sr("f.ts", "let a = 2;", "let a = 3;"),
        { kind: "write-file", path: "/abs.ts", content: "x" },
        { kind: "write-file", path: "same.ts", content: "same\n" },
        { kind: "write-file", path: "tmp.ts", content: "x" },
        sr("tmp.ts", "x", ""),
      ],
      policy,
    );
    expect(report.outcomes.map((o) => o.status)).toEqual([
      "applied",
      "no-match",
      "applied",
      "refused",
      "applied",
      "applied",
      "applied",
    ]);
    expect(await read("f.ts")).toBe("let a = 3;\n");
    expect(report.changedPaths).toEqual(["f.ts", "tmp.ts"]);
  });

  it("changes back to the original are not reported as changed", async () => {
    await put("r.ts", "a\n");
    const report = await applyEdits(root, [sr("r.ts", "a", "b"), sr("r.ts", "b", "a")], policy);
    expect(report.outcomes.every((o) => o.status === "applied")).toBe(true);
    expect(report.changedPaths).toEqual([]);
  });
});
