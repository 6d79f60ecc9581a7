import { execFile } from "node:child_process";
import { GitError } from "../core/errors.js";

/** Largest stdout/stderr a git command may produce before it is treated as a failure (bytes). */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/**
 * Configuration passed to every git invocation with `-c`:
 * - `safe.directory=*`: the work copy may be chowned to the sandbox user, and git run by another user (root)
 *   would otherwise refuse to operate on it. `-c` values also reach the git processes git itself spawns
 *   (`upload-pack` during a local fetch).
 * - `core.quotePath=false`, `color.ui=false`: stable, unquoted, uncoloured output whatever the user's config says.
 * - `core.hooksPath=/dev/null`: Tanuki's own git commands run no hooks (a checkout would run post-checkout).
 */
const FIXED_CONFIG = ["safe.directory=*", "core.quotePath=false", "color.ui=false", "core.hooksPath=/dev/null"];

/**
 * `--upload-pack` option for clone/fetch from a local repository path: git clears `-c` settings for the upload-pack
 * it starts on the other repository, so `safe.directory` is given to it again (the value runs through a shell).
 */
export const UPLOAD_PACK_OPTION = "--upload-pack=git -c 'safe.directory=*' upload-pack";

/** Options for {@link runGit}. */
export interface RunGitOptions {
  /** Exit codes that count as success (their stdout is returned). Default: only 0. */
  okExitCodes?: number[];
}

/** Result of {@link runGit}: stdout as text, and the exit code (0, or one listed in `okExitCodes`). */
export interface RunGitResult {
  stdout: string;
  exitCode: number;
}

/**
 * Run `git -C <cwd> <args>` (no shell) and return its stdout. The single way this folder calls git.
 *
 * @param cwd  directory git runs in (`-C`)
 * @param args  git arguments, after the fixed `-c` options
 * @throws GitError when git cannot be started or exits with a code not in `okExitCodes`; the error's `command`
 *   is the full invocation and its message ends with git's stderr.
 */
export function runGit(cwd: string, args: string[], options: RunGitOptions = {}): Promise<RunGitResult> {
  const fullArgs = [...FIXED_CONFIG.flatMap((c) => ["-c", c]), "-C", cwd, ...args];
  const command = `git ${args.join(" ")} (in ${cwd})`;
  const okExitCodes = options.okExitCodes ?? [0];
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      fullArgs,
      { maxBuffer: MAX_OUTPUT_BYTES, encoding: "utf8", windowsHide: true },
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
        const detail = stderr.trim() || error.message;
        reject(new GitError(`git ${args[0] ?? ""} failed: ${detail}`, command, { cause: error }));
      },
    );
  });
}

/** {@link runGit} returning stdout with the trailing newline removed. */
export async function gitOutput(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await runGit(cwd, args);
  return stdout.replace(/\r?\n$/, "");
}

/** Split NUL-separated git output (`-z`) into its non-empty entries. */
export function splitNul(stdout: string): string[] {
  return stdout.split("\0").filter((entry) => entry !== "");
}
