import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RepoFacts } from "../../../src/context/repo-facts.js";
import { TreeSitterExplorer } from "../../../src/context/tree-sitter-explorer.js";
import { CancelledError } from "../../../src/core/errors.js";

const FIXTURES = join(import.meta.dirname, "../../fixtures/repos");
const explorer = new TreeSitterExplorer();
const tempDirs: string[] = [];

/** Copies a fixture repository into a fresh folder, optionally as a git repository. */
function copyFixture(name: string, git: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), `tanuki-explore-${name}-`));
  tempDirs.push(dir);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  if (git) execFileSync("git", ["init", "-q"], { cwd: dir });
  return dir;
}

/** What the workspace hands the explorer: git's tracked and untracked-not-ignored files. */
function gitFiles(dir: string): string[] {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: dir,
    encoding: "utf8",
  });
  return out.split("\0").filter((p) => p !== "");
}

const signatures = (facts: RepoFacts, file: string) =>
  (facts.symbols[file] ?? []).map((s) => `${s.line} ${s.kind} ${s.name}: ${s.signature}`);

afterAll(async () => {
  await explorer.dispose();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe("TreeSitterExplorer on a Python repository", () => {
  let facts: RepoFacts;
  beforeAll(async () => {
    const dir = copyFixture("py-calc", true);
    writeFileSync(join(dir, ".gitignore"), "generated.py\n");
    writeFileSync(join(dir, "generated.py"), "def ignored():\n    pass\n");
    facts = await explorer.explore(dir, { files: gitFiles(dir) });
  });

  it("lists tracked and untracked files, minus ignored ones", () => {
    expect(facts.files).toEqual([
      ".gitignore",
      "README.md",
      "calc/__init__.py",
      "calc/ops.py",
      "calc/report.py",
      "requirements.txt",
      "tests/test_ops.py",
    ]);
  });

  it("extracts function, class and method signatures without bodies, skipping nested helpers", () => {
    expect(signatures(facts, "calc/ops.py")).toEqual([
      "4 function add: def add(a, b):",
      "8 function divide: def divide(numerator: float, denominator: float) -> float:",
      "18 class Calculator: class Calculator:",
      "21 method __init__: def __init__(self, start=0):",
      "25 method describe: def describe():",
      "28 method apply: async def apply(self, op, value):",
    ]);
  });

  it("resolves absolute, relative and package-relative imports to files", () => {
    expect(facts.imports["calc/report.py"]).toEqual(["calc/ops.py"]);
    expect(facts.imports["calc/__init__.py"]).toEqual(["calc/ops.py"]);
    expect(facts.imports["tests/test_ops.py"]).toEqual(["calc/ops.py"]);
  });

  it("detects pip and pytest", () => {
    expect(facts).toMatchObject({
      language: "python",
      packageManager: "pip",
      testCommand: "python3 -m pytest -q -p no:cacheprovider",
      testDir: "tests",
      testFiles: ["tests/test_ops.py"],
    });
  });
});

describe("TreeSitterExplorer on a TypeScript repository", () => {
  let facts: RepoFacts;
  beforeAll(async () => {
    facts = await explorer.explore(copyFixture("ts-shapes", true));
  });

  it("extracts interfaces, types, classes, methods and exported arrow functions", () => {
    expect(signatures(facts, "src/shapes.ts")).toEqual([
      "2 interface Shape: export interface Shape",
      '6 type Unit: export type Unit = "cm" | "m";',
      "8 class Circle: export class Circle implements Shape",
      "9 method constructor: constructor(private readonly radius: number)",
      "11 method area: area(): number",
      "15 method describeMeasurement: static describeMeasurement(measuredValueInSelectedUnit: number, " +
        "selectedUnitOfMeasurement: Unit, numberOfDecimalPlaces = 2): string",
      "24 function totalArea: export function totalArea(shapes: Shape[]): number",
      "29 function scale: export const scale = (shape: Shape, factor: number): number =>",
    ]);
  });

  it("resolves `./x.js` specifiers to the TypeScript source, including re-exports", () => {
    expect(facts.imports["src/index.ts"]).toEqual(["src/shapes.ts"]);
    expect(facts.imports["src/shapes.test.ts"]).toEqual(["src/shapes.ts"]);
  });

  it("detects pnpm and the npm test script", () => {
    expect(facts).toMatchObject({
      language: "typescript",
      packageManager: "pnpm",
      testCommand: "npm test --silent",
      testDir: "src",
      testFiles: ["src/shapes.test.ts"],
    });
  });
});

describe("TreeSitterExplorer on a JavaScript repository without git", () => {
  let facts: RepoFacts;
  let dir: string;
  beforeAll(async () => {
    dir = copyFixture("js-require", false);
    mkdirSync(join(dir, "node_modules/dep"), { recursive: true });
    writeFileSync(join(dir, "node_modules/dep/index.js"), "function dep() {}\n");
    mkdirSync(join(dir, "dist"));
    writeFileSync(join(dir, "dist/bundle.js"), "function bundled() {}\n");
    symlinkSync("/etc/hostname", join(dir, "lib/outside.js"));
    writeFileSync(join(dir, "lib/big.js"), `function big() {}\n${"// padding\n".repeat(30_000)}`);
    facts = await explorer.explore(dir);
  });

  it("walks the tree, skipping node_modules, build output and symlinks", () => {
    expect(facts.files).toEqual([
      "config.json",
      "lib/big.js",
      "lib/index.js",
      "lib/strings.js",
      "package-lock.json",
      "package.json",
      "test/strings.test.js",
    ]);
  });

  it("does not parse files over the size cap", () => {
    expect(facts.symbols["lib/big.js"]).toBeUndefined();
  });

  it("extracts signatures and resolves require() calls", () => {
    expect(signatures(facts, "lib/index.js")).toEqual([
      "5 function makeName: function makeName(title)",
      "9 class Registry: class Registry",
      "10 method register: register(name)",
    ]);
    expect(signatures(facts, "lib/strings.js")).toEqual([
      "1 function slugify: const slugify = function slugify(text)",
      "5 function counter: const counter = function (step)",
    ]);
    expect(facts.imports["lib/index.js"]).toEqual(["config.json", "lib/strings.js"]);
    expect(facts.imports["test/strings.test.js"]).toEqual(["lib/strings.js"]);
  });

  it("detects npm and falls back to node --test when the test script is npm's placeholder", () => {
    expect(facts).toMatchObject({
      language: "javascript",
      packageManager: "npm",
      testCommand: "node --test",
      testDir: "test",
      testFiles: ["test/strings.test.js"],
    });
  });

  it("honours the file cap and cancellation", async () => {
    const capped = await new TreeSitterExplorer({ maxFiles: 2 }).explore(dir);
    expect(capped.files).toHaveLength(2);
    expect(facts.files).toEqual(expect.arrayContaining(capped.files));
    await expect(explorer.explore(dir, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
  });
});

describe("TreeSitterExplorer without a file list", () => {
  it("walks the folder, never running git in it (an outer repository's ignore rules do not matter)", async () => {
    const outer = mkdtempSync(join(tmpdir(), "tanuki-explore-outer-"));
    tempDirs.push(outer);
    execFileSync("git", ["init", "-q"], { cwd: outer });
    writeFileSync(join(outer, ".gitignore"), "vendor/\n");
    mkdirSync(join(outer, "vendor/pkg"), { recursive: true });
    writeFileSync(join(outer, "vendor/pkg/mod.py"), "def vendored(x):\n    return x\n");
    const facts = await explorer.explore(join(outer, "vendor"));
    expect(facts.files).toEqual(["pkg/mod.py"]);
    expect(signatures(facts, "pkg/mod.py")).toEqual(["1 function vendored: def vendored(x):"]);
  });
});

describe("TreeSitterExplorer over its file cap", () => {
  it("keeps root files, manifests and tests before the rest, whatever their path order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tanuki-explore-cap-"));
    tempDirs.push(dir);
    mkdirSync(join(dir, "aaa"), { recursive: true });
    mkdirSync(join(dir, "zz/tests"), { recursive: true });
    for (let i = 0; i < 30; i++) writeFileSync(join(dir, "aaa", `m${i}.py`), "x = 1\n");
    writeFileSync(join(dir, "pyproject.toml"), "[project]\nname = 'x'\n");
    writeFileSync(join(dir, "zz/tests/test_z.py"), "def test_z():\n    pass\n");
    const capped = new TreeSitterExplorer({ maxFiles: 5 });
    try {
      const facts = await capped.explore(dir);
      expect(facts.files).toContain("pyproject.toml");
      expect(facts.files).toContain("zz/tests/test_z.py");
      expect(facts.files).toHaveLength(5);
    } finally {
      await capped.dispose();
    }
  });
});
