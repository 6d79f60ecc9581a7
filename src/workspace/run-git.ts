import { execFile } from "node:child_process";
import { GitError } from "../core/errors.js";

/** Largest stdout/stderr a git command may produce before it is treated as a failure (bytes). */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/**
 * Where a git command runs.
 * - `{ repo }`: an existing repository found from that folder (the user's repository, a bare mirror, a job
 *   clone that no sandbox ever touched). With `ownedByOther`, git accepts it although another user owns it
 *   (`safe.directory` for exactly that path, e.g. a runner's checkout read by a job running as root); its own
 *   config still cannot start a command (see HARDENING_CONFIG).
 * - `{ gitDir, workTree? }`: an explicit git directory, and optionally a work tree. Tanuki's work copies always
 *   use this form: their git directory lies outside the folder the sandbox can write, and git never looks for a
 *   `.git` inside the work tree, so nothing the sandbox writes there is read as a repository or its config.
 */
export type GitLocation = { repo: string; ownedByOther?: boolean } | { gitDir: string; workTree?: string };

/** Transports a command may use; every other one (ext::, ssh, git://, file) is refused. Default: none. */
export type GitProtocol = "file" | "https" | "http";

/** Options for {@link runGit}. */
export interface RunGitOptions {
  /** Exit codes that count as success (their stdout is returned). Default: only 0. */
  okExitCodes?: number[];
  /** Transports this one command may use (clone and fetch from a local path need `file`). Default: none. */
  protocols?: GitProtocol[];
  /**
   * Extra environment for this one command, e.g. `GIT_CONFIG_*` carrying an installation token as an
   * `http.extraheader` for a push (never on the command line, where other local users could read it). Only
   * commands that do not touch a work tree may be given credentials.
   */
  env?: Record<string, string>;
  /**
   * Repositories owned by another user that this one command may read (`safe.directory` for exactly those paths,
   * plus their `.git`), e.g. the source of a clone. See GitLocation's `ownedByOther`.
   */
  trustRepos?: string[];
  /** Text written to git's stdin. */
  input?: string;
  signal?: AbortSignal;
}

/** Result of {@link runGit}: stdout as text, and the exit code (0, or one listed in `okExitCodes`). */
export interface RunGitResult {
  stdout: string;
  exitCode: number;
}

/** Identity of the commits Tanuki makes (snapshots, published branches). */
export const TANUKI_IDENTITY = { name: "Tanuki", email: "tanuki@users.noreply.github.com" } as const;

/**
 * Configuration given to every git command with `-c`. Command-line configuration outranks every config file and
 * reaches the git processes git itself starts (through GIT_CONFIG_PARAMETERS), so a config file planted anywhere
 * cannot turn these back on:
 * - no command is ever run from configuration: `core.fsmonitor`, hooks, `core.sshCommand`, credential helpers,
 *   askpass, pagers;
 * - submodules are never entered (a nested repository's own config would be read by the git run inside it);
 * - no transport unless the call asks for one (`protocol.allow=never`; see {@link RunGitOptions.protocols});
 * - stable output: no colour, no quoted paths, no untracked cache.
 * Diff and textconv drivers and filters need a `diff.<x>.command` / `filter.<x>.*` entry, which only the config files
 * could define, and those are limited to Tanuki's own (see {@link GIT_ENV}); diffs also pass `--no-ext-diff
 * --no-textconv`.
 */
const HARDENING_CONFIG = [
  "core.fsmonitor=false",
  "core.hooksPath=/dev/null",
  "core.sshCommand=false",
  "core.askPass=",
  "core.pager=cat",
  "core.untrackedCache=false",
  "core.quotePath=false",
  "credential.helper=",
  "color.ui=false",
  "submodule.recurse=false",
  "diff.ignoreSubmodules=all",
  "status.submoduleSummary=false",
  "fetch.recurseSubmodules=false",
  "protocol.allow=never",
  "gc.auto=0",
  "maintenance.auto=false",
  "advice.detachedHead=false",
  "commit.gpgsign=false",
  "tag.gpgsign=false",
  "core.autocrlf=false",
];

/**
 * The whole environment of a git process: nothing of Tanuki's own environment (tokens, keys, secrets) is passed
 * on, no system or global config is read, HOME and XDG_CONFIG_HOME point nowhere (no user attributes/ignore
 * files), no prompts.
 */
