import { z } from "zod";

/** How the harness judged one task's patch (the scoring run; absent when scoring never ran). */
export const HarnessVerdict = z.looseObject({
  /** The patch applied to the base commit (an empty patch counts as applied). */
  patchApplied: z.boolean(),
  /** The test patch applied after it. */
  testPatchApplied: z.boolean(),
  /** FAIL_TO_PASS tests that passed / did not (failed, errored, skipped or never ran). */
  failToPass: z.object({ passed: z.array(z.string()), failed: z.array(z.string()) }),
  passToPass: z.object({ passed: z.array(z.string()), failed: z.array(z.string()) }),
  /** The test command that ran, as shown to users. */
  testCommand: z.string().optional(),
  testExitCode: z.number().optional(),
  /** Wall time of the repository's test command inside the container, ms. */
  testMs: z.number().optional(),
  /** Whole scoring time: work copy, patches, container, tests, parsing, ms. */
  scoreMs: z.number(),
});
export type HarnessVerdict = z.infer<typeof HarnessVerdict>;

/**
 * One line of `results.jsonl`: what happened to one task. The App and the Action write their jobs' outcomes in
 * the same shape (`resolved` then means what the job's own tests said, `harness` is absent), so the same
 * summary, report and comparison tools work on a team's real-world results.
 */
export const EvalResult = z.looseObject({
  instance_id: z.string().min(1),
  repo: z.string(),
  /** Language of the task (from the task, else detected from the test patch's files). */
  language: z.string().default("unknown"),
  /** Who produced the patch: `tanuki/<model>`, `gold`, or the predictions file's model_name_or_path. */
  model_name_or_path: z.string(),
  /** Every FAIL_TO_PASS and PASS_TO_PASS test passed with the patch. */
  resolved: z.boolean(),
  /**
   * `resolved`, `unresolved` (scored, some listed test did not pass), `patch-failed` (the patch did not apply),
   * `empty-patch`, `error` (the run or the scoring broke: see `error`), `invalid` (`--gold`: the gold patch does
   * not resolve the task or the base does not fail it).
   */
  status: z.enum(["resolved", "unresolved", "patch-failed", "empty-patch", "error", "invalid"]),
  /** Tanuki's own outcome (`fixed`, `not-fixed`, …), or `gold` / `prediction` when Tanuki did not run. */
  outcome: z.string(),
  /** Tanuki said `fixed`; compared with `resolved` for the precision of Tanuki's verdict. */
  tanukiSaysFixed: z.boolean().optional(),
  harness: HarnessVerdict.optional(),
  /** `--gold` only: the base commit (empty patch) failed some FAIL_TO_PASS test, as a valid task requires. */
  baseFails: z.boolean().optional(),
  attempts: z.number().int().min(0).default(0),
  /** Wall time of Tanuki's run (0 when Tanuki did not run), ms. */
  wallMs: z.number().min(0).default(0),
  tokens: z.object({ total: z.number(), byAgent: z.record(z.string(), z.number()) }).optional(),
  modelCalls: z.number().int().min(0).default(0),
  error: z.string().optional(),
  /** Folder (relative to the results file) holding the task's pr.md, run.json and trace.jsonl. */
  runDir: z.string().optional(),
  finishedAt: z.string(),
});
export type EvalResult = z.infer<typeof EvalResult>;

/** One line of `predictions.jsonl`, in the official SWE-bench format (the harness reads exactly these fields). */
export interface Prediction {
  instance_id: string;
  model_name_or_path: string;
  model_patch: string;
}
