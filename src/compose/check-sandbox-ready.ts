import { DockerSandboxProvider } from "../sandbox/docker-sandbox.js";

/**
 * Preflight for entry points: the Docker engine answers and the sandbox image exists. Run it before loading the
 * model, so a missing engine or image is reported in a second, not after a model load or download.
 *
 * @throws SandboxError code `sandbox-image` (the message names the command that builds it) or `sandbox` (the
 *   engine is unreachable; the message says how to start it)
 */
export async function checkSandboxReady(image: string): Promise<void> {
  await new DockerSandboxProvider().requireImage(image);
}
