import { createHash } from "node:crypto";
import type { Edit } from "../core/edit.js";
import type { Finding } from "../core/finding.js";
import type { TestReport } from "../core/test-report.js";
import { stripAnsi } from "../testing/test-counts.js";

/**
 * Stuck-loop detection: an attempt that makes the same edits as an earlier one, or fails the same way, will not do
 * better on the next try, so the loop stops instead of burning its budget.
 */

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** Collapses whitespace so re-indented or re-wrapped but identical edits compare equal. */
function squash(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Signature of an edit set, independent of edit order and whitespace drift. */
export function editSignature(edits: readonly Edit[]): string {
  const items = edits
    .map((edit) =>
      edit.kind === "write-file"
        ? `W|${edit.path}|${squash(edit.content)}`
        : `S|${edit.path}|${squash(edit.search)}|${squash(edit.replace)}`,
    )
    .sort();
  return hash(items.join("\n"));
}

/** Replaces what changes between identical failures: numbers, hex ids, durations, temp paths. */
function normalizeLine(line: string): string {
  return line
    .replace(/0x[0-9a-f]+/gi, "0x#")
    .replace(/\/tmp\/[^\s:'"]+/g, "/tmp/…")
    .replace(/\d+(\.\d+)?/g, "#")
    .replace(/\s+/g, " ")
    .trim();
}

const FAILURE_LINE = /FAILED|ERROR|Error|assert|✖|✗|not ok|failing|Traceback|expected|Exception/;

/**
 * Signature of an attempt's failure: the failing-test and error lines of its test output plus its open blocking
 * findings (file and explanation), normalised. Undefined when the attempt did not fail (tests passed, nothing
 * blocking).
 */
export function failureSignature(
  tests: TestReport | undefined,
  blocking: readonly Finding[],
  testsPassed: boolean,
): string | undefined {
  const parts: string[] = [];
  if (tests && !testsPassed) {
    const lines = stripAnsi(tests.outputTail).split(/\r?\n/);
    const failing = lines.filter((line) => FAILURE_LINE.test(line)).map(normalizeLine);
    const picked = failing.length > 0 ? failing : lines.slice(-20).map(normalizeLine);
    parts.push(`exit ${tests.timedOut ? "timeout" : tests.exitCode}`, ...picked.slice(-40));
  }
  for (const finding of blocking) parts.push(`finding ${finding.file} ${normalizeLine(finding.explanation)}`);
  return parts.length > 0 ? hash(parts.join("\n")) : undefined;
}

/** What one attempt looked like, for the detector. */
export interface AttemptSignature {
  attempt: number;
  edits: string;
  /** Undefined when the attempt did not fail. */
  failure?: string;
}

/** Remembers every attempt's signatures and says when a new one repeats an earlier one. */
export class StuckDetector {
  private readonly seen: AttemptSignature[] = [];

  /**
   * Records an attempt.
   * @returns a one-sentence reason when it repeats an earlier attempt's edits or failure, else undefined
   */
  observe(signature: AttemptSignature): string | undefined {
    const sameEdits = this.seen.find((earlier) => earlier.edits === signature.edits);
    const sameFailure =
      signature.failure === undefined ? undefined : this.seen.find((earlier) => earlier.failure === signature.failure);
    this.seen.push(signature);
    if (sameEdits) return `attempt ${signature.attempt} made the same edits as attempt ${sameEdits.attempt}`;
    if (sameFailure) return `attempt ${signature.attempt} failed the same way as attempt ${sameFailure.attempt}`;
    return undefined;
  }
}
