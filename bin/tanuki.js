#!/usr/bin/env node
// Thin launcher for the compiled CLI (npm run build writes dist/).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("tanuki: dist/ is missing; run `npm run build` in the Tanuki folder first.\n");
  process.exit(2);
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
// A model download that was given up on can keep retrying in the background; do not let it hold the process.
setTimeout(() => process.exit(code), 2_000).unref();
