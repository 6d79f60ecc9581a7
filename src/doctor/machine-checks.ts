import { freemem, totalmem } from "node:os";
import Dockerode from "dockerode";
import { getLlama, LlamaLogLevel } from "node-llama-cpp";
import { availableCpuCount, chooseThreads } from "../llm/threads.js";
import type { DoctorCheck } from "./doctor-check.js";

const GIB = 1024 ** 3;

/** Node.js version against the supported minimum (20.18). */
export function checkNode(version = process.versions.node): DoctorCheck {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const ok = major > 20 || (major === 20 && minor >= 18);
  return ok
    ? { name: "node", status: "ok", detail: `v${version}` }
    : { name: "node", status: "fail", detail: `v${version} is too old`, fix: "install Node.js 20.18 or newer" };
}

/** CPUs this process may use (cgroup quota and affinity respected) and the thread count chosen for the model. */
export function checkCpu(modelSizeBytes: number | undefined): DoctorCheck {
  const cpus = availableCpuCount();
  const threads = chooseThreads({ availableCpus: cpus, modelSizeBytes: modelSizeBytes ?? Number.MAX_SAFE_INTEGER });
  return { name: "cpu", status: "ok", detail: `${cpus} CPUs available, ${threads} generation threads` };
}

/** RAM, against what the model file needs (weights ≈ file size, plus ~30 % for contexts). */
export function checkRam(modelSizeBytes: number | undefined): DoctorCheck {
  const free = freemem();
  const detail = `${(totalmem() / GIB).toFixed(1)} GiB total, ${(free / GIB).toFixed(1)} GiB free`;
  if (modelSizeBytes !== undefined && free < modelSizeBytes * 1.3) {
    return {
      name: "ram",
      status: "warn",
      detail: `${detail}; the model needs about ${((modelSizeBytes * 1.3) / GIB).toFixed(1)} GiB`,
      fix: "free memory, or use a smaller quantization (e.g. a Q4_K_M GGUF) with --model",
    };
  }
  return { name: "ram", status: "ok", detail };
}

/** GPU and VRAM as node-llama-cpp sees them (prebuilt binaries only; nothing is built or downloaded). */
export async function checkGpu(): Promise<DoctorCheck> {
  try {
    const llama = await getLlama({ gpu: "auto", build: "never", skipDownload: true, logLevel: LlamaLogLevel.disabled });
    try {
      if (llama.gpu === false) {
        return {
          name: "gpu",
          status: "warn",
          detail: "none usable: generation runs on the CPU",
          fix: "for speed, run on a machine with a CUDA, Vulkan or Metal GPU (node-llama-cpp's prebuilt binaries)",
        };
      }
      const [names, vram] = await Promise.all([llama.getGpuDeviceNames(), llama.getVramState()]);
      return {
        name: "gpu",
        status: "ok",
        detail: `${llama.gpu}: ${names.join(", ") || "unnamed"}; VRAM ${(vram.total / GIB).toFixed(1)} GiB, ${(vram.free / GIB).toFixed(1)} GiB free`,
      };
    } finally {
      await llama.dispose();
    }
  } catch (error) {
    return {
      name: "gpu",
      status: "fail",
      detail: `no llama.cpp binary loads: ${(error as Error).message}`,
      fix: "reinstall dependencies (npm ci) on a supported platform",
    };
  }
}

/** Docker engine reachable, and the sandbox image present. */
export async function checkDocker(image: string, docker = new Dockerode()): Promise<DoctorCheck[]> {
  try {
    await withTimeout(docker.ping(), 5_000);
  } catch (error) {
    return [
      {
        name: "docker",
        status: "fail",
        detail: `engine unreachable (${(error as Error).message})`,
        fix: "npm run docker:start (or start Docker and check DOCKER_HOST)",
      },
      {
        name: "sandbox image",
        status: "fail",
        detail: `${image}: cannot check without the engine`,
        fix: "npm run sandbox:image",
      },
    ];
  }
  const engine: DoctorCheck = { name: "docker", status: "ok", detail: "engine reachable" };
  try {
    const info = await docker.getImage(image).inspect();
    return [engine, { name: "sandbox image", status: "ok", detail: `${image} (${(info.Size / 1e6).toFixed(0)} MB)` }];
  } catch {
    return [
      engine,
      { name: "sandbox image", status: "fail", detail: `${image} not found`, fix: "npm run sandbox:image" },
    ];
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}
