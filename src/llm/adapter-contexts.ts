import { resolve } from "node:path";
import { ModelError } from "../core/errors.js";
import { LruBudget, type MemoryBudget, type MemoryCost } from "./lru-budget.js";
import { SequencePool } from "./sequence-pool.js";

/** A LoRA adapter applied to an agent's calls: GGUF file and scale (0 = no effect, 1 = as trained). */
export interface AgentAdapter {
  filePath: string;
  scale: number;
}

/** The minimum of a node-llama-cpp context this cache needs (a real `LlamaContext`, or a fake in unit tests). */
export interface ContextLike<S> {
  readonly totalSequences: number;
  getSequence(): S;
  dispose(): Promise<void>;
}

/** How contexts are made, sized and their adapters freed (node-llama-cpp in production). */
export interface ContextFactory<C> {
  /** Creates a context with these adapters applied (none = the base model). */
  create(adapters: readonly AgentAdapter[]): Promise<C>;
  /** Memory a context with these adapters will take, bytes. */
  estimate(adapters: readonly AgentAdapter[]): Promise<MemoryCost>;
  /** Frees an adapter's weights once no context uses it; false when the library kept them. */
  releaseAdapter(filePath: string): Promise<boolean>;
}

/** Facts about one acquisition, for the trace. */
export interface LeaseFacts {
  /** Adapter set key: `base` or `file@scale[+file@scale…]`. */
  adapterKey: string;
  /** True when this call created the context (and loaded its adapters). */
  loaded: boolean;
  /** Time to obtain the context (lookup, or eviction + creation), ms. This is the adapter switch time. */
  switchMs: number;
  /** True when the previous call used another adapter set. */
  switched: boolean;
  /** Adapter sets released to stay within the budget. */
  evicted: string[];
  /** False when the budget could not be met (pinned contexts alone exceed it). */
  withinBudget: boolean;
  /** True when every sequence of the context was in use, so this call waited for one to be released. */
  queued: boolean;
  /** Time spent waiting for a free sequence of the context, ms. */
  waitedMs: number;
}

/** A sequence of the right context, held until `release()`. */
export interface ContextLease<S> {
  sequence: S;
  facts: LeaseFacts;
  release(): void;
}

/** Counters since creation, and the current memory estimate. */
export interface AdapterCacheStats {
  /** Contexts alive now. */
  contexts: number;
  /** Contexts created (each loading its adapter set). */
  loads: number;
  /** Calls that found their context already loaded. */
  hits: number;
  /** Calls whose adapter set differed from the previous call's. */
  switches: number;
  /** Contexts released to stay within the budget. */
  evictions: number;
  /** Adapter weights freed after their last context was released. */
  adapterReleases: number;
  /** Estimated memory of the live contexts and adapters, bytes. */
  used: MemoryCost;
  budget: MemoryBudget;
}

interface Slot<C, S> {
  key: string;
  adapters: readonly AgentAdapter[];
  context: C;
  pool: SequencePool<S>;
}

/** Key of an adapter set; the empty set is `base`. Scale is part of the key: scales are fixed per context. */
export function adapterSetKey(adapters: readonly AgentAdapter[]): string {
  if (adapters.length === 0) return "base";
  return adapters.map((a) => `${resolve(a.filePath)}@${a.scale}`).join("+");
}

/**
 * One context per adapter set, all sharing one loaded model. node-llama-cpp applies LoRA adapters per context
 * (`model.createContext({ lora })`), so switching agents is picking another context: nothing is reloaded, and each
 * context keeps its own evaluated prompt prefix (KV cache) for its agents' next calls. A KV cache is only valid
 * for the adapters it was computed with, so prefixes are reused within an adapter set, never across sets.
 *
 * Contexts are kept within a RAM/VRAM budget ({@link LruBudget}): admitting a new adapter set releases the least
 * recently used idle contexts (and then the adapters' weights no remaining context uses). Contexts in use are
 * never released; the budget is soft when they alone exceed it.
 */
export class AdapterContexts<S, C extends ContextLike<S> = ContextLike<S>> {
  private readonly slots = new Map<string, Slot<C, S>>();
  private readonly lru: LruBudget<string>;
  private lock: Promise<unknown> = Promise.resolve();
  private lastKey: string | undefined;
  private closed = false;
  private readonly counters = { loads: 0, hits: 0, switches: 0, evictions: 0, adapterReleases: 0 };

  constructor(
    private readonly factory: ContextFactory<C>,
    budget: MemoryBudget,
  ) {
    this.lru = new LruBudget(budget);
  }

