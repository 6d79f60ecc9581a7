import type { RunEventListener } from "../core/events.js";
import type { LoopDeps } from "../loop/loop-deps.js";
import { createEngine, type EngineOptions } from "./create-engine.js";

/** Options of {@link createLocalEngine}: the engine's plus one job's trace and progress listener. */
export interface LocalEngineOptions extends Omit<EngineOptions, "onDownload"> {
  /** Trace file (JSONL). */
  tracePath: string;
  onEvent?: RunEventListener;
}

/** Loop dependencies for a single run plus the one call that releases them. */
export interface LocalEngine {
  deps: LoopDeps;
  /** Name of the model in use, for reports. */
  modelName: string;
  /** Release the model and flush the trace. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * One engine for one run (the CLI): {@link createEngine} plus the run's trace, with model downloads reported as
 * `download` events on the run's listener.
 *
 * @throws ModelError (code `model-download` when the default model cannot be fetched; the message says how to pass one)
 */
export async function createLocalEngine(options: LocalEngineOptions): Promise<LocalEngine> {
  const engine = await createEngine({
    ...options,
    onDownload: (progress) => options.onEvent?.({ type: "download", ...progress }),
  });
  const { deps, closeTrace } = engine.depsFor({ tracePath: options.tracePath, onEvent: options.onEvent });
  let disposed = false;
  return {
    deps,
    modelName: engine.model.name,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.allSettled([closeTrace(), engine.dispose()]);
    },
  };
}
