/** Memory an entry takes, bytes: host RAM and GPU memory. */
export interface MemoryCost {
  ramBytes: number;
  vramBytes: number;
}

/** Limits, bytes; an absent limit is unlimited. */
export interface MemoryBudget {
  ramBytes?: number;
  vramBytes?: number;
}

/** What {@link LruBudget.planAdmission} decided. */
export interface AdmissionPlan<K> {
  /** Entries to release, least recently used first. */
  evict: K[];
  /** False when even after evicting every idle entry the newcomer does not fit (it is admitted anyway). */
  fits: boolean;
}

interface Entry {
  cost: MemoryCost;
  /** Callers currently using the entry: such entries are never evicted. */
  pins: number;
}

/**
 * Least-recently-used bookkeeping under a RAM/VRAM budget (pure logic, no I/O). Entries are kept in use order;
 * admitting a newcomer evicts the least recently used idle (unpinned) entries until the newcomer fits.
 * The budget is soft: when pinned entries alone exceed it the newcomer is still admitted and the plan says so,
 * because refusing a call that the machine can in fact serve would be worse than overshooting an estimate.
 */
export class LruBudget<K> {
  private readonly entries = new Map<K, Entry>();

  constructor(readonly budget: MemoryBudget) {}

  /** Keys, least recently used first. */
  keys(): K[] {
    return [...this.entries.keys()];
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Sum of the entries' costs. */
  get used(): MemoryCost {
    let ramBytes = 0;
    let vramBytes = 0;
    for (const { cost } of this.entries.values()) {
      ramBytes += cost.ramBytes;
      vramBytes += cost.vramBytes;
    }
    return { ramBytes, vramBytes };
  }

  /**
   * Which idle entries to evict so that `incoming` fits beside the rest. Does not change anything.
   */
  planAdmission(incoming: MemoryCost): AdmissionPlan<K> {
    const used = this.used;
    let ram = used.ramBytes + incoming.ramBytes;
    let vram = used.vramBytes + incoming.vramBytes;
    const over = () => ram > (this.budget.ramBytes ?? Infinity) || vram > (this.budget.vramBytes ?? Infinity);
    const evict: K[] = [];
    for (const [key, entry] of this.entries) {
      if (!over()) break;
      if (entry.pins > 0) continue;
      evict.push(key);
      ram -= entry.cost.ramBytes;
      vram -= entry.cost.vramBytes;
    }
    return { evict, fits: !over() };
  }

  /** Records a new entry as the most recently used (replacing an entry with the same key). */
  add(key: K, cost: MemoryCost): void {
    const pins = this.entries.get(key)?.pins ?? 0;
    this.entries.delete(key);
    this.entries.set(key, { cost, pins });
  }

  /** Marks an entry as the most recently used. */
  touch(key: K): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  /** Protects an entry from eviction until {@link unpin}; pins nest. */
  pin(key: K): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) entry.pins++;
  }

  unpin(key: K): void {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.pins > 0) entry.pins--;
  }

  remove(key: K): void {
    this.entries.delete(key);
  }
}
