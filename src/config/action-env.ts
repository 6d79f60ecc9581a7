import { z } from "zod";
import { ConfigError } from "../core/errors.js";

/**
 * The Action's inputs (see action.yml). The runner passes input `some-name` as `INPUT_SOME-NAME`; the composite
 * action passes it as `INPUT_SOME_NAME`; both spellings are read.
 */
export const ActionInputs = z.object({
  /** Token for the GitHub API and git over HTTPS: `github.token`, or a Tanuki App installation token. */
  githubToken: z.string().min(1, "the github-token input is required"),
  /** GGUF path or model URI (`hf:...`, `https://...`); empty = the default model. */
  model: z.string().min(1).optional(),
  /** Cache folder for downloaded models. Default `~/.cache/tanuki/models`. */
  modelDir: z.string().min(1).optional(),
  /** Generation threads; default chosen from the CPUs the process may use. */
  threads: z.coerce.number().int().min(1).max(512).optional(),
  /** Repository config file read at the pinned commit. Default `.github/tanuki.yml`. */
  configPath: z.string().min(1).default(".github/tanuki.yml"),
  /** Sandbox image the tests run in. Default `tanuki-sandbox:latest`. */
  sandboxImage: z.string().min(1).default("tanuki-sandbox:latest"),
  /** Operator ceilings for budgets (a repository's `.github/tanuki.yml` can only lower them). */
  maxAttempts: z.coerce.number().int().min(1).max(20).optional(),
  timeBudgetMinutes: z.coerce
    .number()
    .min(1)
    .max(24 * 60)
    .optional(),
  tokenBudget: z.coerce.number().int().min(1_000).optional(),
  /** Scratch folder (clones, job store). Default `$RUNNER_TEMP/tanuki`. */
  workDir: z.string().min(1).optional(),
  /** Folder for run.json, pr.md, summary.md and traces/*.jsonl. Default `$RUNNER_TEMP/tanuki-report`. */
  reportDir: z.string().min(1).optional(),
  /** Least time between two edits of the status comment / check run, ms. Default 5000. */
  statusIntervalMs: z.coerce.number().int().min(0).max(600_000).default(5_000),
  /** `debug` | `info` | `warn` | `error`. Default `info`. */
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
});
export type ActionInputs = z.infer<typeof ActionInputs>;

/** The environment GitHub Actions gives a step, validated. */
export const ActionEnv = z.object({
  GITHUB_EVENT_NAME: z.string().min(1),
  GITHUB_EVENT_PATH: z.string().min(1),
  /** `owner/repo`. */
  GITHUB_REPOSITORY: z.string().regex(/^[^/\s]+\/[^/\s]+$/, "expected owner/repo"),
  GITHUB_API_URL: z.url().default("https://api.github.com"),
  GITHUB_SERVER_URL: z.url().default("https://github.com"),
  GITHUB_RUN_ID: z.string().optional(),
  GITHUB_STEP_SUMMARY: z.string().min(1).optional(),
  GITHUB_OUTPUT: z.string().min(1).optional(),
  RUNNER_TEMP: z.string().min(1).optional(),
  RUNNER_NAME: z.string().optional(),
  inputs: ActionInputs,
});
export type ActionEnv = z.infer<typeof ActionEnv>;

/** Input names as action.yml spells them, by field of {@link ActionInputs}. */
export const ACTION_INPUT_NAMES: Record<keyof ActionInputs, string> = {
  githubToken: "github-token",
  model: "model",
  modelDir: "model-dir",
  threads: "threads",
  configPath: "config-path",
  sandboxImage: "sandbox-image",
  maxAttempts: "max-attempts",
  timeBudgetMinutes: "time-budget-minutes",
  tokenBudget: "token-budget",
  workDir: "work-dir",
  reportDir: "report-dir",
  statusIntervalMs: "status-interval-ms",
  logLevel: "log-level",
};

/** Value of input `name` (trimmed; empty = absent), as the runner or the composite action passes it. */
export function readInput(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const upper = name.toUpperCase();
  const value = env[`INPUT_${upper.replace(/ /g, "_")}`] ?? env[`INPUT_${upper.replace(/[ -]/g, "_")}`];
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Validate the Action's environment and inputs.
 * @throws ConfigError naming each invalid or missing variable or input (`input github-token: ...`)
 */
export function readActionEnv(env: NodeJS.ProcessEnv): ActionEnv {
  const inputs = Object.fromEntries(
    Object.entries(ACTION_INPUT_NAMES).map(([field, name]) => [field, readInput(env, name)]),
  );
  const parsed = ActionEnv.safeParse({ ...env, inputs });
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => {
    const [head, field] = issue.path.map(String);
    const where =
      head === "inputs" && field ? `input ${ACTION_INPUT_NAMES[field as keyof ActionInputs] ?? field}` : head;
    return `${where}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid environment for the Tanuki Action:\n  ${issues.join("\n  ")}`, issues);
}
