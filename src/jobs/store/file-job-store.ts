import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { z } from "zod";
import { ConfigError } from "../../core/errors.js";
import type { JobState } from "../../core/job-state.js";
import { JobRecord, type JobStore, ReviewState } from "./job-store.js";

/** Ids kept per `claimOnce` namespace (oldest dropped first). */
const MAX_CLAIMS_PER_NAMESPACE = 5_000;
/** Finished jobs kept in the file (oldest dropped first). */
const MAX_FINISHED_JOBS = 1_000;

/** The file's shape, validated when it is read: a store written by hand or by another version is refused. */
const StoreData = z.object({
  version: z.literal(1),
  jobs: z.record(z.string(), JobRecord),
  claims: z.record(z.string(), z.array(z.string())).default({}),
  reviews: z.record(z.string(), ReviewState).default({}),
  counters: z.record(z.string(), z.number()).default({}),
});
type StoreData = z.infer<typeof StoreData>;

/**
 * {@link JobStore} kept in one JSON file (`<dataDir>/jobs.json`), loaded once and rewritten after every change.
 * Writes go through `write-file-atomic` (temporary file, fsync, rename) and are serialised, so a crash leaves the
 * previous or the new state, never a torn file. The file is validated against its schema when it is opened. One
 * process per data dir.
 */
export class FileJobStore implements JobStore {
  private data: StoreData = emptyData();
  private writing: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private readonly claimSets = new Map<string, Set<string>>();

  private constructor(readonly path: string) {}

  /**
   * Open (or create) the store under `dataDir`.
   * @throws ConfigError when the file exists but is not a valid Tanuki job store (it is left as it is: move it
   *   away to start empty)
   */
  static async open(dataDir: string, clock: () => number = Date.now): Promise<FileJobStore> {
    const store = new FileJobStore(join(dataDir, "jobs.json"));
    store.now = clock;
    await mkdir(dataDir, { recursive: true });
    let text: string | undefined;
    try {
      text = await readFile(store.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    if (text !== undefined) store.data = parseStore(store.path, text);
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
      return writeFileAtomic(this.path, `${JSON.stringify(this.data, null, 1)}\n`, { encoding: "utf8", fsync: true });
    });
    this.queued = next;
    this.writing = next.catch(() => undefined);
    return next;
  }
}

/**
 * The store in `text`, validated.
 * @throws ConfigError naming the file and each problem (key path and message)
 */
function parseStore(path: string, text: string): StoreData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path} is not a Tanuki job store: it is not JSON (${(err as Error).message})`);
  }
  const parsed = StoreData.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new ConfigError(`${path} is not a Tanuki job store:\n  ${issues.join("\n  ")}`, issues);
  }
  return parsed.data;
}

function emptyData(): StoreData {
  return { version: 1, jobs: {}, claims: {}, reviews: {}, counters: {} };
}
