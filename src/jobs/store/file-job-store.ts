import { mkdir, open, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { JobState } from "../../github/status-comment.js";
import type { JobRecord, JobStore, ReviewState } from "./job-store.js";

/** Ids kept per `claimOnce` namespace (oldest dropped first). */
const MAX_CLAIMS_PER_NAMESPACE = 5_000;
/** Finished jobs kept in the file (oldest dropped first). */
const MAX_FINISHED_JOBS = 1_000;

interface StoreData {
  version: 1;
  jobs: Record<string, JobRecord>;
  claims: Record<string, string[]>;
  reviews: Record<string, ReviewState>;
  counters: Record<string, number>;
}

/**
 * {@link JobStore} kept in one JSON file (`<dataDir>/jobs.json`), loaded once and rewritten after every change.
 * Writes are atomic (write a temporary file, fsync, rename) and serialised, so a crash leaves the previous or
 * the new state, never a torn file. One process per data dir.
 */
export class FileJobStore implements JobStore {
  private data: StoreData = emptyData();
  private writing: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private readonly claimSets = new Map<string, Set<string>>();

  private constructor(readonly path: string) {}

  /**
   * Open (or create) the store under `dataDir`.
   * @throws Error when the file exists but is not a Tanuki job store
   */
  static async open(dataDir: string, clock: () => number = Date.now): Promise<FileJobStore> {
    const store = new FileJobStore(join(dataDir, "jobs.json"));
    store.now = clock;
    await mkdir(dataDir, { recursive: true });
    try {
      const parsed = JSON.parse(await readFile(store.path, "utf8")) as StoreData;
      if (parsed.version !== 1 || typeof parsed.jobs !== "object") {
        throw new Error(`${store.path} is not a Tanuki job store (version ${String(parsed.version)})`);
      }
      store.data = { ...emptyData(), ...parsed };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    for (const [ns, ids] of Object.entries(store.data.claims)) store.claimSets.set(ns, new Set(ids));
    return store;
  }

  private now: () => number = Date.now;

  async claimOnce(namespace: string, id: string): Promise<boolean> {
    const set = this.claimSets.get(namespace) ?? new Set<string>();
    this.claimSets.set(namespace, set);
    if (set.has(id)) return false;
    set.add(id);
    const list = this.data.claims[namespace] ?? [];
    this.data.claims[namespace] = list;
    list.push(id);
    if (list.length > MAX_CLAIMS_PER_NAMESPACE) set.delete(list.shift() as string);
    await this.flush();
    return true;
  }

  async putJob(record: JobRecord): Promise<void> {
    this.data.jobs[record.id] = { ...record };
    this.prune();
    await this.flush();
  }

  async updateJob(id: string, patch: Partial<Omit<JobRecord, "id">>): Promise<void> {
    const job = this.data.jobs[id];
    if (!job) return;
    this.data.jobs[id] = { ...job, ...patch, updatedAt: this.now() };
    await this.flush();
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const job = this.data.jobs[id];
    return job ? { ...job } : undefined;
  }

  async listJobs(states?: JobState[]): Promise<JobRecord[]> {
    return Object.values(this.data.jobs)
      .filter((job) => !states || states.includes(job.state))
      .map((job) => ({ ...job }));
  }

  async getReviewState(key: string): Promise<ReviewState | undefined> {
    const state = this.data.reviews[key];
    return state ? structuredClone(state) : undefined;
  }

  async putReviewState(key: string, state: ReviewState): Promise<void> {
    this.data.reviews[key] = structuredClone(state);
    await this.flush();
  }

  async increment(counter: string, by = 1): Promise<number> {
    const value = (this.data.counters[counter] ?? 0) + by;
    this.data.counters[counter] = value;
    await this.flush();
    return value;
  }

  /** Wait for pending writes. */
  async close(): Promise<void> {
    await this.writing;
  }

  private prune(): void {
    const finished = Object.values(this.data.jobs)
      .filter((j) => j.state !== "queued" && j.state !== "running")
      .sort((a, b) => a.updatedAt - b.updatedAt);
    for (const job of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_JOBS))) {
      delete this.data.jobs[job.id];
    }
  }

  /**
   * Write the current state to disk after the write in progress, if any. Calls made while a write waits share it
   * (its snapshot is taken when it starts), so a burst of changes costs one or two writes, not one each.
   */
  private flush(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.writing.then(() => {
      this.queued = undefined;
      return writeAtomically(this.path, `${JSON.stringify(this.data, null, 1)}\n`);
    });
    this.queued = next;
    this.writing = next.catch(() => undefined);
    return next;
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, "utf8");
  const handle = await open(tmp, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

function emptyData(): StoreData {
  return { version: 1, jobs: {}, claims: {}, reviews: {}, counters: {} };
}
