import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  availableCpuCount,
  chooseThreads,
  readCgroupCpuQuota,
  SINGLE_THREAD_MODEL_BYTES,
} from "../../../src/llm/threads.js";

let dir: string;
let root: string;
let procSelfCgroup: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tanuki-cgroup-"));
  root = join(dir, "sys/fs/cgroup");
  procSelfCgroup = join(dir, "proc-self-cgroup");
  mkdirSync(root, { recursive: true });
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("readCgroupCpuQuota", () => {
  it("reads a cgroup v2 cpu.max quota of the process's cgroup", () => {
    write(procSelfCgroup, "0::/app.slice/tanuki\n");
    write(join(root, "app.slice/tanuki/cpu.max"), "150000 100000\n");
    expect(readCgroupCpuQuota({ root, procSelfCgroup })).toBe(1.5);
  });

  it("treats cgroup v2 'max' as no quota", () => {
    write(procSelfCgroup, "0::/\n");
    write(join(root, "cpu.max"), "max 100000\n");
    expect(readCgroupCpuQuota({ root, procSelfCgroup })).toBeUndefined();
  });

  it("takes the smallest quota among the cgroup and its ancestors (v2)", () => {
    write(procSelfCgroup, "0::/outer/inner\n");
    write(join(root, "outer/inner/cpu.max"), "400000 100000\n");
    write(join(root, "outer/cpu.max"), "200000 100000\n");
    write(join(root, "cpu.max"), "max 100000\n");
    expect(readCgroupCpuQuota({ root, procSelfCgroup })).toBe(2);
  });

  it("reads cgroup v1 cfs quota and period from the cpu controller", () => {
    write(procSelfCgroup, "4:memory:/x\n3:cpu,cpuacct:/docker/abc\n");
    write(join(root, "cpu,cpuacct/docker/abc/cpu.cfs_quota_us"), "300000\n");
    write(join(root, "cpu,cpuacct/docker/abc/cpu.cfs_period_us"), "100000\n");
    expect(readCgroupCpuQuota({ root, procSelfCgroup })).toBe(3);
  });

  it("treats a cgroup v1 quota of -1 as no quota", () => {
    write(procSelfCgroup, "1:cpu:/\n");
    write(join(root, "cpu/cpu.cfs_quota_us"), "-1\n");
    write(join(root, "cpu/cpu.cfs_period_us"), "100000\n");
    expect(readCgroupCpuQuota({ root, procSelfCgroup })).toBeUndefined();
  });

  it("falls back to the hierarchy root when the listed path is not mounted (container without cgroupns)", () => {
    write(procSelfCgroup, "1:cpu:/docker/0123456789\n");
    write(join(root, "cpu/cpu.cfs_quota_us"), "50000\n");
    write(join(root, "cpu/cpu.cfs_period_us"), "100000\n");
    expect(readCgroupCpuQuota({ root, procSelfCgroup })).toBe(0.5);
  });

  it("returns undefined when no cgroup files exist", () => {
    expect(readCgroupCpuQuota({ root, procSelfCgroup })).toBeUndefined();
  });
});

describe("availableCpuCount", () => {
  it("is the OS parallelism when there is no quota", () => {
    write(procSelfCgroup, "0::/\n");
    write(join(root, "cpu.max"), "max 100000\n");
    expect(availableCpuCount({ paths: { root, procSelfCgroup }, parallelism: 12 })).toBe(12);
  });

  it("is lowered to the quota, rounded down", () => {
    write(procSelfCgroup, "0::/\n");
    write(join(root, "cpu.max"), "250000 100000\n");
    expect(availableCpuCount({ paths: { root, procSelfCgroup }, parallelism: 12 })).toBe(2);
  });

  it("keeps the OS parallelism when the quota is larger (cpuset/affinity already lower)", () => {
    write(procSelfCgroup, "0::/\n");
    write(join(root, "cpu.max"), "800000 100000\n");
    expect(availableCpuCount({ paths: { root, procSelfCgroup }, parallelism: 3 })).toBe(3);
  });

  it("is at least 1 under a fractional quota", () => {
    write(procSelfCgroup, "0::/\n");
    write(join(root, "cpu.max"), "20000 100000\n");
    expect(availableCpuCount({ paths: { root, procSelfCgroup }, parallelism: 8 })).toBe(1);
  });

  it("reads the real system without throwing", () => {
    expect(availableCpuCount()).toBeGreaterThanOrEqual(1);
  });
});

describe("chooseThreads", () => {
  const large = 1_100_000_000;

  it("never exceeds the available CPUs and is at least 1", () => {
    for (const availableCpus of [1, 2, 3, 4, 7, 16, 64]) {
      for (const modelSizeBytes of [1_000_000, SINGLE_THREAD_MODEL_BYTES, large]) {
        const threads = chooseThreads({ availableCpus, modelSizeBytes });
        expect(Number.isInteger(threads)).toBe(true);
        expect(threads).toBeGreaterThanOrEqual(1);
        expect(threads).toBeLessThanOrEqual(availableCpus);
      }
    }
  });

  it("uses one thread for tiny models however many CPUs there are", () => {
    expect(chooseThreads({ availableCpus: 16, modelSizeBytes: 1_200_000 })).toBe(1);
    expect(chooseThreads({ availableCpus: 16, modelSizeBytes: SINGLE_THREAD_MODEL_BYTES - 1 })).toBe(1);
  });

  it("uses half the CPUs for larger models", () => {
    expect(chooseThreads({ availableCpus: 16, modelSizeBytes: large })).toBe(8);
    expect(chooseThreads({ availableCpus: 5, modelSizeBytes: large })).toBe(2);
    expect(chooseThreads({ availableCpus: 2, modelSizeBytes: large })).toBe(1);
  });

  it("does not decrease as CPUs are added", () => {
    let previous = 0;
    for (let availableCpus = 1; availableCpus <= 32; availableCpus++) {
      const threads = chooseThreads({ availableCpus, modelSizeBytes: large });
      expect(threads).toBeGreaterThanOrEqual(previous);
      previous = threads;
    }
  });
});
