import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, posix } from "node:path";

/** Where the cgroup files live; injectable so tests can point at a temporary tree. */
export interface CgroupPaths {
  /** Mount point of the cgroup hierarchy. Default `/sys/fs/cgroup`. */
  root: string;
  /** The process's cgroup membership file. Default `/proc/self/cgroup`. */
  procSelfCgroup: string;
}

const DEFAULT_CGROUP_PATHS: CgroupPaths = { root: "/sys/fs/cgroup", procSelfCgroup: "/proc/self/cgroup" };

/**
 * The CPU quota of this process's cgroup, in CPUs (may be fractional, e.g. 1.5), or undefined when there is no
 * quota or no cgroup information.
 *
 * Reads cgroup v2 `cpu.max` (`"<quota> <period>"` or `"max <period>"`) and cgroup v1 `cpu.cfs_quota_us` /
 * `cpu.cfs_period_us` (quota `-1` = unlimited). The process's own cgroup and each of its ancestors are read, as
 * well as the hierarchy root (inside a container the root is the container's own cgroup); the smallest quota
 * wins, because a parent's limit caps its children. Unreadable files count as "no quota".
 */
export function readCgroupCpuQuota(paths: Partial<CgroupPaths> = {}): number | undefined {
  const { root, procSelfCgroup } = { ...DEFAULT_CGROUP_PATHS, ...paths };
  const membership = readText(procSelfCgroup) ?? "";
  const quotas: number[] = [];
  for (const line of membership.split("\n")) {
    if (line.split(":").length < 3) continue;
    const [, controllers, cgroupPath] = splitCgroupLine(line);
    if (controllers === "") {
      // cgroup v2 (unified hierarchy): "0::/path"
      for (const dir of ancestorDirs(root, cgroupPath)) pushDefined(quotas, readV2Quota(dir));
    } else if (controllers.split(",").includes("cpu")) {
      // cgroup v1: "4:cpu,cpuacct:/path", mounted at root/cpu,cpuacct or root/cpu
      for (const mount of [join(root, controllers), join(root, "cpu"), join(root, "cpu,cpuacct")]) {
        for (const dir of ancestorDirs(mount, cgroupPath)) pushDefined(quotas, readV1Quota(dir));
      }
    }
  }
  if (membership.trim() === "") {
    pushDefined(quotas, readV2Quota(root));
    pushDefined(quotas, readV1Quota(join(root, "cpu")));
  }
  return quotas.length > 0 ? Math.min(...quotas) : undefined;
}

/**
 * Whole CPUs this process may use: `os.availableParallelism()` (which respects the CPU affinity mask / cpuset),
 * lowered to the cgroup CPU quota rounded down (a 1.5-CPU quota gives 1), never below 1.
 *
 * @param options.paths  cgroup file locations (tests); default the real ones
 * @param options.parallelism  the OS's count (tests); default `os.availableParallelism()`
 */
export function availableCpuCount(options: { paths?: Partial<CgroupPaths>; parallelism?: number } = {}): number {
  const parallelism = options.parallelism ?? availableParallelism();
  const quota = readCgroupCpuQuota(options.paths);
  const fromQuota = quota === undefined ? Number.POSITIVE_INFINITY : Math.floor(quota);
  return Math.max(1, Math.min(parallelism, fromQuota));
}

/**
 * Models below this size (bytes) decode fastest on ONE thread: per-token work is so small that synchronising
 * threads costs more than it saves. See {@link chooseThreads} for the measurements.
 */
export const SINGLE_THREAD_MODEL_BYTES = 64 * 1024 * 1024;

/**
 * The thread count for token generation (llama.cpp `threads`).
 *
 * Rule:
 * - never more threads than available CPUs: llama.cpp's workers spin-wait on each other, so oversubscription
 *   is catastrophic;
 * - 1 thread for models under {@link SINGLE_THREAD_MODEL_BYTES} (thread synchronisation dominates);
 * - otherwise half the available CPUs, rounded down, at least 1: on SMT machines that approximates the physical
 *   cores (hyper-threads add little to decoding, which is memory-bandwidth bound), and it leaves CPUs for the
 *   Node event loop and for the sandbox that runs the tests next to the model.
 *
 * Measured with `bench/model-bench.ts` (node-llama-cpp 3.22.1, CPU, 2 available CPUs shared with other work),
 * decode tokens/s at 1 / 2 / 4 threads: a 1.2 MB F32 llama 1,209 / 85 / 1.8; a 26 MB Q8_0 llama 349 / 85 / 1.1;
 * a 200 MB Q8_0 llama 55 / 45 / 0.5. The rule picks 1 thread on such a machine, the best fixed count each time.
 * Not yet measured here: larger models on many dedicated cores, where more threads should pay off.
 *
 * @param options.availableCpus  from {@link availableCpuCount}
 * @param options.modelSizeBytes  size of the model file (or its weights), bytes
 * @returns an integer in [1, availableCpus]
 */
export function chooseThreads(options: { availableCpus: number; modelSizeBytes: number }): number {
  const cpus = Math.max(1, Math.floor(options.availableCpus));
  if (options.modelSizeBytes < SINGLE_THREAD_MODEL_BYTES) return 1;
  return Math.max(1, Math.floor(cpus / 2));
}

function splitCgroupLine(line: string): [string, string, string] {
  const first = line.indexOf(":");
  const second = line.indexOf(":", first + 1);
  return [line.slice(0, first), line.slice(first + 1, second), line.slice(second + 1).trim()];
}

/** `base/a/b`, `base/a`, `base` for cgroup path `/a/b`. */
function ancestorDirs(base: string, cgroupPath: string): string[] {
  const dirs: string[] = [];
  let current = posix.normalize(`/${cgroupPath}`);
  for (;;) {
    dirs.push(join(base, current));
    if (current === "/") return dirs;
    current = posix.dirname(current);
  }
}

function readV2Quota(dir: string): number | undefined {
  const text = readText(join(dir, "cpu.max"));
  if (text === undefined) return undefined;
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === "max") return undefined;
  return toQuota(Number(quota), Number(period ?? 100_000));
}

function readV1Quota(dir: string): number | undefined {
  const quota = readText(join(dir, "cpu.cfs_quota_us"));
  const period = readText(join(dir, "cpu.cfs_period_us"));
  if (quota === undefined || period === undefined) return undefined;
  return toQuota(Number(quota.trim()), Number(period.trim()));
}

function toQuota(quota: number, period: number): number | undefined {
  if (!Number.isFinite(quota) || !Number.isFinite(period) || quota <= 0 || period <= 0) return undefined;
  return quota / period;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function pushDefined(list: number[], value: number | undefined): void {
  if (value !== undefined) list.push(value);
}
