import type { FailedCheck } from "./github-port.js";

/** The fields of a check run that {@link failedCheckOf} reads, as both the REST API and webhook payloads send them. */
export interface CheckRunData {
  id: number;
  name: string;
  conclusion?: string | null;
  app?: { slug?: string } | null;
  output?: { title?: string | null; summary?: string | null; text?: string | null } | null;
}

/** True for a check run that failed or timed out (the conclusions Tanuki treats as a failing check). */
export function isFailedCheckRun(run: Pick<CheckRunData, "conclusion">): boolean {
  return run.conclusion === "failure" || run.conclusion === "timed_out";
}

/**
 * A failed check as jobs need it: a GitHub Actions check run is a job (its id is the job id, so its log can be
 * downloaded); any other app's check run carries its output's title, summary and text instead.
 */
export function failedCheckOf(run: CheckRunData): FailedCheck {
  if (run.app?.slug === "github-actions") return { name: run.name, jobId: run.id };
  const outputText = [run.output?.title, run.output?.summary, run.output?.text].filter(Boolean).join("\n\n");
  return { name: run.name, outputText };
}
