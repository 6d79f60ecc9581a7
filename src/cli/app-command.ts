import { join, resolve } from "node:path";
import { startTanukiApp } from "../app/main.js";
import { createJobRunner } from "../compose/create-job-runner.js";
import { readCliEnv } from "../config/cli-env.js";
import { EnvironmentConfig, environmentFromProcessEnv } from "../config/environment-config.js";
import { readModelConfig } from "../config/model-config.js";
import { defaultRunConfig } from "../config/run-config.js";

/**
 * `tanuki app`: start the GitHub App server (Probot). Without credentials Probot serves its manifest setup flow
 * (see docs/github-app.md). The engine (model, sandbox) is built once, when the app has credentials, from the same
 * variables as the CLI (`TANUKI_MODEL`, `TANUKI_MODEL_DIR`, `TANUKI_THREADS`, `TANUKI_WORK_DIR`,
 * `TANUKI_SANDBOX_IMAGE`, `TANUKI_TRACE_MAX_BYTES`); job traces go to `$TANUKI_DATA_DIR/traces/`. Repository MCP
 * servers (`.github/tanuki.yml`, `mcp`) are started only with `TANUKI_ALLOW_REPO_MCP=1`.
 *
 * @throws ConfigError when the environment is invalid
 */
export async function runAppCommand(env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<void> {
  const engineEnv = readCliEnv(env);
  const runConfig = defaultRunConfig();
  if (engineEnv.TANUKI_SANDBOX_IMAGE) runConfig.sandbox.image = engineEnv.TANUKI_SANDBOX_IMAGE;
  runConfig.environment = EnvironmentConfig.parse(environmentFromProcessEnv(env));
  runConfig.mcp.allowRepoServers = engineEnv.TANUKI_ALLOW_REPO_MCP === true;
  await startTanukiApp({
    env,
    runConfig,
    signal,
    createJobRunner: (appEnv) =>
      createJobRunner({
        modelConfig: readModelConfig(env, { adaptersDir: resolve("adapters") }),
        model: engineEnv.TANUKI_MODEL,
        modelDir: engineEnv.TANUKI_MODEL_DIR,
        threads: engineEnv.TANUKI_THREADS,
        workRoot: engineEnv.TANUKI_WORK_DIR,
        traceMaxBytes: engineEnv.TANUKI_TRACE_MAX_BYTES,
        traceDir: join(resolve(appEnv.TANUKI_DATA_DIR), "traces"),
      }),
  });
}
