/** Runs the real CLI (`src/cli/main.ts`) in a child process for the serve tests: `node --import tsx serve-entry.ts serve …`. */
import { main } from "../../../src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
