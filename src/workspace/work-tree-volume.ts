import { execFile } from "node:child_process";
import { mkdir, open, rm, rmdir } from "node:fs/promises";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/**
 * The file system a work tree lives on.
 * - `mount`: a file-backed ext4 volume of exactly the quota, loop-mounted `nosuid,nodev` at `path`: a command in
 *   the sandbox that writes past it gets ENOSPC and the host's disk is untouched; setuid bits and device files
 *   written in the sandbox mean nothing on the host. Needs root (or CAP_SYS_ADMIN), loop devices and mkfs.ext4.
 * - `folder`: a plain folder on the host's file system; the sandbox enforces the quota by measuring the tree and
 *   stopping a command that goes past it (see `DockerSandbox`), and strips setuid bits after every command.
 */
export interface WorkTreeVolume {
  /** Absolute path of the work tree. */
  readonly path: string;
  readonly kind: "mount" | "folder";
  /** Why a quota was asked for but no volume could be mounted (shown once in the job's log); else undefined. */
  readonly fallbackReason?: string;
  /** Unmounts and deletes the volume (a `folder` is left for the caller to remove). Idempotent. */
  release(): Promise<void>;
}

/** Options of {@link createWorkTreeVolume}. */
export interface WorkTreeVolumeOptions {
  /** Quota, bytes. Undefined or 0: a plain folder. */
  diskBytes?: number | undefined;
}

/**
 * Creates the folder a work tree lives in: a quota-sized `mount` volume when `diskBytes` is set and this process
 * may mount one, else a plain `folder` (with `fallbackReason` saying why, when a quota was asked for).
 * The volume's image file (`<path>.img`, sparse: it takes only the space written) lies beside the mount point.
 *
 * @param path  absolute path of the work tree folder to create (must not exist)
 * @throws Error when the folder cannot be created
 */
export async function createWorkTreeVolume(path: string, options: WorkTreeVolumeOptions): Promise<WorkTreeVolume> {
  await mkdir(path, { mode: 0o755 });
  const bytes = options.diskBytes ?? 0;
  if (bytes <= 0) return folderVolume(path);
  if (process.platform !== "linux" || process.getuid?.() !== 0) {
    return folderVolume(path, "mounting a quota volume needs root; the quota is enforced by measuring the tree");
  }
  const image = `${path}.img`;
  try {
    const handle = await open(image, "wx", 0o600);
    await handle.truncate(bytes);
    await handle.close();
    await execFileAsync("mkfs.ext4", ["-q", "-F", "-m", "0", "-E", "lazy_itable_init=1,lazy_journal_init=1", image]);
    await execFileAsync("mount", ["-o", "loop,nosuid,nodev,noatime", image, path]);
  } catch (error) {
    await rm(image, { force: true });
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    return folderVolume(
      path,
      `cannot mount a quota volume (${detail.slice(0, 200)}); the quota is enforced by measuring the tree`,
    );
  }
  await rmdir(`${path}/lost+found`).catch(() => undefined);
  let released: Promise<void> | undefined;
  return {
    path,
    kind: "mount",
    release: () => {
      released ??= unmount(path).then(() => rm(image, { force: true }));
      return released;
    },
  };
}

function folderVolume(path: string, fallbackReason?: string): WorkTreeVolume {
  return { path, kind: "folder", ...(fallbackReason ? { fallbackReason } : {}), release: async () => undefined };
}

/** Unmounts, falling back to a lazy unmount when something still holds the mount (it then goes when released). */
async function unmount(path: string): Promise<void> {
  try {
    await execFileAsync("umount", [path]);
  } catch {
    await execFileAsync("umount", ["-l", path]).catch(() => undefined);
  }
}
