/**
 * Adversarial inputs for the scanners of test reports and source files that code under test or a hostile repository
 * writes: JUnit XML (fast-xml-parser, then the ids built from suites and cases), `go test -json` lines, and the import
 * statements the repository explorer parses (tree-sitter) and resolves to files. Part of SCANNER_CASES.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DEFAULT_MAX_PARSE_BYTES, TreeSitterExplorer } from "../../src/context/tree-sitter-explorer.js";
import { parseGoTestJson } from "../../src/testing/go-test-json.js";
import { type JUnitFlavor, parseJUnitXml } from "../../src/testing/junit-xml.js";
import { ADVERSARIAL_CHARS, fill, type ScannerCase } from "./adversarial-fill.js";

const half = ADVERSARIAL_CHARS / 2;

/** Parses as `flavor`; a report that is not well-formed XML is refused (thrown), which is a finished scan too. */
const junit =
  (flavor: JUnitFlavor = "node") =>
  (text: string) => {
    try {
      return parseJUnitXml(text, flavor);
    } catch {
      return [];
    }
  };

/**
 * The explorer parses no file over 256 KiB (larger ones are listed, not parsed), so import inputs are that size, not
 * 1 MiB: tree-sitter's own query matching grows faster than linearly on deeply nested error trees (about 3x per
 * doubling from 256 KiB up), and that cap is what bounds it. Everything Tanuki does with the imports is linear.
 */
const IMPORT_CHARS = DEFAULT_MAX_PARSE_BYTES - 64;
const explorer = new TreeSitterExplorer();

/** Explores a repository holding `source` at `path` (and modules it may resolve to): parse, imports, edges. */
const imports = (path: string) => async (source: string) => {
  if (Buffer.byteLength(source) > DEFAULT_MAX_PARSE_BYTES) throw new Error("over the parse cap: would test nothing");
  const dir = mkdtempSync(join(tmpdir(), "tanuki-imports-"));
  try {
    const files = { [path]: source, "pkg/__init__.py": "", "pkg/m.py": "", "src/b.ts": "" };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return await explorer.explore(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
const python = imports("pkg/a.py");
const typescript = imports("src/a.ts");

/** JUnit XML, `go test -json` and import cases. */
export const REPORT_CASES: ScannerCase[] = [
  {
    name: "junit: long suite name, many cases",
    input: () => `<testsuites><testsuite name="${fill("s", half)}">${fill('<testcase name="t"/>', half)}</testsuite>`,
    run: junit(),
  },
  { name: "junit: unclosed nested suites", input: () => `<testsuites>${fill('<testsuite name="s">')}`, run: junit() },
  { name: "junit: huge attribute", input: () => `<testsuite name="${fill("a")}"/>`, run: junit("generic") },
  { name: "junit: unterminated attribute", input: () => `<testsuite name="${fill("a")}`, run: junit("generic") },
  { name: "junit: many attributes", input: () => `<testsuite ${fill("a ")}>`, run: junit("generic") },
  {
    name: "junit: unclosed failures",
    input: () => `<testsuite><testcase name="t"><failure>${fill("<failure>")}`,
    run: junit("pytest"),
  },
  { name: "junit: comment openers", input: () => `<testsuite>${fill("<!--")}`, run: junit("mocha") },
  { name: "junit: entity references", input: () => `<testsuite name="${fill("&#x22;&amp;")}"/>`, run: junit("vitest") },
  { name: "go test json: one line, no newline", input: () => fill("x"), run: parseGoTestJson },
  { name: "go test json: spaces", input: () => fill(" ", ADVERSARIAL_CHARS, "x"), run: parseGoTestJson },
  { name: "go test json: brace lines", input: () => fill("{\n"), run: parseGoTestJson },
  { name: "go test json: nested arrays", input: () => `{"Action":${fill("[")}`, run: parseGoTestJson },
  {
    name: "go test json: one huge event",
    input: () => `{"Action":"output","Package":"p","Test":"T","Output":"${fill("x")}"}\n`,
    run: parseGoTestJson,
  },
  {
    name: "go test json: many events",
    input: () => fill('{"Action":"pass","Package":"p","Test":"T"}\n{"Action":"fail","Package":"q"}\n'),
    run: parseGoTestJson,
  },
  {
    name: "imports: python long relative module, many names",
    input: () => `from .${fill("m.", IMPORT_CHARS / 2)} import ${fill("a, ", IMPORT_CHARS / 2, "a")}\n`,
    run: python,
  },
  {
    name: "imports: python long dotted name",
    input: () => `import ${fill("a.", IMPORT_CHARS, "a")}\n`,
    run: python,
  },
  { name: "imports: python dots", input: () => `from ${fill(".", IMPORT_CHARS)} import m\n`, run: python },
  { name: "imports: python many names", input: () => `from pkg import (${fill("m, ", IMPORT_CHARS)}m)\n`, run: python },
  {
    name: "imports: python unclosed parenthesis",
    input: () => `from pkg import (${fill("(", IMPORT_CHARS)}`,
    run: python,
  },
  { name: "imports: ts many requires", input: () => fill('require("./b");', IMPORT_CHARS), run: typescript },
  {
    name: "imports: ts long specifier",
    input: () => `import x from "./${fill("a/", IMPORT_CHARS)}";\n`,
    run: typescript,
  },
  {
    name: "imports: ts parent segments",
    input: () => `import x from "${fill("../", IMPORT_CHARS)}b";\n`,
    run: typescript,
  },
  { name: "imports: ts nested import() calls", input: () => fill("import(", IMPORT_CHARS), run: typescript },
  { name: "imports: ts unclosed import braces", input: () => fill("import {a, ", IMPORT_CHARS), run: typescript },
];
