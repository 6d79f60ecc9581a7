import pino, { type Logger } from "pino";

const LEVEL_NAMES: Record<number, string> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "warn",
  50: "error",
  60: "fatal",
};

/**
 * A pino logger that writes readable lines for the Actions log: `info: message key=value ...`. Warnings and errors
 * become workflow commands (`::warning::`, `::error::`), so they show as annotations on the run.
 *
 * @param write where lines go (default stderr)
 */
export function createActionLog(
  level: "debug" | "info" | "warn" | "error",
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  return pino(
    { level, base: undefined, timestamp: false },
    {
      write(json: string) {
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(json) as Record<string, unknown>;
        } catch {
          write(json);
          return;
        }
        const { level: n, msg, err, ...rest } = record;
        const name = LEVEL_NAMES[n as number] ?? "info";
        const extras = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
          .join(" ");
        const error = err && typeof err === "object" ? ` (${String((err as { message?: unknown }).message)})` : "";
        const text = `${String(msg ?? "")}${error}${extras ? ` ${extras}` : ""}`;
        const line =
          name === "error" || name === "fatal"
            ? `::error::${escapeCommand(text)}`
            : name === "warn"
              ? `::warning::${escapeCommand(text)}`
              : `${name}: ${text}`;
        write(`${line}\n`);
      },
    },
  );
}

/** Workflow-command data escaping (`%`, CR, LF), as GitHub's toolkit does. */
function escapeCommand(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