const GIT_ENV: Readonly<Record<string, string>> = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  HOME: "/nonexistent",
  XDG_CONFIG_HOME: "/nonexistent",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_ASKPASS: "/bin/false",
  GIT_OPTIONAL_LOCKS: "0",
  LC_ALL: "C",
  GIT_AUTHOR_NAME: TANUKI_IDENTITY.name,
  GIT_AUTHOR_EMAIL: TANUKI_IDENTITY.email,
  GIT_COMMITTER_NAME: TANUKI_IDENTITY.name,
  GIT_COMMITTER_EMAIL: TANUKI_IDENTITY.email,
};

/** The argv prefix (before the subcommand) for a location and the allowed transports. */
export function gitArgvPrefix(
  where: GitLocation,
  protocols: readonly GitProtocol[] = [],
  trustRepos: readonly string[] = [],
): string[] {
  const config = [...HARDENING_CONFIG, ...protocols.map((p) => `protocol.${p}.allow=always`)];
  const trusted = [...trustRepos, ...("repo" in where && where.ownedByOther ? [where.repo] : [])];
  for (const repo of trusted) config.push(`safe.directory=${repo}`, `safe.directory=${repo}/.git`);
  const location =
    "repo" in where
      ? ["-C", where.repo]
      : [`--git-dir=${where.gitDir}`, ...(where.workTree ? [`--work-tree=${where.workTree}`] : [])];
  return [...config.flatMap((c) => ["-c", c]), ...location];
}

/**
 * Run git (no shell) and return its stdout. The single way Tanuki calls git.
 *
 * @param where  repository to run in (see {@link GitLocation})
 * @param args  git subcommand and its arguments
 * @throws GitError when git cannot be started or exits with a code not in `okExitCodes`; the message ends with
 *   git's stderr (cut at 2,000 characters; git never echoes credential headers), the `command` names the
 *   subcommand and location, never the extra environment
 */
export function runGit(where: GitLocation, args: string[], options: RunGitOptions = {}): Promise<RunGitResult> {
  const fullArgs = [...gitArgvPrefix(where, options.protocols, options.trustRepos), ...args];
  const place = "repo" in where ? where.repo : (where.workTree ?? where.gitDir);
  const command = `git ${args.join(" ")} (in ${place})`;
  const okExitCodes = options.okExitCodes ?? [0];
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      fullArgs,
      {
        env: { ...GIT_ENV, ...options.env },
        maxBuffer: MAX_OUTPUT_BYTES,
        encoding: "utf8",
        windowsHide: true,
        // Relative pathspecs (".") mean the top of the work tree; no repository discovery happens from here.
        ...("workTree" in where && where.workTree ? { cwd: where.workTree } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, exitCode: 0 });
          return;
        }
        const exitCode = typeof error.code === "number" ? error.code : undefined;
        if (exitCode !== undefined && okExitCodes.includes(exitCode)) {
          resolve({ stdout, exitCode });
          return;
        }
        const detail = (stderr.trim() || error.message).slice(0, 2_000);
        reject(new GitError(`git ${args[0] ?? ""} failed: ${detail}`, command, { cause: error }));
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** {@link runGit} returning stdout with the trailing newline removed. */
export async function gitOutput(where: GitLocation, args: string[], options: RunGitOptions = {}): Promise<string> {
  const { stdout } = await runGit(where, args, options);
  return stdout.replace(/\r?\n$/, "");
}

/**
 * `--upload-pack` option for a clone or fetch FROM a local repository owned by another user: git starts
 * upload-pack there without the caller's `-c` settings, so `safe.directory` (that one path) is given to it again.
 * The value runs through a shell: the path is single-quoted.
 */
export function uploadPackTrusting(repo: string): string {
  const quote = (path: string) => `'${path.replaceAll("'", "'\\''")}'`;
  return `--upload-pack=git -c safe.directory=${quote(repo)} -c safe.directory=${quote(`${repo}/.git`)} upload-pack`;
}

/** Split NUL-separated git output (`-z`) into its non-empty entries. */
export function splitNul(stdout: string): string[] {
  return stdout.split("\0").filter((entry) => entry !== "");
}

/**
 * Environment that hands an installation token to one git command as an `http.extraheader`, the way GitHub
 * Actions' checkout does: through `GIT_CONFIG_*` variables of that one process, never argv or a config file.
 */
export function gitAuthEnv(token: string | undefined): Record<string, string> {
  if (!token) return {};
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return {
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "http.extraheader",
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}
