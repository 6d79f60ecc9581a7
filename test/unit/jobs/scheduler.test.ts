import { afterEach, describe, expect, it, vi } from "vitest";
import { every, systemScheduler } from "../../../src/jobs/scheduler.js";
import { ManualScheduler } from "../../helpers/manual-scheduler.js";

describe("every", () => {
  it("calls at once, then once per interval at the scheduler's time, until cancelled", () => {
    const scheduler = new ManualScheduler(1_000);
    const at: number[] = [];
    const handle = every(scheduler, 60_000, () => at.push(scheduler.now()));
    expect(at).toEqual([1_000]);
    scheduler.advance(59_999);
    expect(at).toEqual([1_000]);
    scheduler.advance(120_001);
    expect(at).toEqual([1_000, 61_000, 121_000, 181_000]);
    handle.cancel();
    scheduler.advance(600_000);
    expect(at).toHaveLength(4);
    expect(scheduler.waiting).toBe(0);
  });
});

describe("systemScheduler", () => {
  afterEach(() => vi.useRealTimers());

  it("runs a call after its delay on the real timers, and not once cancelled", async () => {
    vi.useFakeTimers();
    const ran: string[] = [];
    systemScheduler.after(1_000, () => ran.push("kept"));
    systemScheduler.after(1_000, () => ran.push("cancelled")).cancel();
    await vi.advanceTimersByTimeAsync(999);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toEqual(["kept"]);
  });
});
