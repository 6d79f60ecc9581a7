import { describe, expect, it } from "vitest";
import { CancelledError, ModelError } from "../../../src/core/errors.js";
import {
  AdapterContexts,
  type AgentAdapter,
  adapterSetKey,
  type ContextFactory,
} from "../../../src/llm/adapter-contexts.js";

/** Fake contexts (the real ones are covered by test/model/lora-adapters.test.ts). */
class FakeContext {
  disposed = false;
  readonly totalSequences = 1;
  constructor(readonly key: string) {}
  getSequence(): string {
    return `${this.key}#seq`;
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

function factory(costBytes = 10) {
  const created: string[] = [];
  const released: string[] = [];
  const f: ContextFactory<FakeContext> = {
    async create(adapters) {
      const key = adapterSetKey(adapters);
      created.push(key);
      return new FakeContext(key);
    },
    estimate: async () => ({ ramBytes: costBytes, vramBytes: 0 }),
    async releaseAdapter(path) {
      released.push(path);
      return true;
    },
  };
  return { f, created, released };
}

const a: AgentAdapter = { filePath: "/adapters/a.gguf", scale: 1 };
const b: AgentAdapter = { filePath: "/adapters/b.gguf", scale: 1 };
const c: AgentAdapter = { filePath: "/adapters/c.gguf", scale: 0.5 };

describe("AdapterContexts", () => {
  it("creates one context per adapter set, reuses it, and counts switches", async () => {
    const { f, created } = factory();
    const cache = new AdapterContexts<string, FakeContext>(f, {});
    const facts = [];
    for (const set of [[a], [a], [b], [a], []]) {
      const lease = await cache.acquire(set);
      facts.push(lease.facts);
      lease.release();
    }
    expect(created).toEqual([adapterSetKey([a]), adapterSetKey([b]), "base"]);
    expect(facts.map((x) => x.loaded)).toEqual([true, false, true, false, true]);
    expect(facts.map((x) => x.switched)).toEqual([false, false, true, true, true]);
    expect(cache.stats()).toMatchObject({ contexts: 3, loads: 3, hits: 2, switches: 3, evictions: 0 });
  });

  it("releases the least recently used idle context and its adapter weights when over budget", async () => {
    const { f, released } = factory(10);
    const cache = new AdapterContexts<string, FakeContext>(f, { ramBytes: 25 });
    for (const set of [[a], [b]]) (await cache.acquire(set)).release();
    const third = await cache.acquire([c]);
    third.release();
    expect(third.facts.evicted).toEqual([adapterSetKey([a])]);
    expect(released).toEqual(["/adapters/a.gguf"]);
    expect(cache.stats()).toMatchObject({ contexts: 2, evictions: 1, adapterReleases: 1 });
    // a comes back: b is now the least recently used.
    const again = await cache.acquire([a]);
    expect(again.facts).toMatchObject({ loaded: true, evicted: [adapterSetKey([b])] });
    again.release();
  });

  it("keeps an adapter's weights while another context still uses the same file", async () => {
    const { f, released } = factory(10);
    const cache = new AdapterContexts<string, FakeContext>(f, { ramBytes: 25 });
    const half = { ...a, scale: 0.5 };
    for (const set of [[a], [half], [b]]) (await cache.acquire(set)).release();
    expect(cache.stats().evictions).toBe(1);
    expect(released).toEqual([]);
  });

  it("never releases a context in use; the budget is then exceeded and said so", async () => {
    const { f } = factory(10);
    const cache = new AdapterContexts<string, FakeContext>(f, { ramBytes: 15 });
    const held = await cache.acquire([a]);
    const other = await cache.acquire([b]);
    expect(other.facts).toMatchObject({ evicted: [], withinBudget: false });
    expect(cache.stats().contexts).toBe(2);
    held.release();
    other.release();
  });

  it("makes concurrent first calls for one adapter set share one context", async () => {
    const { f, created } = factory();
    const cache = new AdapterContexts<string, FakeContext>(f, {});
    const leases = await Promise.all([cache.acquire([a]), cache.acquire([b])]);
    for (const lease of leases) lease.release();
    const waiting = cache.acquire([a]);
    const second = cache.acquire([a]);
    (await waiting).release();
    (await second).release();
    expect(created.filter((key) => key === adapterSetKey([a]))).toHaveLength(1);
  });

  it("queues a second caller of a one-sequence context and lets it cancel", async () => {
    const { f } = factory();
    const cache = new AdapterContexts<string, FakeContext>(f, {});
    const first = await cache.acquire([a]);
    expect(first.facts.queued).toBe(false);
    const controller = new AbortController();
    const waiting = cache.acquire([a], controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    const queued = cache.acquire([a]);
    first.release();
    const next = await queued;
    expect(next.sequence).toBe(first.sequence);
    expect(next.facts.queued).toBe(true);
    next.release();
    expect((await cache.acquire([a])).facts.queued).toBe(false);
  });

  it("disposes every context and refuses new ones afterwards", async () => {
    const { f } = factory();
    const cache = new AdapterContexts<string, FakeContext>(f, {});
    (await cache.acquire([a])).release();
    const context = cache.peek([a]);
    await cache.dispose();
    expect(context?.disposed).toBe(true);
    await expect(cache.acquire([b])).rejects.toBeInstanceOf(ModelError);
  });
});
