import type { EvalResult } from "../../../src/eval/eval-result.js";

/** A result line with defaults; `resolved` decides the status. */
export function resultFor(id: string, resolved: boolean, extra: Partial<EvalResult> = {}): EvalResult {
  return {
    instance_id: id,
    repo: "acme/widgets",
    language: "python",
    model_name_or_path: "tanuki/test",
    resolved,
    status: resolved ? "resolved" : "unresolved",
    outcome: resolved ? "fixed" : "not-fixed",
    attempts: 1,
    wallMs: 1_000,
    modelCalls: 5,
    finishedAt: "2026-12-01T00:00:00.000Z",
    ...extra,
  };
}
