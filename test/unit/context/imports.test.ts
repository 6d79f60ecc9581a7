import { describe, expect, it } from "vitest";
import { type ImportSpec, resolveImport } from "../../../src/context/imports.js";

const files = new Set([
  "pkg/__init__.py",
  "pkg/core.py",
  "pkg/sub/__init__.py",
  "pkg/sub/deep.py",
  "src/lib_a/__init__.py",
  "src/lib_a/tools.py",
  "scripts/run.py",
  "scripts/helper.py",
  "web/index.ts",
  "web/util.ts",
  "web/comp/index.tsx",
  "web/legacy.cjs",
  "web/data.json",
]);

const py = (level: number, module: string, names: string[] = []): ImportSpec => ({
  kind: "python",
  level,
  module,
  names,
});
const js = (specifier: string): ImportSpec => ({ kind: "js", specifier });

describe("resolveImport (Python)", () => {
  it("resolves absolute imports from the root, a src/ layout and the importing folder", () => {
    expect(resolveImport("main.py", py(0, "pkg.core"), files)).toEqual(["pkg/core.py"]);
    expect(resolveImport("main.py", py(0, "pkg.sub"), files)).toEqual(["pkg/sub/__init__.py"]);
    expect(resolveImport("tests/t.py", py(0, "lib_a.tools"), files)).toEqual(["src/lib_a/tools.py"]);
    expect(resolveImport("scripts/run.py", py(0, "helper"), files)).toEqual(["scripts/helper.py"]);
    expect(resolveImport("main.py", py(0, "numpy"), files)).toEqual([]);
  });

  it("resolves `from pkg import module` to the submodule and the package", () => {
    expect(resolveImport("main.py", py(0, "pkg", ["core", "VERSION"]), files)).toEqual([
      "pkg/core.py",
      "pkg/__init__.py",
    ]);
  });

  it("resolves relative imports by level", () => {
    expect(resolveImport("pkg/sub/deep.py", py(2, "core", ["x"]), files)).toEqual(["pkg/core.py"]);
    expect(resolveImport("pkg/core.py", py(1, "", ["sub"]), files)).toEqual(["pkg/sub/__init__.py"]);
    expect(resolveImport("pkg/core.py", py(1, "", ["missing"]), files)).toEqual(["pkg/__init__.py"]);
    // Levels above the root stay at the root, however many.
    expect(resolveImport("pkg/sub/deep.py", py(1_000_000, "pkg", ["core"]), files)).toEqual([
      "pkg/core.py",
      "pkg/__init__.py",
    ]);
  });

  it("resolves nothing for module names and specifiers longer than a path can be", () => {
    const long = `pkg.${"a.".repeat(300_000)}core`;
    expect(resolveImport("main.py", py(0, long), files)).toEqual([]);
    expect(resolveImport("pkg/core.py", py(1, long, ["core", "sub"]), files)).toEqual([]);
    expect(resolveImport("web/index.ts", js(`./${"a/".repeat(300_000)}../util`), files)).toEqual([]);
  });
});

describe("resolveImport (JavaScript/TypeScript)", () => {
  it("resolves relative specifiers with extensions, index files and the .js → .ts convention", () => {
    expect(resolveImport("web/index.ts", js("./util.js"), files)).toEqual(["web/util.ts"]);
    expect(resolveImport("web/index.ts", js("./util"), files)).toEqual(["web/util.ts"]);
    expect(resolveImport("web/index.ts", js("./comp"), files)).toEqual(["web/comp/index.tsx"]);
    expect(resolveImport("web/comp/index.tsx", js("../legacy.cjs"), files)).toEqual(["web/legacy.cjs"]);
    expect(resolveImport("web/index.ts", js("./data.json"), files)).toEqual(["web/data.json"]);
  });

  it("leaves packages and paths outside the repository unresolved", () => {
    expect(resolveImport("web/index.ts", js("react"), files)).toEqual([]);
    expect(resolveImport("web/index.ts", js("../../etc/passwd"), files)).toEqual([]);
  });
});
