import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFix } from "../../../src/loop/run-fix.js";
import { createPatchModel, parsePatchFiles } from "../../helpers/patch-model.js";
import { CALC_PY, createBuggyPythonRepo } from "../loop/fixtures/buggy-python-repo.js";
import { configWith, createHarness, taskFor } from "../loop/run-fix-harness.js";

/** The gold patch of the buggy repository: the guard in calc.py and a new test file. */
const PATCH = `diff --git a/calc.py b/calc.py
--- a/calc.py
+++ b/calc.py
@@ -1,6 +1,8 @@
 def divide(a, b):
     """Divide a by b. Dividing by zero returns None."""
+    if b == 0:
+        return None
     return a / b
 
 
 def add(a, b):
diff --git a/tests/test_zero.py b/tests/test_zero.py
new file mode 100644
--- /dev/null
+++ b/tests/test_zero.py
@@ -0,0 +1,5 @@
+from calc import divide
+
+
+def test_zero_divisor():
+    assert divide(5, 0) is None
`;

let repo: string;
let root: string;
let workRoot: string;
const readBase = (path: string) => {
  try {
    return readFileSync(join(repo, path), "utf8");
  } catch {
    return undefined;
  }
};

beforeEach(async () => {
  ({ repo, root } = await createBuggyPythonRepo());
  workRoot = await mkdtemp(join(tmpdir(), "tanuki-patch-model-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(workRoot, { recursive: true, force: true });
});

describe("patch model (a perfect model from a unified patch)", () => {
  it("splits a patch into source and test files with SEARCH/REPLACE hunks and patched content", () => {
    const files = parsePatchFiles(PATCH, readBase);
    expect(files.map((file) => [file.path, file.isTest, file.isNew])).toEqual([
      ["calc.py", false, false],
      ["tests/test_zero.py", true, true],
    ]);
    const calc = files[0];
    expect(calc?.hunks).toHaveLength(1);
    expect(CALC_PY).toContain(calc?.hunks[0]?.search ?? "missing");
    expect(calc?.newContent).toContain("    if b == 0:\n        return None\n    return a / b\n");
  });

  it("refuses a patch that does not apply to the base", () => {
    expect(() => parsePatchFiles(PATCH.replace(" def add(a, b):", " def sub(a, b):"), readBase)).toThrow(
      /does not apply/,
    );
  });

  it("drives runFix to a fixed outcome on a real git repository", async () => {
    const { model } = createPatchModel(PATCH, { readBase });
    const h = createHarness({}, { workRoot });
    const result = await runFix(taskFor(repo), configWith({ maxAttempts: 2 }), { ...h.deps, model });

    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe("fixed");
    expect(result.attempts).toHaveLength(1);
    expect(result.filesChanged).toEqual(["calc.py", "tests/test_zero.py"]);
    expect(model.callsFor("tanuki-coder")).toHaveLength(1);
    expect(model.callsFor("tanuki-coder")[0]?.value).toMatchObject({
      edits: [{ kind: "search-replace", path: "calc.py" }],
    });
  });

  it("throws when the prompt does not show the SEARCH text a real model would have to copy", async () => {
    const { model } = createPatchModel(PATCH, { readBase });
    const hidden = {
      agent: "tanuki-coder",
      messages: [{ role: "user" as const, content: "Files: calc.py" }],
      schema: (await import("../../../src/agents/coder/schema.js")).coderOutputSchema({
        maxTokens: 4096,
        charsPerToken: 4,
      }),
      schemaName: "CoderOutput",
    };
    await expect(model.completeStructured(hidden)).rejects.toThrow(/could not copy this SEARCH/);
  });
});
