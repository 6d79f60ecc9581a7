import { describe, expect, it } from "vitest";
import { EXIT_ENVIRONMENT, EXIT_FIXED, EXIT_NOT_FIXED, exitCodeFor } from "../../../src/cli/exit-codes.js";
import { formatSummary } from "../../../src/cli/fix-command.js";
import { ProgressRenderer } from "../../../src/cli/progress.js";
import type { EnvironmentReport } from "../../../src/core/environment-report.js";
import type { RunResult } from "../../../src/core/run-result.js";
import { renderStatusComment } from "../../../src/github/status-comment.js";
import { explainFailure } from "../../../src/jobs/kinds/publish-fix.js";
import { renderPullRequestBody } from "../../../src/loop/pr-body.js";

const failed: EnvironmentReport = {
  status: "failed",
  source: "detected",
  commands: ["npm ci"],
  image: "tanuki-sandbox:latest",
  cached: false,
  command: "npm ci",
  exitCode: 1,
  problem: "tls",
  message: "A registry's TLS certificate was not trusted.",
  logTail: "npm error code UNABLE_TO_GET_ISSUER_CERT_LOCALLY\n```\n@alice <b>x</b>\n\u001b[31mred\u001b[0m",
  durationMs: 1200,
};

function result(environment: EnvironmentReport): RunResult {
  return {
    taskId: "t",
    outcome: "environment-error",
    reason: "The environment could not be built: `npm ci` failed (tls).",
    baseSha: "abc",
    attempts: [],
    findings: [],
    rcas: [],
    filesChanged: [],
    usage: { promptTokens: 0, completionTokens: 0, calls: 0, byAgent: {} },
    timings: { environment: 1200, totalMs: 1500 },
    environment,
  };
}

describe("environment-error reporting", () => {
  it("maps environment-error to its own exit code", () => {
    expect(exitCodeFor("environment-error")).toBe(EXIT_ENVIRONMENT);
    expect(exitCodeFor("fixed")).toBe(EXIT_FIXED);
    expect(exitCodeFor("not-fixed")).toBe(EXIT_NOT_FIXED);
    expect(new Set([EXIT_ENVIRONMENT, EXIT_FIXED, EXIT_NOT_FIXED, 2]).size).toBe(4);
  });

  it("pr.md names the failing command and shows the log tail inert", () => {
    const body = renderPullRequestBody(result(failed));
    expect(body).toContain("## Environment");
    expect(body).toContain("Command: `npm ci` in `tanuki-sandbox:latest`");
    expect(body).toContain("Failed (exit 1, tls)");
    expect(body).toMatch(/````text\n[\s\S]*UNABLE_TO_GET_ISSUER_CERT_LOCALLY[\s\S]*\n````/);
  });

  it("pr.md lists what was installed when the environment was ready", () => {
    const body = renderPullRequestBody(
      result({
        status: "ready",
        source: "detected",
        commands: ["npm ci", "pip install -r requirements.txt"],
        cached: true,
        logTail: "",
        durationMs: 5,
      }),
    );
    expect(body).toContain("(cached environment reused): `npm ci`, then `pip install -r requirements.txt` (detected)");
  });

  it("the App's failure explanation carries the command and the fenced log tail", () => {
    const text = explainFailure(result(failed)).join("\n\n");
    expect(text).toContain("Setup command: `npm ci`");
    expect(text).toMatch(/````text\n[\s\S]*UNABLE_TO_GET_ISSUER[\s\S]*\n````/);
  });

  it("the CLI summary prints the command and the last log lines without terminal escapes", () => {
    const text = formatSummary(result(failed), "/out");
    expect(text).toContain("setup command: npm ci (exit 1)");
    expect(text).toContain("  npm error code UNABLE_TO_GET_ISSUER_CERT_LOCALLY");
    expect(text).not.toContain("\u001b");
  });

  it("streams the install log tail: CLI live line and status comment", () => {
    const chunks: string[] = [];
    const renderer = new ProgressRenderer({ write: (t) => chunks.push(t), isTTY: false });
    renderer.onEvent({
      type: "setup-output",
      command: "npm ci",
      tail: ["added 3 packages\u001b[2J"],
      elapsedMs: 2_000,
    });
    expect(chunks).toEqual(["[0:02] environment — npm ci: added 3 packages\n"]);

    const comment = renderStatusComment(
      {
        jobId: "j",
        title: "Fix for #1",
        state: "running",
        phase: "environment",
        setup: { command: "npm ci", tail: ["fetching ```", "@bob"] },
        details: [],
      },
      0,
    );
    expect(comment).toContain("Installing dependencies: `npm ci`");
    expect(comment).toContain("````text\nfetching ```\n@bob\n````");
  });
});
