import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isTanukiError } from "../../../src/core/errors.js";
import { FileJobStore } from "../../../src/jobs/store/file-job-store.js";
import type { JobRecord } from "../../../src/jobs/store/job-store.js";

const record = (id: string, state: JobRecord["state"] = "running"): JobRecord => ({
  id,
  kind: "fix-issue",
  key: "o/r#1",
  state,
  installationId: 1,
  owner: "o",
  repo: "r",
  number: 1,
  sha: "a".repeat(40),
  title: "Fix for #1",
  createdAt: 1,
  updatedAt: 1,
});

describe("FileJobStore", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "tanuki-store-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("survives a reopen: jobs, claims, review state and counters", async () => {
    const dir = tempDir();
    const store = await FileJobStore.open(dir);
    expect(await store.claimOnce("delivery", "d1")).toBe(true);
    expect(await store.claimOnce("delivery", "d1")).toBe(false);
    await store.putJob(record("j1"));
    await store.updateJob("j1", { statusCommentId: 5 });
    await store.putReviewState("o/r#2", { lastReviewedSha: "b".repeat(40), fingerprints: ["f"], openFindings: [] });
    expect(await store.increment("c")).toBe(1);
    await store.close();

    const reopened = await FileJobStore.open(dir);
    expect(await reopened.claimOnce("delivery", "d1")).toBe(false);
    expect((await reopened.listJobs(["running"]))[0]).toMatchObject({ id: "j1", statusCommentId: 5 });
    expect((await reopened.getReviewState("o/r#2"))?.fingerprints).toEqual(["f"]);
    expect(await reopened.increment("c")).toBe(2);
  });

  it("writes atomically: concurrent updates leave valid JSON and no temporary files", async () => {
    const dir = tempDir();
    const store = await FileJobStore.open(dir);
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.putJob(record(`j${i}`, "queued"))));
    await store.close();
    expect(Object.keys(JSON.parse(readFileSync(join(dir, "jobs.json"), "utf8")).jobs)).toHaveLength(30);
    expect(readdirSync(dir)).toEqual(["jobs.json"]);
  });

  it("refuses a file that is not a job store", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "jobs.json"), JSON.stringify({ version: 9 }));
    await expect(FileJobStore.open(dir)).rejects.toThrow(/not a Tanuki job store/);
  });

  it("validates every record when it opens the file, names the bad key and leaves the file as it was", async () => {
    const dir = tempDir();
    const bad = JSON.stringify({ version: 1, jobs: { j1: { ...record("j1"), state: "exploded" } } });
    writeFileSync(join(dir, "jobs.json"), bad);
    const error = await FileJobStore.open(dir).catch((e: unknown) => e);
    expect(isTanukiError(error, "config")).toBe(true);
    expect((error as Error).message).toContain("jobs.j1.state");
    expect(readFileSync(join(dir, "jobs.json"), "utf8")).toBe(bad);
  });

  it("refuses a file that is not JSON, saying so", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "jobs.json"), "{ half a stor");
    await expect(FileJobStore.open(dir)).rejects.toThrow(/not a Tanuki job store: it is not JSON/);
  });
});
