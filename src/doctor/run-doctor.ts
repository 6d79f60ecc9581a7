import { stat } from "node:fs/promises";
import { basename } from "node:path";
import type { RosterAdapterSource } from "../adapters/agent-adapters.js";
import { checkAdapters } from "../adapters/check-adapters.js";
import type { ModelConfig } from "../config/model-config.js";
import { OpenAICompatibleModel } from "../llm/openai-compatible-model.js";
import { findModel } from "../llm/resolve-model.js";
import type { DoctorCheck } from "./doctor-check.js";
import { checkCpu, checkDocker, checkGpu, checkNode, checkRam } from "./machine-checks.js";

/** What `tanuki doctor` checks against. */
export interface DoctorOptions {
  /** Model spec (path or URI); undefined = the default model. */
  model?: string;
  modelDir: string;
  sandboxImage: string;
  modelConfig: ModelConfig;
  roster: readonly RosterAdapterSource[];
  /** Skip the Docker checks (e.g. a model-only machine). */
  skipDocker?: boolean;
}

/**
 * Reports what this machine can run: Node, CPU threads, RAM, GPU/VRAM, Docker engine and sandbox image, the model
 * (present or to pull) and the adapters (present, fitting the model) — or, with the OpenAI-compatible backend,
 * whether the server answers. Each problem carries its exact fix. Never downloads or builds anything.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [checkNode()];
  let modelPath: string | undefined;
  let modelSize: number | undefined;
  if (options.modelConfig.backend === "openai") {
    checks.push(await checkServer(options.modelConfig));
  } else {
    const model = await checkModel(options.model, options.modelDir);
    checks.push(model.check);
    modelPath = model.path;
    modelSize = model.path ? (await stat(model.path)).size : undefined;
  }
  checks.push(checkCpu(modelSize), checkRam(modelSize), await checkGpu());
  if (!options.skipDocker) checks.push(...(await checkDocker(options.sandboxImage)));
  if (options.modelConfig.backend === "llama-cpp") {
    checks.push(await checkAdapterFolder(options.modelConfig.adaptersDir, modelPath, options.roster));
  }
  return checks;
}

async function checkModel(spec: string | undefined, modelDir: string): Promise<{ check: DoctorCheck; path?: string }> {
  try {
    const path = await findModel(spec, modelDir);
    if (path === undefined) {
      return {
        check: {
          name: "model",
          status: "fail",
          detail: `${spec ?? "the default model"} is not downloaded (cache ${modelDir})`,
          fix: `tanuki models pull${spec ? ` ${spec}` : ""}`,
        },
      };
    }
    const size = (await stat(path)).size;
    return {
      check: { name: "model", status: "ok", detail: `${basename(path)} (${(size / 1e6).toFixed(0)} MB)` },
      path,
    };
  } catch (error) {
    return {
      check: {
        name: "model",
        status: "fail",
        detail: (error as Error).message,
        fix: "pass a GGUF file with --model <path.gguf> or TANUKI_MODEL, or run tanuki models pull",
      },
    };
  }
}

async function checkAdapterFolder(
  dir: string,
  modelPath: string | undefined,
  roster: readonly RosterAdapterSource[],
): Promise<DoctorCheck> {
  try {
    const report = await checkAdapters({ dir, modelPath, roster });
    if (report.adapters.length === 0) {
      return { name: "adapters", status: "ok", detail: `none in ${dir}: every agent runs on the base model` };
    }
    const bad = report.adapters.filter((a) => a.state === "missing" || a.state === "mismatch");
    const problems = [...report.baseProblems, ...bad.map((a) => `${a.agent}: ${a.problems[0] ?? a.state}`)];
    if (problems.length === 0) {
      const checked = modelPath ? "fit the model" : "present (model not downloaded: not checked)";
      return { name: "adapters", status: "ok", detail: `${report.adapters.length} adapters ${checked}` };
    }
    return {
      name: "adapters",
      status: "fail",
      detail: problems.join("; "),
      fix: "tanuki adapters check (details); put the missing files in place or remove the entries from adapters.yml",
    };
  } catch (error) {
    return { name: "adapters", status: "fail", detail: (error as Error).message, fix: `fix ${dir}/adapters.yml` };
  }
}

async function checkServer(config: Extract<ModelConfig, { backend: "openai" }>): Promise<DoctorCheck> {
  try {
    const model = await OpenAICompatibleModel.connect({
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
      defaultModel: config.defaultModel,
      timeoutMs: Math.min(config.timeoutMs, 10_000),
      contextSize: config.contextSize,
    });
    const context = model.contextSize ? `, context ${model.contextSize} tokens` : "";
    return { name: "model server", status: "ok", detail: `${config.baseUrl} answers${context}` };
  } catch (error) {
    return {
      name: "model server",
      status: "fail",
      detail: (error as Error).message,
      fix: "start the server (see docs/models.md) or fix TANUKI_OPENAI_BASE_URL / TANUKI_OPENAI_API_KEY",
    };
  }
}
