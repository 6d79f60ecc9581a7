/**
 * Time to scan 1 MiB of adversarial text with each scanner of untrusted text (the cases of
 * test/security/adversarial-text.ts): median of `runs` runs per case, ms. The security test only checks that each
 * finishes (linear, not quadratic); the numbers live here.
 */
import { ADVERSARIAL_CHARS, SCANNER_CASES } from "../test/security/adversarial-text.js";

/** Runs every case `runs` times; returns `{ chars, runs, medianMs: { [case]: ms } }`. */
export async function benchText(runs = 3): Promise<Record<string, unknown>> {
  const medianMs: Record<string, number> = {};
  for (const scannerCase of SCANNER_CASES) {
    const input = scannerCase.input();
    const times: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const started = performance.now();
      await scannerCase.run(input);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    medianMs[scannerCase.name] = Math.round((times[Math.floor(runs / 2)] ?? 0) * 10) / 10;
  }
  const slowest = Object.entries(medianMs).sort(([, a], [, b]) => b - a)[0];
  return { chars: ADVERSARIAL_CHARS, runs, slowest: slowest?.[0], slowestMs: slowest?.[1], medianMs };
}
