import type Dockerode from "dockerode";
import { SANDBOX_LABEL } from "./container-spec.js";
import { dockerStatusCode, toSandboxError } from "./docker-errors.js";

/**
 * Removes (force) every sandbox container left behind by a crashed job: containers carrying the
 * `tanuki.sandbox` label and all of `labels` (e.g. `{ "tanuki.job": jobId }`; `{}` removes every sandbox).
 *
 * @returns the ids of the containers removed
 * @throws SandboxError when the engine cannot list or remove them (a container already gone is not an error)
 */
export async function removeLeftoverSandboxes(
  docker: Dockerode,
  labels: Record<string, string> = {},
): Promise<string[]> {
  const filter = [`${SANDBOX_LABEL}=true`, ...Object.entries(labels).map(([key, value]) => `${key}=${value}`)];
  let containers: Dockerode.ContainerInfo[];
  try {
    containers = await docker.listContainers({ all: true, filters: { label: filter } });
  } catch (err) {
    throw toSandboxError("cannot list leftover sandboxes", err);
  }
  const removed: string[] = [];
  for (const info of containers) {
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      removed.push(info.Id);
    } catch (err) {
      const status = dockerStatusCode(err);
      if (status !== 404 && status !== 409) throw toSandboxError(`cannot remove leftover sandbox ${info.Id}`, err);
    }
  }
  return removed;
}
