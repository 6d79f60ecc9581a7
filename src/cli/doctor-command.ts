import { resolve } from "node:path";
import { DEFAULT_ROSTER } from "../agents/index.js";
import { DEFAULT_MODEL_DIR, readCliEnv } from "../config/cli-env.js";
import { readModelConfig } from "../config/model-config.js";
import { formatDoctorChecks } from "../doctor/doctor-check.js";
import { runDoctor } from "../doctor/run-doctor.js";
import { EXIT_USAGE } from "./exit-codes.js";

/** Flags of `tanuki doctor`. */
export interface DoctorFlags {
  model?: string;
  json?: boolean;
  skipDocker?: boolean;
}

/**
 * `tanuki doctor`: what this machine can run, with the exact fix for each problem.
 * @returns 0 when nothing failed (warnings allowed), 2 otherwise
 * @throws ConfigError when the environment is invalid
 */
export async function runDoctorCommand(
  flags: DoctorFlags,
  context: { cwd: string; env: NodeJS.ProcessEnv; stdout: { write(text: string): void } },
): Promise<number> {
  const env = readCliEnv(context.env);
  const checks = await runDoctor({
    model: flags.model ?? env.TANUKI_MODEL,
    modelDir: env.TANUKI_MODEL_DIR ?? DEFAULT_MODEL_DIR,
    sandboxImage: env.TANUKI_SANDBOX_IMAGE ?? "tanuki-sandbox:latest",
    modelConfig: readModelConfig(context.env, { adaptersDir: resolve(context.cwd, "adapters") }),
    roster: DEFAULT_ROSTER,
    skipDocker: flags.skipDocker,
  });
  context.stdout.write(flags.json ? `${JSON.stringify(checks, null, 2)}\n` : formatDoctorChecks(checks));
  return checks.some((check) => check.status === "fail") ? EXIT_USAGE : 0;
}
