import { resolve } from "node:path";
import { RunConfig } from "../config/run-config.js";
import { ConfigError } from "../core/errors.js";
import type { RunBudgetFlags } from "./flag-parsers.js";

/** Flags of `tanuki fix`, as commander hands them over, numbers already parsed (see `flag-parsers.ts`). */
export interface FixFlags extends RunBudgetFlags {
  issue: string;
  model?: string;
  out?: string;
  testCommand?: string;
  setupCommand?: string;
  /** Hosts the install may reach besides the registries (`--allow-host a,b`). */
  allowHost?: string[];
  npmRegistry?: string;
  pipIndexUrl?: string;
  caBundle?: string;
  /** `--setup-timeout`, given in minutes, held in ms. */
  setupTimeout?: number;
  /** `--no-env-cache` sets false. */
  envCache?: boolean;
  image?: string;
  allowWorkflows?: boolean;
  branch?: string;
  /** `--mcp-config <file>`: MCP servers whose allowlisted tools the planner may call. */
  mcpConfig?: string;
}

/**
 * Build the validated RunConfig from parsed flags (budgets in ms and tokens).
 * @throws ConfigError naming the setting when a value is out of the configuration's range (e.g. `--plans 99`)
 */
export function runConfigFromFlags(
  flags: FixFlags,
  env: { sandboxImage?: string; environment?: Record<string, unknown> },
): RunConfig {
  const budgets = { maxAttempts: flags.maxAttempts, wallClockMs: flags.timeBudget, maxTokens: flags.tokenBudget };
  const candidate = {
    budgets: Object.fromEntries(Object.entries(budgets).filter(([, v]) => v !== undefined)),
    planCandidates: flags.plans,
    sandbox: { image: flags.image ?? env.sandboxImage ?? "tanuki-sandbox:latest" },
    paths: { allowWorkflows: flags.allowWorkflows ?? false },
    testCommand: flags.testCommand,
    setupCommand: flags.setupCommand,
    environment: {
      ...env.environment,
      ...(flags.allowHost ? { allowHosts: flags.allowHost } : {}),
      ...(flags.npmRegistry ? { npmRegistry: flags.npmRegistry } : {}),
      ...(flags.pipIndexUrl ? { pipIndexUrl: flags.pipIndexUrl } : {}),
      ...(flags.caBundle ? { caBundle: flags.caBundle } : {}),
      ...(flags.setupTimeout ? { timeoutMs: flags.setupTimeout } : {}),
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

/** Default output folder: `./.tanuki/runs/<timestamp>` under the current directory. */
export function defaultOutDir(cwd: string, now: Date): string {
  return resolve(cwd, ".tanuki", "runs", now.toISOString().replace(/[:.]/g, "-"));
}
