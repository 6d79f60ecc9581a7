/**
 * Test-only entry of `tanuki acp`: the same `runAcpCommand` the CLI registers, on this process's stdin/stdout, with
 * the engine replaced by a scripted one (see `scripted-engine.ts`; `TANUKI_TEST_SCRIPT` = `fix` or `hang`). Tests
 * start it as a child process and drive it with the ACP SDK's client:
 *
 *   node --import tsx test/helpers/acp-scripted-entry.ts
 */
import { runAcpCommand } from "../../src/cli/acp-command.js";
import { scriptedEngine } from "./scripted-engine.js";

process.exitCode = await runAcpCommand(
  { testCommand: "pytest -q", maxAttempts: 1, plans: 1 },
  {
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    createEngine: () => scriptedEngine(process.env.TANUKI_TEST_SCRIPT),
  },
);
