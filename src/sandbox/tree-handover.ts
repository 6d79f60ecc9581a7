import type { Stats } from "node:fs";
import { chmod, lchown, lstat, readdir, rm, statfs } from "node:fs/promises";
import { join } from "node:path";
import { SandboxError } from "../core/errors.js";

/** Numeric uid/gid the sandbox's processes run as. */
export interface SandboxOwner {
  uid: number;
  gid: number;
}

/** The image's own unprivileged user, used when Tanuki runs as root. */
export const DEFAULT_SANDBOX_OWNER: SandboxOwner = { uid: 1000, gid: 1000 };

/**
 * Who the sandbox runs as: Tanuki's own uid/gid when it is not root (then the work tree already belongs to the
 * sandbox user and nothing is made world-writable), else the image's unprivileged user 1000:1000, to whom the
 * tree is handed over with lchown (see {@link handOverTree}). Never root.
 */
export function sandboxOwnerFor(
  processUid = process.getuid?.() ?? 0,
  processGid = process.getgid?.() ?? 0,
): SandboxOwner {
  return processUid === 0 ? DEFAULT_SANDBOX_OWNER : { uid: processUid, gid: processGid };
}

/**
 * Makes every entry of the work tree belong to the sandbox user (lchown, never following a link), so the
 * repository's commands can write what a developer's checkout lets them write. Only root can change owners; for
 * any other user the tree is already theirs (see {@link sandboxOwnerFor}) and this does nothing. Folders keep their
 * modes (0755 from git): nothing becomes world-writable, and the work copy's private parent folder (0700) keeps
 * other local users out.
 *
 * @param dir  absolute path of the work tree
 * @throws SandboxError when the tree cannot be walked or its owners changed
 */
export async function handOverTree(dir: string, owner: SandboxOwner): Promise<void> {
  if (process.getuid?.() !== 0) return;
  try {
    await walk(dir, async (path, stats) => {
      if (stats.uid !== owner.uid || stats.gid !== owner.gid) await lchown(path, owner.uid, owner.gid);
      return true;
    });
  } catch (err) {
    throw new SandboxError(`cannot hand the work tree ${dir} over to the sandbox user: ${String(err)}`, { cause: err });
  }
}

/** What {@link sweepTree} found and did. */
export interface SweepReport {
  /** Bytes the tree's files take (allocated blocks, so sparse files count what they use). */
  bytes: number;
  /** Repository-relative paths of `.git` entries that were removed. */
  removedGitEntries: string[];
  /** Repository-relative paths whose setuid/setgid bits were cleared. */
  clearedSetIdBits: string[];
}

/**
 * Runs after every sandbox command, once all its processes are dead, before the host touches the tree again:
 * - removes every entry named `.git` (any letter case) at any depth: the work copy's git directory lies outside
 *   the tree, so such an entry can only be planted, and a nested repository's config is what a git run inside it
 *   would read;
 * - clears setuid/setgid bits (a quota volume is mounted nosuid, a plain folder is not);
 * - measures the tree's size for the disk quota.
 * Never follows symlinks.
 *
 * @throws SandboxError when the tree cannot be walked
 */
export async function sweepTree(dir: string): Promise<SweepReport> {
  const report: SweepReport = { bytes: 0, removedGitEntries: [], clearedSetIdBits: [] };
  try {
    await walk(dir, async (path, stats, rel) => {
      if (rel !== "" && /^\.git$/i.test(basename(rel))) {
        await rm(path, { recursive: true, force: true });
        report.removedGitEntries.push(rel);
        return false;
      }
      if (!stats.isSymbolicLink() && (stats.mode & 0o6000) !== 0) {
        await chmod(path, stats.mode & 0o1777);
        report.clearedSetIdBits.push(rel);
      }
      report.bytes += stats.blocks * 512;
      return true;
    });
  } catch (err) {
    throw new SandboxError(`cannot check the work tree ${dir} after a command: ${String(err)}`, { cause: err });
  }
  return report;
}

/** Bytes the tree takes (see {@link SweepReport.bytes}), without changing anything. */
export async function treeBytes(dir: string): Promise<number> {
  let bytes = 0;
  await walk(dir, async (_path, stats) => {
    bytes += stats.blocks * 512;
    return true;
  });
  return bytes;
}

/**
 * True when the tree lives on a file system no larger than `diskBytes` plus 10% (a quota volume made for it),
 * so the kernel enforces the quota; false for a folder on a larger file system (the quota must be measured).
 */
export async function quotaEnforcedByVolume(dir: string, diskBytes: number): Promise<boolean> {
  const fs = await statfs(dir).catch(() => undefined);
  return fs !== undefined && fs.blocks * fs.bsize <= diskBytes * 1.1;
}

type Visit = (path: string, stats: Stats, rel: string) => Promise<boolean>;

/** Depth-first walk with lstat (symlinks are visited, never followed); `visit` returns false to skip a folder. */
async function walk(root: string, visit: Visit): Promise<void> {
  const pending: string[] = [""];
  while (pending.length > 0) {
    const rel = pending.pop() as string;
    const path = rel === "" ? root : join(root, rel);
    const stats = await lstat(path).catch(() => undefined);
    if (!stats) continue;
    const descend = await visit(path, stats, rel);
    if (!descend || !stats.isDirectory()) continue;
    for (const name of await readdir(path)) pending.push(rel === "" ? name : `${rel}/${name}`);
  }
}

function basename(rel: string): string {
  return rel.slice(rel.lastIndexOf("/") + 1);
}
