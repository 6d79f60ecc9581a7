import { parseDocument } from "yaml";
import { z } from "zod";
import { AllowedHost, type EnvironmentConfig } from "./environment-config.js";
import { RepoMcpConfig } from "./mcp-config.js";
import { Budgets, PathPolicyConfig, RunConfig, SandboxLimitsConfig } from "./run-config.js";

/** Repository permission levels, lowest first (GitHub's collaborator roles). */
export const PERMISSION_LEVELS = ["none", "read", "triage", "write", "maintain", "admin"] as const;
export const Permission = z.enum(PERMISSION_LEVELS);
export type Permission = z.infer<typeof Permission>;

/** `pull_request` actions that can start an automatic review. */
export const REVIEW_EVENTS = ["opened", "reopened", "ready_for_review", "synchronize"] as const;

/** Longest model name a repository may request, characters (served names and Hugging Face ids are far shorter). */
const MAX_MODEL_NAME_CHARS = 200;

/** The same fields, each optional and without its default (absent = "use the operator's value"). */
function withoutDefaults<T extends Record<string, z.ZodDefault<z.ZodType>>>(shape: T) {
  const fields = Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, field.unwrap().optional()]));
  return z.strictObject(fields as { [K in keyof T]: z.ZodOptional<ReturnType<T[K]["unwrap"]>> });
}

/**
 * `.github/tanuki.yml`: what a repository may configure. Every object is strict (an unknown key is an error, so
 * a typo is reported instead of silently ignored). Read from the commit Tanuki pinned (the default branch for an
 * issue, the base commit for a pull request: a pull request cannot change the rules it is reviewed under).
 *
 * Budgets and sandbox limits are capped by the operator's run configuration (see {@link toRunConfig}): a
 * repository can tighten them, never widen them. The sandbox image is the operator's choice, not the repository's.
 * Its MCP servers reach the run only when the operator allows repository MCP servers.
 */
export const RepoConfig = z
  .object({
    /** Label that starts a fix when added to an issue, and that Tanuki adds when asked to fix. Default `tanuki`. */
    label: z.string().min(1).max(50).default("tanuki"),
    /** Least repository permission of a user who may start a job. Default `write`. */
    minPermission: Permission.exclude(["none"]).default("write"),
    /** Which human actions start a job. All default true. */
    triggers: z
      .object({
        /** `/tanuki ...` commands in issue comments. */
        issueComment: z.boolean().default(true),
        /** Adding `label` to an issue. */
        issueLabel: z.boolean().default(true),
        /** `/tanuki ...` commands in pull request comments. */
        pullRequestComment: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /** Automatic review of pull requests. */
    autoReview: z
      .object({
        enabled: z.boolean().default(true),
        /** `pull_request` actions that start a review. Default: all four. */
        events: z.array(z.enum(REVIEW_EVENTS)).default([...REVIEW_EVENTS]),
        /** Skip draft pull requests. Default true. */
        skipDrafts: z.boolean().default(true),
        /** Only pull requests into these base branches (globs, `*` and `**`); empty = all. */
        baseBranches: z.array(z.string().min(1)).default([]),
        /** Changed files matching these globs are left out of the review. */
        ignorePaths: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .prefault({}),
    /** What to do when a check fails on a pull request. */
    failingChecks: z
      .object({
        /**
         * On branches other than Tanuki's own: `off` (nothing), `comment` (root-cause analysis as a comment, the
         * default) or `fix` (the analysis plus a follow-up pull request). On `tanuki/*` branches Tanuki always
         * pushes a fix commit, up to `maxFixAttempts`.
         */
        policy: z.enum(["off", "comment", "fix"]).default("comment"),
        /** Fix attempts per branch, after which Tanuki only comments. Default 2. */
        maxFixAttempts: z.number().int().min(0).max(10).default(2),
        /** Check names never analysed (exact names). */
        ignoreChecks: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .prefault({}),
    /** Path policy for edits. */
    paths: PathPolicyConfig.prefault({}),
    /**
     * Install command of the environment phase (e.g. `pip install -e .[test]`), replacing detection. It runs before
     * the first test run with network access to package registries only. `setupCommand` is the older name.
     */
    setup: z.string().min(1).max(4_000).optional(),
    setupCommand: z.string().min(1).max(4_000).optional(),
    /** The environment phase as the repository may shape it (see docs/environment.md). */
    environment: z
      .object({
        /** Further hosts its install may reach (e.g. `services.gradle.org`); private addresses stay refused. */
        allowHosts: z.array(AllowedHost).max(20).default([]),
        /** Its own image (when the operator allows repository images). */
        image: z.string().min(1).max(300).optional(),
        /** Its own Dockerfile, repository-relative (when the operator allows repository images). */
        dockerfile: z.string().min(1).max(300).optional(),
        /** Time limit of the install, ms (capped by the operator's). */
        timeoutMs: z.number().int().min(10_000).optional(),
      })
      .strict()
      .prefault({}),
    /** Test command, overriding detection. */
    testCommand: z.string().min(1).optional(),
    /** Sandbox limits (each capped by the operator's). */
    sandbox: z
      .object({ limits: withoutDefaults(SandboxLimitsConfig.shape).prefault({}) })
      .strict()
      .prefault({}),
    /** Run budgets (each capped by the operator's). */
    budgets: withoutDefaults(Budgets.shape).prefault({}),
    /** Number of candidate plans. */
    planCandidates: z.number().int().min(1).max(8).optional(),
    /**
     * Model per agent: roster id (e.g. `tanuki-reviewer`) → a model the operator's OpenAI-compatible server serves
     * (e.g. `qwen2.5-coder-32b`), overriding the operator's choice for this repository's jobs. The local backend
     * (one base model, one LoRA adapter per agent) cannot honour it and says so on the job.
     */
    models: z
      .record(
        z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]*$/, "agent ids are lower-case kebab-case")
          .max(64),
        z.string().min(1).max(MAX_MODEL_NAME_CHARS).regex(/^\S*$/, "a model name has no whitespace"),
      )
      .default({}),
    /**
     * MCP servers whose read-only, allowlisted tools the planner may call: stdio servers started inside the job's
     * sandbox, or https endpoints on the egress allowlist (see `RepoMcpServerConfig`). Used only when the operator
     * allows repository MCP servers (`TANUKI_ALLOW_REPO_MCP`); ignored otherwise.
     */
    mcp: RepoMcpConfig.prefault({}),
  })
  .strict();
export type RepoConfig = z.infer<typeof RepoConfig>;

/** Outcome of reading `.github/tanuki.yml`: the config, or every problem as `key.path: message`. */
export type RepoConfigResult = { ok: true; config: RepoConfig } | { ok: false; issues: string[] };

/** Path of the repository config file. */
export const REPO_CONFIG_PATH = ".github/tanuki.yml";

/**
 * Parse and validate `.github/tanuki.yml`. A missing or empty file gives the defaults; an invalid one gives
 * its problems and no config at all (a half-valid file never runs with defaults in place of its invalid keys).
 *
 * @param text file content, or undefined when the file does not exist
 * @returns problems as `key.path: message` (YAML syntax errors as `line L, column C: message`)
 */
export function parseRepoConfig(text: string | undefined): RepoConfigResult {
  let raw: unknown = {};
  if (text !== undefined && text.trim() !== "") {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      return {
        ok: false,
        issues: doc.errors.map((e) => {
          const pos = e.linePos?.[0];
          const message = (e.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
          return pos ? `line ${pos.line}, column ${pos.col}: ${message}` : message;
        }),
      };
    }
    raw = doc.toJS() ?? {};
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, issues: ["(root): expected a mapping of keys to values"] };
  }
  const parsed = RepoConfig.safeParse(raw);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => {
      const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)";
      return `${path}: ${issue.message}`;
    }),
  };
}

