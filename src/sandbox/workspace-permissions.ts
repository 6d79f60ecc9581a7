import { chmod, lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { SandboxError } from "../core/errors.js";
import { SANDBOX_UID } from "./container-spec.js";

/** How the sandbox must treat files it creates in the workspace. */
export interface WorkspaceAccess {
  /**
   * True when the workspace belongs to another uid than the sandbox user and was opened up (a+rwX) for it:
   * the sandbox then runs commands with umask 000 so the host's user can change and delete what they create.
   */
  shared: boolean;
}

/**
 * Makes Tanuki's work copy writable by the sandbox user (uid 1000), which differs from the host user that
 * owns it in most setups (root in a container, a runner user, ...).
 *
 * Why chmod and not chown: chown needs root, and git refuses a repository whose top directory belongs to
 * another user ("dubious ownership"), which would break the host's own git commands in the work copy. So the
 * owner stays, and directories and files get `a+rwX` (the executable bit only where some x bit is set, which
 * git does not track otherwise). `.git` is left alone: the sandbox never needs to write it.
 * The work copy must live in a private directory (e.g. one made by `mkdtemp`, mode 0700) so that no other host
 * user can reach these files.
 *
 * Only what exists now is opened up; files the host writes later keep the host's umask (the sandbox can still
 * replace or delete them, since their directories are writable).
 *
 * @param dir  absolute path of the work copy (never the user's own tree)
 * @throws SandboxError when the directory cannot be read or its modes cannot be changed
 */
export async function prepareWorkspaceForSandbox(dir: string): Promise<WorkspaceAccess> {
  try {
    const root = await lstat(dir);
    if (!root.isDirectory()) throw new SandboxError(`workspace ${dir} is not a directory`);
    if (root.uid === SANDBOX_UID) return { shared: false };
    await openUp(dir, root.mode, true);
    return { shared: true };
  } catch (err) {
    if (err instanceof SandboxError) throw err;
    throw new SandboxError(`cannot make workspace ${dir} writable for the sandbox user: ${String(err)}`, {
      cause: err,
    });
  }
}

async function openUp(path: string, mode: number, isDir: boolean): Promise<void> {
  const wanted = isDir || (mode & 0o111) !== 0 ? 0o777 : 0o666;
  if ((mode & wanted) !== wanted) await chmod(path, (mode & 0o7777) | wanted);
  if (!isDir) return;
  const entries = await readdir(path, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.isSymbolicLink() || entry.name === ".git") continue;
    if (!entry.isDirectory() && !entry.isFile()) continue;
    const child = join(path, entry.name);
    const stats = await lstat(child);
    await openUp(child, stats.mode, stats.isDirectory());
  }
}
