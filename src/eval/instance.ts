import { z } from "zod";

/**
 * A list of test names as the datasets ship it: a JSON array, or a string holding a JSON-encoded array
 * (SWE-bench's Hugging Face files store `FAIL_TO_PASS` and `PASS_TO_PASS` that way). Absent means empty.
 */
const TestNameList = z.preprocess(
  (value) => {
    if (value === undefined || value === null) return [];
    if (typeof value !== "string") return value;
    const text = value.trim();
    if (text === "") return [];
    try {
      return JSON.parse(text);
    } catch {
      return value;
    }
  },
  z.array(z.string().min(1, "test names must not be empty"), { error: "must be a list of test names" }),
);

/** `owner/name`, as SWE-bench's `repo` field names a GitHub repository. */
export const RepoName = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,99})\/[A-Za-z0-9._-]{1,100}$/, "must be owner/name")
  .refine((repo) => !repo.split("/").some((part) => part === "." || part === ".."), "must be owner/name");
export type RepoName = z.infer<typeof RepoName>;

/**
 * One task in SWE-bench's format (SWE-bench Lite/Verified/Live, Multi-SWE-bench and SWE-Gym share these fields).
 * Unknown fields are kept as they are (`loose`), so a task file round-trips through Tanuki.
 *
 * Fields Tanuki reads besides SWE-bench's own: `language` (python, javascript, typescript, go, rust, …; detected
 * from the test patch when absent), `test_cmd` (the command that runs the task's tests and writes JUnit XML to
 * `$TANUKI_RESULTS/junit.xml`, or prints `go test -json` / libtest output; see docs/eval.md), `image_name` (a
 * prebuilt image with the environment installed).
 */
export const EvalInstance = z.looseObject({
  instance_id: z
    .string()
    .min(1)
    .max(200)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._+-]*$/,
      "must start with a letter or digit and use only letters, digits and . _ + -",
    ),
  repo: RepoName,
  base_commit: z.string().regex(/^[0-9a-fA-F]{7,40}$/, "must be a commit SHA"),
  problem_statement: z.string().min(1, "must not be empty"),
  /** The gold patch: a unified diff. */
  patch: z.string().default(""),
  /** A unified diff adding or changing the tests that check the fix. */
  test_patch: z.string().default(""),
  FAIL_TO_PASS: TestNameList,
  PASS_TO_PASS: TestNameList,
  environment_setup_commit: z.string().optional(),
  version: z.union([z.string(), z.number()]).optional(),
  hints_text: z.string().optional(),
  created_at: z.string().optional(),
  language: z.string().min(1).optional(),
  test_cmd: z.string().min(1).optional(),
  /** Format of `test_cmd`'s per-test results; default `junit` (read from `$TANUKI_RESULTS/junit.xml`). */
  test_format: z.enum(["junit", "jest-json", "go-json", "libtest"]).optional(),
  image_name: z.string().min(1).optional(),
});
export type EvalInstance = z.infer<typeof EvalInstance>;
