import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ADVERSARIAL_CHARS, SCANNER_CASES } from "./adversarial-text.js";

/**
 * Threat: text written by an attacker (issue, comment, repository file, test output, model answer) that makes a
 * scanner backtrack, so one job blocks the event loop for minutes (`<` and 150,000 spaces took 118 s in the fence;
 * 262,143 characters of unclosed tags took 11.7 s in the sanitizer) and every other delivery of the App waits.
 *
 * Each scanner gets 1 MiB of every adversarial shape in a child process (the repository explorer's imports: 256 KiB,
 * the most it parses of a file). The deadline is a hang detector, not a
 * speed target: a linear scan of 1 MiB takes milliseconds, the quadratic versions take minutes to hours, so the
 * 30 s per case cannot separate a slow machine from a fast one, only linear from quadratic. The measured times go
 * to `npm run bench` (text).
 */
const DEADLINE_MS = 30_000;
const CHILD = fileURLToPath(new URL("./run-scanners.ts", import.meta.url));

/** Runs every case in one child; resolves with the names that finished before their deadline. */
function runCases(): Promise<{ finished: string[]; stuck?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD], { stdio: ["ignore", "pipe", "inherit"] });
    const finished: string[] = [];
    let stuck: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stuck = SCANNER_CASES[finished.length]?.name ?? "(start-up)";
        child.kill("SIGKILL");
      }, DEADLINE_MS);
    };
    arm();
    createInterface({ input: child.stdout }).on("line", (line) => {
      finished.push((JSON.parse(line) as { name: string }).name);
      arm();
    });
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      resolve({ finished, ...(stuck ? { stuck } : {}) });
    });
  });
}

describe("scanners of untrusted text run in linear time", () => {
  it(
    `every scanner finishes 1 MiB of each adversarial shape (${SCANNER_CASES.length} cases)`,
    async () => {
      expect(ADVERSARIAL_CHARS).toBe(1_048_576);
      const { finished, stuck } = await runCases();
      expect(stuck).toBeUndefined();
      expect(finished).toEqual(SCANNER_CASES.map((c) => c.name));
    },
    20 * DEADLINE_MS,
  );
});
