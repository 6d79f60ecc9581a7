import { z } from "zod";
import { ConfigError } from "../core/errors.js";

/**
 * Environment variables the GitHub App reads (Probot's own variables plus Tanuki's).
 *
 * - `APP_ID`, `PRIVATE_KEY` or `PRIVATE_KEY_PATH`, `WEBHOOK_SECRET`: the GitHub App's credentials. When `APP_ID`
 *   or the key is missing (and `NODE_ENV` is not `production`), Probot starts its manifest setup flow instead
 *   (see docs/github-app.md), so they are optional here.
 * - `TANUKI_DATA_DIR`: where the job store (`jobs.json`) and job folders (`jobs/<id>/`) live. Default `./.tanuki`.
 * - `TANUKI_CONCURRENCY`: jobs run at the same time (GPU slots). Default 1.
 * - `TANUKI_STATUS_INTERVAL_MS`: least time between two edits of a status comment or check run, ms. Default 3000.
 * - `TANUKI_USER_COMMAND_LIMIT` (default 5), `TANUKI_REPO_COMMAND_LIMIT` (default 20), `TANUKI_COMMAND_WINDOW_MS`
 *   (default 600000): `/tanuki` commands one user may send to one repository, and one repository accepts, per window.
 * - `TANUKI_MAX_WAITING_JOBS` (default 50), `TANUKI_MAX_WAITING_JOBS_PER_REPO` (default 10): waiting jobs above
 *   which a new job command is refused. See `jobs/intake/command-limits.ts`.
 * - `TANUKI_RUNNER`: `inline` (default: jobs run in this process, on this machine's model) or `actions` (dispatch
 *   mode: jobs run on the repository's self-hosted Actions runners, started through `workflow_dispatch`; the App
 *   loads no model). See docs/deployment.md.
 * - `TANUKI_DISPATCH_WORKFLOW`: the workflow that runs the Tanuki Action (file name or id). Default `tanuki.yml`.
 * - `TANUKI_DISPATCH_REF`: branch the workflow is started on. Default: each repository's default branch.
 * - `TANUKI_DISPATCH_START_TIMEOUT_MS`: a runner must take a dispatched job within this time. Default 30 min.
 * - `TANUKI_DISPATCH_FINISH_TIMEOUT_MS`: a dispatched job must report a result within this time. Default 3 h.
 * - `PORT` (default 3000), `HOST` (default `localhost`; `0.0.0.0` in the container image), `WEBHOOK_PATH` (default
 *   `/api/github/webhooks`): where the webhook server listens.
 * - `WEBHOOK_PROXY_URL`: a smee.io channel that forwards GitHub's deliveries to this server (local development; needs
 *   the optional `smee-client` package).
 * - `LOG_LEVEL`, `LOG_FORMAT`, `GHE_HOST`: read by Probot itself.
 */
/** An empty variable (`PORT=` in a `.env` file) counts as unset, so the default applies. */
function blankIsUnset<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === "" ? undefined : value), schema);
}

export const AppEnv = z.object({
  APP_ID: z.coerce.number().int().positive().optional(),
  PRIVATE_KEY: z.string().min(1).optional(),
  PRIVATE_KEY_PATH: z.string().min(1).optional(),
  WEBHOOK_SECRET: z.string().min(1).optional(),
  TANUKI_DATA_DIR: z.string().min(1).default(".tanuki"),
  TANUKI_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  TANUKI_STATUS_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(3_000),
  TANUKI_USER_COMMAND_LIMIT: z.coerce.number().int().min(1).default(5),
  TANUKI_REPO_COMMAND_LIMIT: z.coerce.number().int().min(1).default(20),
  TANUKI_COMMAND_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(24 * 60 * 60_000)
    .default(10 * 60_000),
  TANUKI_MAX_WAITING_JOBS: z.coerce.number().int().min(1).default(50),
  TANUKI_MAX_WAITING_JOBS_PER_REPO: z.coerce.number().int().min(1).default(10),
  NODE_ENV: z.string().optional(),
  PORT: blankIsUnset(z.coerce.number().int().min(0).max(65_535).default(3_000)),
  HOST: blankIsUnset(z.string().default("localhost")),
  WEBHOOK_PATH: blankIsUnset(z.string().startsWith("/", "must start with /").default("/api/github/webhooks")),
  WEBHOOK_PROXY_URL: blankIsUnset(z.url().optional()),
  TANUKI_RUNNER: z.enum(["inline", "actions"]).default("inline"),
  TANUKI_DISPATCH_WORKFLOW: z.string().min(1).default("tanuki.yml"),
  TANUKI_DISPATCH_REF: z.string().min(1).optional(),
  TANUKI_DISPATCH_START_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(10_000)
    .default(30 * 60_000),
  TANUKI_DISPATCH_FINISH_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .default(3 * 60 * 60_000),
});
export type AppEnv = z.infer<typeof AppEnv>;

/**
 * Validate the app's environment. In production (`NODE_ENV=production`) the credentials are required.
 * @throws ConfigError listing every invalid or missing variable, one `NAME: problem` line each
 */
export function readAppEnv(env: NodeJS.ProcessEnv): AppEnv {
  const parsed = AppEnv.safeParse(env);
  const issues = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  if (parsed.success && parsed.data.NODE_ENV === "production") {
    const data = parsed.data;
    if (data.APP_ID === undefined) issues.push("APP_ID: required in production (the GitHub App's id)");
    if (!data.PRIVATE_KEY && !data.PRIVATE_KEY_PATH) {
      issues.push("PRIVATE_KEY: required in production (or PRIVATE_KEY_PATH, the path of the app's .pem file)");
    }
    if (!data.WEBHOOK_SECRET) issues.push("WEBHOOK_SECRET: required in production (the app's webhook secret)");
  }
  if (issues.length > 0 || !parsed.success) {
    throw new ConfigError(`Invalid environment for the GitHub App:\n  ${issues.join("\n  ")}`, issues);
  }
  return parsed.data;
}
