/** A `/tanuki` command parsed from a comment. */
export type Command =
  | { kind: "fix"; instructions?: string }
  | { kind: "review" }
  | { kind: "help" }
  | { kind: "cancel" }
  | { kind: "unknown"; name: string };

/** Longest instructions kept from a command line (characters). */
const MAX_INSTRUCTIONS = 4_000;

/**
 * Find the first `/tanuki <subcommand> [rest]` that stands on its own line (case-insensitive, leading spaces
 * allowed), outside fenced code blocks and quotes. `/tanuki` alone means help.
 *
 * @returns the command, or undefined when the comment holds none
 */
export function parseCommand(body: string): Command | undefined {
  let inFence = false;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (/^(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence || line.startsWith(">")) continue;
    const match = /^\/tanuki(?:\s+(\S+)(?:\s+(.*))?)?$/i.exec(line);
    if (!match) continue;
    const name = (match[1] ?? "help").toLowerCase();
    const rest = match[2]?.trim();
    switch (name) {
      case "fix":
        return rest ? { kind: "fix", instructions: rest.slice(0, MAX_INSTRUCTIONS) } : { kind: "fix" };
      case "review":
        return { kind: "review" };
      case "help":
        return { kind: "help" };
      case "cancel":
        return { kind: "cancel" };
      default:
        return { kind: "unknown", name: name.slice(0, 50) };
    }
  }
  return undefined;
}

/** The reply to `/tanuki help` and to an unknown subcommand. */
export function helpText(label: string, unknown?: string): string {
  const lead = unknown ? `I don't know the command \`${unknown.replace(/`/g, "")}\`. ` : "";
  return [
    `${lead}Commands (each on its own line of a comment):`,
    "",
    "| where | command | what it does |",
    "|---|---|---|",
    `| issue | \`/tanuki fix [instructions]\` | fix the issue and open a pull request (adding the \`${label}\` label does the same) |`,
    "| pull request | `/tanuki review` | review the pull request now |",
    "| pull request | `/tanuki fix [instructions]` | address the open review findings and failing checks |",
    "| anywhere | `/tanuki cancel` | cancel the running job |",
    "| anywhere | `/tanuki help` | this text |",
  ].join("\n");
}
