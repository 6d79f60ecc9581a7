import { z } from "zod";
import { EnvironmentConfig } from "./environment-config.js";
import { RepoMcpServerConfig } from "./mcp-config.js";

/** Budgets that bound one run. The loop stops at whichever is reached first. */
export const Budgets = z
  .object({
    /** Max code→test→review attempts. */
    maxAttempts: z.number().int().min(1).max(20).default(3),
    /** Wall-clock budget for the whole run, ms. */
    wallClockMs: z
      .number()
      .int()
      .min(1_000)
      .default(30 * 60_000),
    /** Total model tokens (prompt + completion) across all calls. */
    maxTokens: z.number().int().min(1_000).default(400_000),
  })
  .strict();
export type Budgets = z.infer<typeof Budgets>;

/** Sandbox resource caps; see `SandboxLimits` for units. */
export const SandboxLimitsConfig = z
  .object({
    cpus: z.number().positive().max(64).default(1),
    memoryBytes: z
      .number()
      .int()
      .min(64 * 1024 * 1024)
      .default(1024 * 1024 * 1024),
    pids: z.number().int().min(16).default(256),
    commandTimeoutMs: z.number().int().min(1_000).default(300_000),
    maxOutputBytes: z
      .number()
      .int()
      .min(1_024)
      .default(1024 * 1024),
    tmpBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .default(256 * 1024 * 1024),
    /** Disk quota of the work tree, bytes (see `SandboxLimits.diskBytes`). Default 4 GiB. */
    diskBytes: z
      .number()
      .int()
      .min(16 * 1024 * 1024)
      .default(4 * 1024 * 1024 * 1024),
  })
  .strict();
export type SandboxLimitsConfig = z.infer<typeof SandboxLimitsConfig>;

/** Path policy for edits; see `PathPolicy`. */
export const PathPolicyConfig = z
  .object({
    allowWorkflows: z.boolean().default(false),
    /** Edits to `.github/tanuki.yml`, `.gitattributes`, `.gitmodules`, CODEOWNERS and CI configs; see `isControlFile`. */
    allowControlFiles: z.boolean().default(false),
    allow: z.array(z.string().min(1)).default([]),
    deny: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type PathPolicyConfig = z.infer<typeof PathPolicyConfig>;

/** Default of `RunConfig.promptFileBytes`, bytes (256 KiB). */
export const DEFAULT_PROMPT_FILE_BYTES = 256 * 1024;

/**
 * Everything that shapes one run of the loop, with defaults. Entry points build it from flags, environment
 * and `.github/tanuki.yml`; the loop receives it validated.
 */
export const RunConfig = z
  .object({
    budgets: Budgets.default(Budgets.parse({})),
    /** Number of candidate plans the planner proposes (K). */
    planCandidates: z.number().int().min(1).max(8).default(3),
    sandbox: z
      .object({
        image: z.string().min(1).default("tanuki-sandbox:latest"),
        limits: SandboxLimitsConfig.default(SandboxLimitsConfig.parse({})),
      })
      .strict()
      .default({ image: "tanuki-sandbox:latest", limits: SandboxLimitsConfig.parse({}) }),
    paths: PathPolicyConfig.default(PathPolicyConfig.parse({})),
    /** Overrides the detected test command (run with `sh -c` in the sandbox). */
    testCommand: z.string().min(1).optional(),
    /**
     * Install command of the environment phase (e.g. `pip install -e .[test]`), replacing detection. It runs before
     * the first test run, with network access to the package registries only (see `environment`).
     */
    setupCommand: z.string().min(1).optional(),
    /** The environment phase: registries, mirrors, proxy, CA bundle, limits, image, cache. */
    environment: EnvironmentConfig.prefault({}),
    /**
     * Most bytes of one file read to quote into a prompt (briefings, the coder's and tester's files, files named in
     * the issue). A longer file shows its head, cut at a line end, and the prompt says how much of how much is shown;
     * the rest is never read into memory. Default {@link DEFAULT_PROMPT_FILE_BYTES} (256 KiB).
     */
    promptFileBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(DEFAULT_PROMPT_FILE_BYTES),
    /** MCP servers a repository declared (`.github/tanuki.yml`), and whether the operator allows them at all. */
    mcp: z
      .object({
        /** The operator's switch (`TANUKI_ALLOW_REPO_MCP`): off by default, and then `servers` stays empty. */
        allowRepoServers: z.boolean().default(false),
        /** The repository's servers, started in the job's sandbox or reached over its egress allowlist. */
        servers: z.array(RepoMcpServerConfig).max(5).default([]),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type RunConfig = z.infer<typeof RunConfig>;

/** The defaults, for callers that have no configuration. */
export function defaultRunConfig(): RunConfig {
  return RunConfig.parse({});
}
