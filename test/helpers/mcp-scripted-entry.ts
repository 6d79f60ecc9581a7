/**
 * Test-only entry of `tanuki mcp`: the same `runMcpCommand` the CLI registers, with the engine replaced by a
 * scripted one (see `scripted-engine.ts`; `TANUKI_TEST_SCRIPT` = `fix` or `hang`). On stdio by default; with the
 * argument `--http` on Streamable HTTP at a free loopback port (printed on stderr: `listening on <url>`).
 *
 *   node --import tsx test/helpers/mcp-scripted-entry.ts [--http]
 */
import { runMcpCommand } from "../../src/cli/mcp-command.js";
import { scriptedEngine } from "./scripted-engine.js";

const controller = new AbortController();
process.once("SIGTERM", () => controller.abort());
process.exitCode = await runMcpCommand(
  { maxAttempts: 1, plans: 1, ...(process.argv.includes("--http") ? { http: true, port: 0 } : {}) },
  {
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
    createEngine: () => scriptedEngine(process.env.TANUKI_TEST_SCRIPT),
  },
);
