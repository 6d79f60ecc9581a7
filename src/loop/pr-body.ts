import type { Finding } from "../core/finding.js";
import { fencedCodeBlock } from "../core/markdown.js";
import { PHASES, type RunResult } from "../core/run-result.js";
import { describeTestCounts, type TestReport } from "../core/test-report.js";
import { cell, inline } from "./markdown-cells.js";
import { baseTestsLines, proofLines } from "./proof-section.js";

/** What the PR body needs beyond the RunResult. */
export interface PullRequestBodyContext {
  /** The aggregator's summary paragraph (model output, rendered as text). */
  summary?: string;
  /** Issue number: adds `Fixes #n`. */
  issueNumber?: number;
  /** Model identity for the usage section, e.g. a GGUF file name. */
  modelName?: string;
}

function testRow(label: string, report: TestReport): string {
  const seconds = (report.durationMs / 1000).toFixed(1);
  const exit = report.timedOut ? `${report.exitCode} (timed out)` : String(report.exitCode);
  return `| ${label} | ${cell(exit)} | ${cell(report.passed)} | ${cell(report.failed)} | ${cell(report.errors)} | ${cell(report.skipped)} | ${seconds} s |`;
}

function findingLine(finding: Finding): string {
  const where = `\`${finding.file.replace(/`/g, "'")}:${finding.line}\``;
  const from = finding.attempt !== undefined ? ` (attempt ${finding.attempt})` : "";
  const suggestion = finding.suggestion ? ` Suggestion: ${inline(finding.suggestion)}` : "";
  return `- **${finding.severity}** ${where}${from}: ${inline(finding.explanation)}${suggestion}`;
}

/** Backticks neutralised so a command fits in one inline code span. */
function inlineCode(text: string): string {
  return `\`${inline(text).replace(/`/g, "'")}\``;
}

function environmentSection(result: RunResult): string[] {
  const env = result.environment;
  if (!env) return [];
  const lines = ["## Environment", ""];
  const image = env.image ? ` in ${inlineCode(env.image)}` : "";
  if (env.status === "ready") {
    const commands = env.commands.length > 0 ? env.commands.map(inlineCode).join(", then ") : "nothing to install";
    lines.push(
      `Installed${image}${env.cached ? " (cached environment reused)" : ""}: ${commands} (${env.source}).`,
      "",
    );
    return lines;
  }
  if (env.command) lines.push(`Command: ${inlineCode(env.command)}${image}`, "");
  const exit = env.exitCode !== undefined ? `exit ${env.exitCode}` : "did not run";
  lines.push(`Failed (${exit}${env.problem ? `, ${env.problem}` : ""}): ${inline(env.message ?? "see the log")}`, "");
  if (env.logTail) lines.push("Last lines of the log:", "", fencedCodeBlock(env.logTail, "text"), "");
  return lines;
}

function testsSection(result: RunResult): string[] {
  const lines = ["## Tests", ""];
  const best = result.attempts.find((attempt) => attempt.attempt === result.bestAttempt);
  const before = result.tests?.before ?? result.baseTests?.report;
  const after = result.tests?.after ?? best?.tests;
  if (!before && !after) return [...lines, "No tests were run.", ""];
  const command = after?.command ?? before?.command ?? "";
  lines.push(`Command: \`${command.replace(/`/g, "'")}\``, "");
  lines.push("| run | exit | passed | failed | errors | skipped | time |", "|---|---|---|---|---|---|---|");
  if (before) lines.push(testRow("before (base)", before));
  if (after) lines.push(testRow("after (this change)", after));
  lines.push("", ...baseTestsLines(result), ...proofLines(best?.proof));
  if (after?.outputTail) {
    lines.push(
      "<details><summary>Output after the change (tail)</summary>",
      "",
      fencedCodeBlock(after.outputTail, "text"),
      "",
      "</details>",
      "",
    );
  }
  return lines;
}

function findingsSection(findings: readonly Finding[]): string[] {
  const open = findings.filter((finding) => !finding.resolved);
  const resolved = findings.filter((finding) => finding.resolved);
  const lines = ["## Review findings", ""];
  if (findings.length === 0) return [...lines, "The adversarial reviewer reported no findings.", ""];
  lines.push(`### Open (${open.length})`, "", ...(open.length > 0 ? open.map(findingLine) : ["None."]), "");
  lines.push(
    `### Resolved (${resolved.length})`,
    "",
    ...(resolved.length > 0 ? resolved.map(findingLine) : ["None."]),
    "",
  );
  return lines;
}