/**
 * Map a repository config onto the operator's run configuration. Commands and the path policy come from the
 * repository; budgets and sandbox limits are the smaller of the two; the image stays the operator's.
 *
 * @param repo validated repository config
 * @param operator the operator's run configuration (defaults and ceilings)
 */
export function toRunConfig(repo: RepoConfig, operator: RunConfig): RunConfig {
  const min = (a: number | undefined, b: number) => (a === undefined ? b : Math.min(a, b));
  const limits = operator.sandbox.limits;
  const repoLimits = repo.sandbox.limits;
  return RunConfig.parse({
    ...operator,
    budgets: {
      maxAttempts: min(repo.budgets.maxAttempts, operator.budgets.maxAttempts),
      wallClockMs: min(repo.budgets.wallClockMs, operator.budgets.wallClockMs),
      maxTokens: min(repo.budgets.maxTokens, operator.budgets.maxTokens),
    },
    planCandidates: min(repo.planCandidates, operator.planCandidates),
    sandbox: {
      image: operator.sandbox.image,
      limits: {
        cpus: min(repoLimits.cpus, limits.cpus),
        memoryBytes: min(repoLimits.memoryBytes, limits.memoryBytes),
        pids: min(repoLimits.pids, limits.pids),
        commandTimeoutMs: min(repoLimits.commandTimeoutMs, limits.commandTimeoutMs),
        maxOutputBytes: min(repoLimits.maxOutputBytes, limits.maxOutputBytes),
        tmpBytes: min(repoLimits.tmpBytes, limits.tmpBytes),
      },
    },
    paths: repo.paths,
    testCommand: repo.testCommand ?? operator.testCommand,
    setupCommand: repo.setup ?? repo.setupCommand ?? operator.setupCommand,
    environment: environmentFor(repo.environment, operator.environment),
    mcp: {
      allowRepoServers: operator.mcp.allowRepoServers,
      servers: operator.mcp.allowRepoServers ? repo.mcp.servers : [],
    },
  });
}

/**
 * The repository's environment wishes on top of the operator's: extra allowed hosts are added (private addresses
 * stay refused whatever they resolve to), its image or Dockerfile is used only when the operator allows repository
 * images, its time limit can only be shorter.
 */
function environmentFor(repo: RepoConfig["environment"], operator: EnvironmentConfig): EnvironmentConfig {
  const ownImage = operator.allowRepoImages ? { image: repo.image, dockerfile: repo.dockerfile } : {};
  return {
    ...operator,
    allowHosts: [...new Set([...operator.allowHosts, ...repo.allowHosts])],
    ...Object.fromEntries(Object.entries(ownImage).filter(([, value]) => value !== undefined)),
    timeoutMs: repo.timeoutMs === undefined ? operator.timeoutMs : Math.min(repo.timeoutMs, operator.timeoutMs),
  };
}
