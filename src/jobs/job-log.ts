/**
 * The structured logger the jobs layer writes to: pino's call shape (`log.warn({ err, jobId }, "message")`), so the
 * App passes Probot's logger and the Action its pino logger for the Actions log, without the jobs layer importing
 * either.
 */
export interface JobLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  /** A logger that adds `bindings` to every line (e.g. `{ jobId }`). */
  child(bindings: Record<string, unknown>): JobLog;
}
