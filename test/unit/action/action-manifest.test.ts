import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ACTION_INPUT_NAMES } from "../../../src/config/action-env.js";
import { DISPATCH_INPUT_NAMES } from "../../../src/jobs/dispatch/dispatch-inputs.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const yaml = (path: string) => parse(readFileSync(resolve(ROOT, path), "utf8"));

type Step = { id?: string; run?: string; uses?: string; env?: Record<string, string>; if?: string };

describe("action.yml", () => {
  const action = yaml("action.yml") as {
    inputs: Record<string, { default?: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: Step[] };
  };
  const runStep = action.runs.steps.find((s) => s.id === "run") as Step;

  it("declares every input the entry reads, and passes each one to it", () => {
    const entryInputs = Object.values(ACTION_INPUT_NAMES);
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(entryInputs));
    const passed = Object.entries(runStep.env ?? {});
    for (const name of entryInputs) {
      const variable = `INPUT_${name.toUpperCase().replace(/-/g, "_")}`;
      expect(passed).toContainEqual([variable, `\${{ inputs.${name} }}`]);
    }
    expect(action.inputs["github-token"]?.default).toBe(`\${{ github.token }}`);
  });

  it("exposes the outputs the entry writes", () => {
    const written = ["status", "detail", "job-id", "pr-url", "review-url", "report-dir", "report-path", "trace-path"];
    expect(Object.keys(action.outputs).sort()).toEqual([...written].sort());
    for (const name of written) expect(action.outputs[name]?.value).toBe(`\${{ steps.run.outputs.${name} }}`);
  });

  it("installs the pinned dependencies with a cache, checks the native binary, then runs the built entry", () => {
    const steps = action.runs.steps;
    expect(action.runs.using).toBe("composite");
    const cache = steps.findIndex((s) => s.uses?.startsWith("actions/cache@"));
    const install = steps.findIndex((s) => s.run?.includes("npm ci"));
    const check = steps.findIndex((s) => s.run?.includes("dist/action/check-native.js"));
    const run = steps.indexOf(runStep);
    expect(cache).toBeGreaterThan(-1);
    expect(steps[install]?.if).toContain("cache-hit != 'true'");
    expect([cache, install, check, run]).toEqual([...[cache, install, check, run]].sort((a, b) => a - b));
    expect(runStep.run).toContain("dist/action/main.js");
  });
});

describe(".github/workflows/tanuki.yml", () => {
  const workflow = yaml(".github/workflows/tanuki.yml") as {
    on: Record<string, { inputs?: Record<string, unknown> } | null>;
    permissions: Record<string, string>;
    concurrency: { group: string };
    jobs: Record<string, { "runs-on": string[] }>;
  };

  it("declares exactly the inputs the App dispatches (GitHub rejects undeclared inputs)", () => {
    expect(Object.keys(workflow.on.workflow_dispatch?.inputs ?? {})).toEqual([...DISPATCH_INPUT_NAMES]);
    expect(DISPATCH_INPUT_NAMES.length).toBeLessThanOrEqual(25);
  });

  it("runs on self-hosted GPU runners with the least permissions, one job per issue or pull request", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(
      ["issue_comment", "issues", "pull_request", "workflow_dispatch", "workflow_run"].sort(),
    );
    expect(workflow.jobs.tanuki?.["runs-on"]).toEqual(["self-hosted", "gpu"]);
    expect(workflow.permissions).toEqual({
      contents: "write",
      issues: "write",
      "pull-requests": "write",
      checks: "write",
      actions: "read",
    });
    expect(workflow.concurrency.group).toContain("github.event.issue.number");
  });
});
