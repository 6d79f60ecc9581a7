/** One line of `tanuki doctor`: what was checked, what was found, and the exact fix when something is wrong. */
export interface DoctorCheck {
  name: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  /** The command or step that fixes it (for `warn` and `fail`). */
  fix?: string;
}

/** Renders checks as aligned lines (`✓ name  detail`, `✗ … → fix: …`). */
export function formatDoctorChecks(checks: readonly DoctorCheck[]): string {
  const mark = { ok: "✓", warn: "!", fail: "✗" } as const;
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.map((c) => {
    const line = `${mark[c.status]} ${c.name.padEnd(width)}  ${c.detail}`;
    return c.fix && c.status !== "ok" ? `${line}\n  ${" ".repeat(width)}  fix: ${c.fix}` : line;
  });
  return `${lines.join("\n")}\n`;
}
