/**
 * Child process of bench/webhook-body-bench.ts: `tanuki app` as shipped (`runAppCommand`), configured by the
 * environment the parent passes (dispatch mode, `TANUKI_RUNNER=actions`, so no model loads). A separate process, so
 * the parent can read its peak RSS from `/proc/<pid>/status`. Stops on SIGTERM.
 */
import { runAppCommand } from "../src/cli/app-command.js";

const controller = new AbortController();
process.once("SIGTERM", () => controller.abort());
await runAppCommand(process.env, controller.signal);
