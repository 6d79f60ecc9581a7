import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { readActionEnv } from "../config/action-env.js";
import { readModelConfig } from "../config/model-config.js";
import { isTanukiError } from "../core/errors.js";
import { createActionLog } from "./action-log.js";
import type { DisposableJobRunner } from "./job-recorder.js";
import { type ActionDirs, runAction } from "./run-action.js";

/**
 * The Action's process: validate the environment GitHub Actions provides, build the real engine (node-llama-cpp +
 * Docker sandbox, through the composition root) on first use, run the event, and exit with the report's code.
 * SIGINT / SIGTERM (a cancelled workflow run) cancel the running job, which is reported as cancelled.
 *
 * @returns the exit code: 0 done (or nothing to do), 1 a job failed, 2 invalid inputs or environment
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let actionEnv: ReturnType<typeof readActionEnv>;
  try {
    actionEnv = readActionEnv(env);
  } catch (err) {
    process.stderr.write(`::error::${(err instanceof Error ? err.message : String(err)).replace(/\n/g, "%0A")}\n`);
    return 2;
  }
  const { inputs } = actionEnv;
  const controller = new AbortController();
  const stop = () => controller.abort(new Error("the workflow run was cancelled"));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const createRunner = async (dirs: ActionDirs): Promise<DisposableJobRunner> => {
    // Loaded on first use only: a run that starts no job never loads node-llama-cpp.
    const { createJobRunner } = await import("../compose/create-job-runner.js");
    return createJobRunner({
      modelConfig: readModelConfig(env, { adaptersDir: resolve("adapters") }),
      model: inputs.model,
      modelDir: inputs.modelDir,
      threads: inputs.threads,
      workRoot: resolve(dirs.workDir, "work"),
      traceDir: dirs.traceDir,
      signal: controller.signal,
    });
  };
  const report = await runAction({
    env: actionEnv,
    createRunner,
    log: createActionLog(inputs.logLevel),
    signal: controller.signal,
  });
  return report.exitCode;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      const message = isTanukiError(err)
        ? err.message
        : err instanceof Error
          ? (err.stack ?? err.message)
          : String(err);
      process.stderr.write(`::error::${message.replace(/\n/g, "%0A")}\n`);
      process.exit(1);
    },
  );
}
