import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { appendSummary, formatOutput, MAX_SUMMARY_BYTES, writeOutputs } from "../../../src/action/outputs.js";
import { parseOutputFile } from "../../helpers/action-env.js";

describe("step outputs and job summary", () => {
  const dir = mkdtempSync(join(tmpdir(), "tanuki-outputs-"));
  afterEach(() => rmSync(join(dir, "out"), { force: true }));

  it("writes multi-line values with a delimiter that does not occur in them", async () => {
    const file = join(dir, "out");
    writeFileSync(file, "earlier=kept\n");
    const tricky = "line 1\nghadelimiter_x\n\nname<<EOF\nlast";
    await writeOutputs(file, {
      detail: tricky,
      "pr-url": "https://github.com/acme/widgets/pull/13",
      absent: undefined,
    });
    const parsed = parseOutputFile(readFileSync(file, "utf8"));
    expect(parsed).toEqual({ earlier: "kept", detail: tricky, "pr-url": "https://github.com/acme/widgets/pull/13" });
  });

  it("refuses output names GitHub would misread", () => {
    expect(() => formatOutput("bad name", "x")).toThrow(/invalid output name/);
    expect(() => formatOutput("a<<b", "x")).toThrow(/invalid output name/);
  });

  it("writes nothing outside Actions (no GITHUB_OUTPUT / GITHUB_STEP_SUMMARY)", async () => {
    await expect(writeOutputs(undefined, { status: "ok" })).resolves.toBeUndefined();
    await expect(appendSummary(undefined, "# hi")).resolves.toBeUndefined();
  });

  it("cuts the job summary at GitHub's 1 MiB limit and says so", async () => {
    const file = join(dir, "out");
    writeFileSync(file, "");
    await appendSummary(file, `# big\n${"x".repeat(MAX_SUMMARY_BYTES + 10)}`);
    const text = readFileSync(file, "utf8");
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_SUMMARY_BYTES);
    expect(text).toMatch(/summary cut at 1 MiB/);
  });
});
