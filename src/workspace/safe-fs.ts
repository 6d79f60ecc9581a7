import { constants } from "node:fs";
import { type FileHandle, lstat, mkdir, open, readlink, realpath, unlink } from "node:fs/promises";
import { join, sep } from "node:path";
import { PathPolicyError } from "../core/errors.js";
import type { FileHead } from "./workspace.js";

/** Default cap on one file read from a work tree, bytes (larger files are cut; see {@link readFileInside}). */
export const DEFAULT_READ_CAP_BYTES = 8 * 1024 * 1024;

/** A file read by {@link SafeTree.read}: its head, size on disk and whether it was cut. */
export type ReadInside = FileHead;

/**
 * Host-side file access to a work tree that untrusted code (the repository's tests, in the sandbox) can write.
 * Every path component below `root` is checked with lstat and must be a real folder (never a symlink), the last
 * one is opened with O_NOFOLLOW (and O_NONBLOCK, so a FIFO cannot block the host), and after opening, the open
 * file's real path (`/proc/self/fd/N`) must still be `root/rel`: a component swapped for a symlink between the
 * check and the open is caught either way. Only regular files are read or written.
 *
 * Tanuki reads and writes the tree only while no sandbox process is alive (every command runs in its own
 * container, removed before the command's result is returned), so the two halves are belt and braces.
 *
 * @param root  absolute, symlink-free path of the work tree (use `realpath` once)
 * @param rel  repository-relative POSIX path, already checked by the path policy (no `..`, not absolute)
 */
export class SafeTree {
  private constructor(readonly root: string) {}

  /** @throws Error when `root` does not exist */
  static async open(root: string): Promise<SafeTree> {
    return new SafeTree(await realpath(root));
  }

  /**
   * Reads a regular file's head (at most `maxBytes`), or undefined when it does not exist.
   * @throws PathPolicyError when a component is a symlink or not a folder, or the path is not a regular file
   */
  async read(rel: string, maxBytes = DEFAULT_READ_CAP_BYTES): Promise<ReadInside | undefined> {
    const absolute = await this.checkedPath(rel);
    if (absolute === undefined) return undefined;
    let handle: FileHandle;
    try {
      handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      if (isCode(error, "ENOENT")) return undefined;
      throw refuse(rel, error);
    }
    try {
      await this.verify(handle, rel);
      const stats = await handle.stat();
      const length = Math.min(stats.size, Math.max(0, maxBytes));
      const buffer = Buffer.alloc(length);
      const { bytesRead } = length > 0 ? await handle.read(buffer, 0, length, 0) : { bytesRead: 0 };
      return {
        content: buffer.subarray(0, bytesRead).toString("utf8"),
        size: stats.size,
        truncated: stats.size > bytesRead,
      };
    } finally {
      await handle.close();
    }
  }