function rcaSection(result: RunResult): string[] {
  if (result.rcas.length === 0) return [];
  const lines = ["## Root-cause analysis", ""];
  for (const rca of result.rcas) {
    lines.push(`### Attempt ${rca.attempt}`, "", `- **Symptom:** ${inline(rca.symptom)}`);
    for (const [index, why] of rca.whys.entries()) lines.push(`- **Why ${index + 1}:** ${inline(why)}`);
    lines.push(`- **Root cause:** ${inline(rca.rootCause)}`, `- **Advice:** ${inline(rca.nextAttemptAdvice)}`, "");
  }
  return lines;
}

function attemptsSection(result: RunResult): string[] {
  if (result.attempts.length === 0) return [];
  const lines = [
    "## Attempts",
    "",
    "| attempt | score | tests | blocking | outcome | time |",
    "|---|---|---|---|---|---|",
  ];
  for (const attempt of result.attempts) {
    const tests = attempt.tests ? describeTestCounts(attempt.tests, { withExit: true }) : "not run";
    const blocking = attempt.findings.filter((finding) => finding.severity === "blocking").length;
    const mark = attempt.attempt === result.bestAttempt ? " (best)" : "";
    const outcome = attempt.failureReason ?? "passed";
    lines.push(
      `| ${attempt.attempt}${mark} | ${attempt.score} | ${cell(tests)} | ${blocking} | ${cell(outcome)} | ${(attempt.durationMs / 1000).toFixed(1)} s |`,
    );
  }
  return [...lines, ""];
}

function usageSection(result: RunResult, modelName: string | undefined): string[] {
  const lines = ["## Model usage and timings", ""];
  if (modelName) lines.push(`Model: \`${modelName.replace(/`/g, "'")}\``, "");
  lines.push("| agent | calls | prompt tokens | completion tokens |", "|---|---|---|---|");
  for (const [agent, usage] of Object.entries(result.usage.byAgent).sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`| ${cell(agent)} | ${usage.calls} | ${usage.promptTokens} | ${usage.completionTokens} |`);
  }
  lines.push(
    `| **total** | ${result.usage.calls} | ${result.usage.promptTokens} | ${result.usage.completionTokens} |`,
    "",
  );
  lines.push("| phase | time |", "|---|---|");
  for (const phase of PHASES) {
    const ms = result.timings[phase];
    if (ms !== undefined) lines.push(`| ${phase} | ${(ms / 1000).toFixed(1)} s |`);
  }
  lines.push(`| **total** | ${(result.timings.totalMs / 1000).toFixed(1)} s |`, "");
  return lines;
}

/**
 * Renders the pull request body (GitHub markdown) from a run's result, deterministically: summary, `Fixes #n`,
 * outcome, plan, files changed, the environment (install commands; on failure the command and its log tail), a
 * before/after test table with the output tail, review findings (open and
 * resolved), root-cause analyses, attempts, model usage per agent and per-phase timings. Model-written text is
 * rendered inert (HTML escaped, @-mentions defused, table cells escaped).
 */
export function renderPullRequestBody(result: RunResult, context: PullRequestBodyContext = {}): string {
  const lines: string[] = [];
  if (context.summary?.trim()) lines.push(inline(context.summary), "");
  if (context.issueNumber !== undefined) lines.push(`Fixes #${context.issueNumber}`, "");
  const best =
    result.bestAttempt !== undefined ? ` Best attempt: ${result.bestAttempt} of ${result.attempts.length}.` : "";
  lines.push(`**Outcome:** \`${result.outcome}\` — ${inline(result.reason)}${best}`, "");
  if (result.plan) {
    const chosen = result.plan.candidates[result.plan.chosenIndex];
    if (chosen) {
      lines.push("## Plan", "", inline(chosen.summary), "");
      chosen.steps.forEach((step, index) => {
        const files = step.files.map((file) => `\`${file.replace(/`/g, "'")}\``).join(", ");
        lines.push(
          `${index + 1}. ${inline(step.intent)} — \`${step.agent.replace(/`/g, "'")}\`${files ? ` (${files})` : ""}`,
        );
      });
      lines.push(
        "",
        `Chosen from ${result.plan.candidates.length} candidate plan(s): ${inline(result.plan.reasons || "no reasons given")}`,
        "",
      );
    }
  }
  lines.push("## Files changed", "");
  lines.push(
    ...(result.filesChanged.length > 0 ? result.filesChanged.map((f) => `- \`${f.replace(/`/g, "'")}\``) : ["None."]),
    "",
  );
  lines.push(
    ...environmentSection(result),
    ...testsSection(result),
    ...findingsSection(result.findings),
    ...rcaSection(result),
  );
  lines.push(...attemptsSection(result), ...usageSection(result, context.modelName));
  lines.push("---", "", "_Opened by Tanuki. Review the change like any other contribution before merging._");
  return `${lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}
