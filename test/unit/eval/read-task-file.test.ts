import { describe, expect, it } from "vitest";
import { parseTaskFile } from "../../../src/eval/read-task-file.js";

const instance = (id: string, extra: Record<string, unknown> = {}) => ({
  instance_id: id,
  repo: "acme/widgets",
  base_commit: "0123456789abcdef0123456789abcdef01234567",
  problem_statement: "It breaks.",
  patch: "diff --git a/x b/x\n",
  test_patch: "diff --git a/t b/t\n",
  FAIL_TO_PASS: '["tests/test_x.py::test_a"]',
  PASS_TO_PASS: ["tests/test_x.py::test_b"],
  ...extra,
});

describe("parseTaskFile", () => {
  it("reads JSONL with JSON-encoded or plain test lists and keeps unknown fields", () => {
    const text = [
      JSON.stringify(instance("acme__widgets-1", { difficulty: "<15 min fix" })),
      "",
      JSON.stringify(instance("acme__widgets-2", { FAIL_TO_PASS: ["a", "b"], PASS_TO_PASS: "[]" })),
    ].join("\n");
    const { instances, problems } = parseTaskFile(text);
    expect(problems).toEqual([]);
    expect(instances.map((i) => i.instance_id)).toEqual(["acme__widgets-1", "acme__widgets-2"]);
    expect(instances[0]?.FAIL_TO_PASS).toEqual(["tests/test_x.py::test_a"]);
    expect(instances[0]?.difficulty).toBe("<15 min fix");
    expect(instances[1]?.FAIL_TO_PASS).toEqual(["a", "b"]);
    expect(instances[1]?.PASS_TO_PASS).toEqual([]);
  });

  it("reports bad lines with their line numbers and keeps the good ones", () => {
    const text = [
      JSON.stringify(instance("ok-1")),
      "{not json",
      JSON.stringify(instance("bad-repo", { repo: "../etc" })),
      JSON.stringify(instance("bad-list", { FAIL_TO_PASS: "[not json" })),
      JSON.stringify(instance("ok-1")),
      JSON.stringify({ ...instance("no-statement"), problem_statement: undefined }),
      JSON.stringify(instance("ok-2")),
    ].join("\n");
    const { instances, problems } = parseTaskFile(text);
    expect(instances.map((i) => i.instance_id)).toEqual(["ok-1", "ok-2"]);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6]);
    expect(problems[0]?.message).toMatch(/not valid JSON/);
    expect(problems[1]?.message).toMatch(/repo/);
    expect(problems[2]?.message).toMatch(/FAIL_TO_PASS/);
    expect(problems[3]?.message).toMatch(/appears again/);
    expect(problems[4]?.message).toMatch(/problem_statement/);
  });

  it("reads a JSON array and numbers its elements by the line they start on", () => {
    const text = `[\n  ${JSON.stringify(instance("a-1"))},\n  ${JSON.stringify({ instance_id: "broken" })},\n  ${JSON.stringify(instance("a-2"))}\n]\n`;
    const { instances, problems } = parseTaskFile(text);
    expect(instances.map((i) => i.instance_id)).toEqual(["a-1", "a-2"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(3);
  });

  it("reports a broken JSON array instead of crashing", () => {
    const { instances, problems } = parseTaskFile("[{]");
    expect(instances).toEqual([]);
    expect(problems[0]?.message).toMatch(/not a valid JSON array/);
  });
});