  /**
   * Writes `content` to a regular file, creating it and its missing parent folders (mode 0755) when needed. An
   * existing file is rewritten through its descriptor (owner and mode kept).
   * @throws PathPolicyError when a component is a symlink or not a folder, or the path is not a regular file
   */
  async write(rel: string, content: string): Promise<void> {
    const segments = splitRel(rel);
    await this.ensureFolders(segments.slice(0, -1), rel);
    const absolute = join(this.root, ...segments);
    let handle: FileHandle;
    let created = false;
    try {
      handle = await open(absolute, constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      if (!isCode(error, "ENOENT")) throw refuse(rel, error);
      handle = await open(
        absolute,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o644,
      ).catch((err: unknown) => {
        throw refuse(rel, err);
      });
      created = true;
    }
    try {
      await this.verify(handle, rel).catch(async (error: unknown) => {
        if (created) await unlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
        throw error;
      });
      await handle.truncate(0);
      await handle.write(content, 0, "utf8");
    } finally {
      await handle.close();
    }
  }

  /**
   * Removes a file (or a symlink, never what it points to); true when something was removed.
   * @throws PathPolicyError when a parent component is a symlink or not a folder, or `rel` is a folder
   */
  async remove(rel: string): Promise<boolean> {
    const absolute = await this.checkedPath(rel);
    if (absolute === undefined) return false;
    const stats = await lstat(absolute).catch(() => undefined);
    if (!stats) return false;
    if (stats.isDirectory()) throw new PathPolicyError(`${rel} is a folder, not a file`, rel);
    await unlink(absolute);
    return true;
  }

  /**
   * What `rel` is, without following a symlink: `file`, `folder`, `symlink`, `other` (FIFO, socket, device), or
   * undefined when it (or a parent) does not exist. Parents must be real folders.
   * @throws PathPolicyError when a parent component is a symlink or not a folder
   */
  async kind(rel: string): Promise<"file" | "folder" | "symlink" | "other" | undefined> {
    const absolute = await this.checkedPath(rel);
    if (absolute === undefined) return undefined;
    const stats = await lstat(absolute).catch(() => undefined);
    if (!stats) return undefined;
    if (stats.isSymbolicLink()) return "symlink";
    if (stats.isDirectory()) return "folder";
    return stats.isFile() ? "file" : "other";
  }

  /** The absolute path of `rel` after checking its parent components; undefined when a parent is missing. */
  private async checkedPath(rel: string): Promise<string | undefined> {
    const segments = splitRel(rel);
    let current = this.root;
    for (const segment of segments.slice(0, -1)) {
      current = join(current, segment);
      const stats = await lstat(current).catch(() => undefined);
      if (!stats) return undefined;
      if (stats.isSymbolicLink()) throw new PathPolicyError(`${rel} goes through a symlink (${segment})`, rel);
      if (!stats.isDirectory()) throw new PathPolicyError(`${rel}: ${segment} is not a folder`, rel);
    }
    return join(this.root, ...segments);
  }

  /** Creates missing parent folders one by one, refusing any that exists as a symlink or a non-folder. */
  private async ensureFolders(segments: string[], rel: string): Promise<void> {
    let current = this.root;
    for (const segment of segments) {
      current = join(current, segment);
      const stats = await lstat(current).catch(() => undefined);
      if (!stats) {
        await mkdir(current, { mode: 0o755 }).catch((error: unknown) => {
          if (!isCode(error, "EEXIST")) throw refuse(rel, error);
        });
        const made = await lstat(current);
        if (!made.isDirectory() || made.isSymbolicLink())
          throw new PathPolicyError(`${rel}: ${segment} is not a folder`, rel);
        continue;
      }
      if (stats.isSymbolicLink()) throw new PathPolicyError(`${rel} goes through a symlink (${segment})`, rel);
      if (!stats.isDirectory()) throw new PathPolicyError(`${rel}: ${segment} is not a folder`, rel);
    }
  }

  /** Checks that the opened descriptor is a regular file at exactly `root/rel`. */
  private async verify(handle: FileHandle, rel: string): Promise<void> {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new PathPolicyError(`${rel} is not a regular file`, rel);
    const expected = join(this.root, ...splitRel(rel));
    const actual = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
    // Where /proc is not mounted the lstat walk is the only check (it still refuses every symlink component).
    if (actual !== undefined && actual !== expected) {
      throw new PathPolicyError(`${rel} resolves outside its place in the work tree (${actual})`, rel);
    }
  }
}

function splitRel(rel: string): string[] {
  const segments = rel.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.length === 0 || segments.includes("..") || rel.includes("\0") || rel.startsWith(sep)) {
    throw new PathPolicyError(`invalid repository path ${JSON.stringify(rel)}`, rel);
  }
  return segments;
}

function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}

function refuse(rel: string, error: unknown): PathPolicyError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ELOOP") return new PathPolicyError(`${rel} is a symlink`, rel);
  return new PathPolicyError(`${rel}: ${(error as Error).message}`, rel);
}
