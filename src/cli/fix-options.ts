import { resolve } from "node:path";
import { ThreadCount } from "../config/cli-env.js";
import { RunConfig } from "../config/run-config.js";
import { ConfigError } from "../core/errors.js";

/** Flags of `tanuki fix`, as commander hands them over (strings unless parsed). */
export interface FixFlags {
  issue: string;
  model?: string;
  out?: string;
  maxAttempts?: string;
  timeBudget?: string;
  tokenBudget?: string;
  plans?: string;
  testCommand?: string;
  setupCommand?: string;
  /** Comma-separated hosts the install may reach besides the registries. */
  allowHost?: string;
  npmRegistry?: string;
  pipIndexUrl?: string;
  caBundle?: string;
  /** Minutes. */
  setupTimeout?: string;
  /** `--no-env-cache` sets false. */
  envCache?: boolean;
  image?: string;
  allowWorkflows?: boolean;
  threads?: string;
  branch?: string;
}

function intFlag(name: string, value: string | undefined, scale = 1): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new ConfigError(`--${name} must be a positive number, got "${value}"`, [`--${name}`]);
  return Math.round(number * scale);
}

/**
 * Build the validated RunConfig from flags (`--time-budget` is in minutes, `--token-budget` in tokens).
 * @throws ConfigError naming the flag when a value is out of range
 */
export function runConfigFromFlags(
  flags: FixFlags,
  env: { sandboxImage?: string; environment?: Record<string, unknown> },
): RunConfig {
  const budgets = {
    maxAttempts: intFlag("max-attempts", flags.maxAttempts),
    wallClockMs: intFlag("time-budget", flags.timeBudget, 60_000),
    maxTokens: intFlag("token-budget", flags.tokenBudget),
  };
  const candidate = {
    budgets: Object.fromEntries(Object.entries(budgets).filter(([, v]) => v !== undefined)),
    planCandidates: intFlag("plans", flags.plans),
    sandbox: { image: flags.image ?? env.sandboxImage ?? "tanuki-sandbox:latest" },
    paths: { allowWorkflows: flags.allowWorkflows ?? false },
    testCommand: flags.testCommand,
    setupCommand: flags.setupCommand,
    environment: {
      ...env.environment,
      ...(flags.allowHost
        ? {
            allowHosts: flags.allowHost
              .split(",")
              .map((h) => h.trim())
              .filter(Boolean),
          }
        : {}),
      ...(flags.npmRegistry ? { npmRegistry: flags.npmRegistry } : {}),
      ...(flags.pipIndexUrl ? { pipIndexUrl: flags.pipIndexUrl } : {}),
      ...(flags.caBundle ? { caBundle: flags.caBundle } : {}),
      ...(flags.setupTimeout ? { timeoutMs: intFlag("setup-timeout", flags.setupTimeout, 60_000) } : {}),
      ...(flags.envCache === false ? { cache: { enabled: false } } : {}),
    },
  };
  const parsed = RunConfig.safeParse(candidate);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid options:\n  ${issues.join("\n  ")}`, issues);
  }
  return parsed.data;
}

/**
 * The `--threads` flag as a number (undefined when absent).
 * @throws ConfigError naming the flag when it is not a whole number in 1..512
 */
export function threadsFromFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = ThreadCount.safeParse(value);
  if (!parsed.success)
    throw new ConfigError(`--threads must be a whole number from 1 to 512, got "${value}"`, ["--threads"]);
  return parsed.data;
}

/** Default output folder: `./.tanuki/runs/<timestamp>` under the current directory. */
export function defaultOutDir(cwd: string, now: Date): string {
  return resolve(cwd, ".tanuki", "runs", now.toISOString().replace(/[:.]/g, "-"));
}