  /** Context of an adapter set when it is loaded (for inspection). */
  peek(adapters: readonly AgentAdapter[]): C | undefined {
    return this.slots.get(adapterSetKey(adapters))?.context;
  }

  /**
   * A free sequence of the adapter set's context, creating the context (after evicting LRU idle ones) if needed.
   *
   * @throws ModelError when the cache is disposed or the context cannot be created
   * @throws CancelledError when `signal` aborts while waiting for a sequence
   */
  async acquire(adapters: readonly AgentAdapter[], signal?: AbortSignal): Promise<ContextLease<S>> {
    const started = performance.now();
    const key = adapterSetKey(adapters);
    let loaded = false;
    let evicted: string[] = [];
    let withinBudget = true;
    let slot = this.slots.get(key);
    if (slot !== undefined) {
      this.counters.hits++;
      this.lru.touch(key);
      this.lru.pin(key);
    } else {
      const created = await this.exclusive(() => this.admit(key, adapters));
      ({ slot, loaded, evicted, withinBudget } = created);
    }
    const switched = this.lastKey !== undefined && this.lastKey !== key;
    if (switched) this.counters.switches++;
    this.lastKey = key;
    const switchMs = performance.now() - started;

    const queued = slot.pool.available === 0;
    const waitStarted = performance.now();
    let sequence: S;
    try {
      sequence = await slot.pool.acquire(signal);
    } catch (error) {
      this.lru.unpin(key);
      throw error;
    }
    const pool = slot.pool;
    let released = false;
    return {
      sequence,
      facts: {
        adapterKey: key,
        loaded,
        switchMs,
        switched,
        evicted,
        withinBudget,
        queued,
        waitedMs: performance.now() - waitStarted,
      },
      release: () => {
        if (released) return;
        released = true;
        pool.release(sequence);
        this.lru.unpin(key);
      },
    };
  }

  stats(): AdapterCacheStats {
    return { contexts: this.slots.size, ...this.counters, used: this.lru.used, budget: this.lru.budget };
  }

  /** Releases every context (pending waiters fail with ModelError). Idempotent. */
  async dispose(): Promise<void> {
    this.closed = true;
    const slots = [...this.slots.values()];
    this.slots.clear();
    for (const slot of slots) {
      slot.pool.close();
      this.lru.remove(slot.key);
    }
    await Promise.allSettled(slots.map((slot) => slot.context.dispose()));
  }

  /** Creates (under the lock) the slot for `key`, unless a concurrent call just did; returns it pinned. */
  private async admit(
    key: string,
    adapters: readonly AgentAdapter[],
  ): Promise<{ slot: Slot<C, S>; loaded: boolean; evicted: string[]; withinBudget: boolean }> {
    if (this.closed) throw new ModelError("The model has been disposed");
    const existing = this.slots.get(key);
    if (existing !== undefined) {
      this.counters.hits++;
      this.lru.touch(key);
      this.lru.pin(key);
      return { slot: existing, loaded: false, evicted: [], withinBudget: true };
    }
    const cost = await this.factory.estimate(adapters);
    const plan = this.lru.planAdmission(cost);
    for (const victim of plan.evict) await this.evict(victim);
    const context = await this.factory.create(adapters);
    if (this.closed) {
      await context.dispose();
      throw new ModelError("The model has been disposed");
    }
    const sequences = Array.from({ length: context.totalSequences }, () => context.getSequence());
    const slot: Slot<C, S> = { key, adapters, context, pool: new SequencePool(sequences) };
    this.slots.set(key, slot);
    this.lru.add(key, cost);
    this.lru.pin(key);
    this.counters.loads++;
    return { slot, loaded: true, evicted: plan.evict, withinBudget: plan.fits };
  }

  private async evict(key: string): Promise<void> {
    const slot = this.slots.get(key);
    this.lru.remove(key);
    if (slot === undefined) return;
    this.slots.delete(key);
    slot.pool.close();
    await slot.context.dispose();
    this.counters.evictions++;
    const stillUsed = new Set([...this.slots.values()].flatMap((s) => s.adapters.map((a) => resolve(a.filePath))));
    for (const adapter of slot.adapters) {
      const path = resolve(adapter.filePath);
      if (stillUsed.has(path)) continue;
      stillUsed.add(path);
      if (await this.factory.releaseAdapter(path)) this.counters.adapterReleases++;
    }
  }

  /** Runs `task` after every earlier exclusive task (creation and eviction never interleave). */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.lock.then(task, task);
    this.lock = run.catch(() => undefined);
    return run;
  }
}
