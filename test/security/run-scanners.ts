/**
 * Child process of the linear-time test: runs the named scanner cases (all when none are named) one by one and
 * prints one JSON line per finished case, `{"name":…,"ms":…,"chars":…}`. A separate process, so the test can kill
 * a scanner that never returns: a quadratic regex blocks its event loop and no timer inside it could fire.
 */
import { SCANNER_CASES } from "./adversarial-text.js";

const wanted = new Set(process.argv.slice(2));
for (const scannerCase of SCANNER_CASES) {
  if (wanted.size > 0 && !wanted.has(scannerCase.name)) continue;
  const input = scannerCase.input();
  const started = performance.now();
  await scannerCase.run(input);
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ name: scannerCase.name, ms, chars: input.length })}\n`);
}
