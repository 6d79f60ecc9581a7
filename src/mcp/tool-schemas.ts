import { z } from "zod";

/** An absolute path of a local git repository (its root folder). */
const RepoPath = z.string().min(1).max(4096).describe("Absolute path of the root folder of a local git repository");
/** A commit-ish; never an option. */
const Rev = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^-\s][^\s]*$/, "a commit, branch or tag name (no spaces, not starting with '-')");

export const FixInput = {
  repo: RepoPath,
  title: z.string().min(1).max(256).describe("What is wrong or what to change, in one line (the issue title)"),
  body: z.string().max(20_000).optional().describe("Details: expected behaviour, steps, error output (the issue body)"),
  testCommand: z
    .string()
    .min(1)
    .max(1000)
    .optional()
    .describe("Test command to run in the sandbox (default: detected)"),
  maxAttempts: z.number().int().min(1).max(10).optional().describe("Code → test → review attempts (default 3)"),
};

const Counts = z.object({ passed: z.number().optional(), failed: z.number().optional(), exitCode: z.number() });
const FindingOut = z.object({
  file: z.string(),
  line: z.number(),
  severity: z.enum(["blocking", "major", "minor", "nit"]),
  explanation: z.string(),
  suggestion: z.string().optional(),
});

export const FixOutput = {
  outcome: z.enum(["fixed", "not-fixed", "budget-exhausted", "cancelled", "environment-error", "error"]),
  reason: z.string(),
  branch: z.string().optional().describe("Branch created in the repository with the result (tanuki/…)"),
  headSha: z.string().optional(),
  filesChanged: z.array(z.string()),
  diff: z.string().describe("Unified diff of the best attempt against the base commit"),
  tests: z.object({ before: Counts, after: Counts }).optional(),
  openFindings: z.array(FindingOut),
  usage: z.object({ promptTokens: z.number(), completionTokens: z.number(), calls: z.number() }),
  reportDir: z.string().describe("Folder with run.json, pr.md and trace.jsonl"),
};

export const ReviewInput = {
  repo: RepoPath,
  base: Rev.describe("Commit the change starts from, e.g. main"),
  head: Rev.optional().describe("Commit under review (default HEAD)"),
  title: z.string().max(256).optional().describe("What the change is meant to do"),
};

export const ReviewOutput = {
  verdict: z.enum(["approve", "request-changes"]),
  summary: z.string(),
  headSha: z.string(),
  findings: z.array(FindingOut),
  tests: Counts.optional().describe("The project's tests on the head commit, in the sandbox"),
};

export const EvalInput = {
  repo: RepoPath,
  base: Rev.describe("Commit before the change, e.g. main"),
  head: Rev.optional().describe("Commit with the change (default HEAD)"),
  testCommand: z
    .string()
    .min(1)
    .max(1000)
    .optional()
    .describe(
      "Test command run in the sandbox at both commits; it must write JUnit XML to $TANUKI_RESULTS/junit.xml " +
        "(default: the eval's runner for the repository's language, on all its tests)",
    ),
};

const TestStatusOut = z.enum(["passed", "failed", "error", "skipped", "not run"]);
const CommitRunOut = z.object({
  sha: z.string(),
  command: z.string(),
  exitCode: z.number().optional().describe("Absent when the command did not finish"),
  passed: z.number(),
  failed: z.number().describe("Failed or errored tests"),
  error: z.string().optional().describe("Why the run gave no per-test results"),
});

export const EvalOutput = {
  verdict: z
    .enum(["improved", "regressed", "unchanged", "no-tests"])
    .describe("regressed: a test went pass→fail; improved: none did and one went fail→pass; no-tests: none ran"),
  base: CommitRunOut,
  head: CommitRunOut,
  tests: z
    .array(z.object({ id: z.string(), before: TestStatusOut, after: TestStatusOut }))
    .describe("Every test seen at either commit, with its status at each"),
  failToPass: z.array(z.string()).describe("Not passing at base, passing at head (FAIL_TO_PASS)"),
  passToFail: z.array(z.string()).describe("Passing at base, not passing at head (broken)"),
  passToPass: z.array(z.string()),
  failToFail: z.array(z.string()),
  counts: z.object({
    failToPass: z.number(),
    passToFail: z.number(),
    passToPass: z.number(),
    failToFail: z.number(),
  }),
};

/** The `eval` tool's structured result. */
export type EvalResult = z.infer<z.ZodObject<typeof EvalOutput>>;
