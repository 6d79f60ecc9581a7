import { randomUUID } from "node:crypto";
import type Dockerode from "dockerode";
import { SandboxError } from "../core/errors.js";
import { SANDBOX_LABEL } from "../sandbox/container-spec.js";
import { dockerStatusCode, toSandboxError } from "../sandbox/docker-errors.js";
import { OutputCollector } from "../sandbox/output-collector.js";
import { EGRESS_PROXY_PORT } from "./squid-config.js";

/** The command that builds the egress proxy's image, named when it is missing. */
export const BUILD_EGRESS_IMAGE_COMMAND = "scripts/build-env-images.sh egress";
/** Label on the egress proxy's containers and networks (with a per-environment id as value). */
export const EGRESS_LABEL = "tanuki.egress";
/** Bridge driver option that leaves the internal network's bridge without a host address (Docker 20.10+). */
const INHIBIT_IPV4 = "com.docker.network.bridge.inhibit_ipv4";
/** How long Squid may take to accept connections, ms. */
const READY_TIMEOUT_MS = 30_000;

/** A running egress proxy and the internal network it serves. */
export interface EgressProxy {
  /** Name of the `--internal` network: the install container's only network. */
  network: string;
  /** Name the install container reaches the proxy by (its container name) and the port. */
  host: string;
  port: number;
  /** `http://host:port`, for HTTP_PROXY/HTTPS_PROXY. */
  url: string;
  /** The proxy's access log so far (one line per request; refusals are `TCP_DENIED`). */
  accessLog(): Promise<string>;
  /** Removes the proxy container and the network. Idempotent; never throws. */
  dispose(): Promise<void>;
}

/** Demultiplexed stdout of a container's (non-TTY) log. */
async function containerStdout(container: Dockerode.Container): Promise<{ stdout: string; stderr: string }> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  const collector = new OutputCollector(4 * 1024 * 1024);
  collector.push(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
  return collector.result();
}

/**
 * Starts an egress proxy for one environment phase: a new `--internal` Docker network (no route out, no host
 * access), and a Squid container (image `image`, configuration `squidConf` passed as TANUKI_SQUID_CONF) attached to
 * the default bridge, its way out, and to the internal network. The proxy runs hardened like a sandbox: no
 * capabilities, read-only root, non-root user, memory and pids caps. Resolves once Squid accepts connections.
 *
 * @throws SandboxError code `sandbox-image` when the image is missing (with the command that builds it); `sandbox`
 *   when the engine fails or Squid does not start (with its log). Nothing is left behind on failure.
 */
export async function startEgressProxy(
  docker: Dockerode,
  options: { image: string; squidConf: string; labels: Record<string, string>; signal?: AbortSignal },
): Promise<EgressProxy> {
  const id = randomUUID().slice(0, 12);
  const name = `tanuki-egress-${id}`;
  const labels = { [SANDBOX_LABEL]: "true", [EGRESS_LABEL]: id, ...options.labels };
  let network: Dockerode.Network | undefined;
  let container: Dockerode.Container | undefined;
  const dispose = async () => {
    await container?.remove({ force: true, v: true }).catch(() => undefined);
    await network?.remove().catch(() => undefined);
  };
  try {
    network = await docker.createNetwork({
      Name: name,
      Internal: true,
      CheckDuplicate: true,
      Labels: labels,
      // Without it the network's bridge gets an address on the host, and the host answers on every address it has
      // (the default bridge's 172.17.0.1 included): an "internal" network would still reach the host's services.
      Options: { [INHIBIT_IPV4]: "true" },
    });
    container = await docker.createContainer({
      name,
      Image: options.image,
      Env: [`TANUKI_SQUID_CONF=${Buffer.from(options.squidConf).toString("base64")}`],
      Labels: labels,
      HostConfig: {
        NetworkMode: "bridge",
        // An operator's mirror on the Docker host is reachable by this name (only when configured as a mirror:
        // the host's addresses are private, refused otherwise).
        ExtraHosts: ["host.docker.internal:host-gateway"],
        Init: true,
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges"],
        ReadonlyRootfs: true,
        Tmpfs: { "/tmp": "rw,nosuid,nodev,size=64m,mode=1777" },
        Memory: 256 * 1024 * 1024,
        MemorySwap: 256 * 1024 * 1024,
        PidsLimit: 128,
      },
    });
    await network.connect({ Container: container.id });
    await container.start();
    await waitUntilReady(container, options.signal);
  } catch (err) {
    await dispose();
    if (dockerStatusCode(err) === 404 && !container) {
      throw new SandboxError(
        `egress proxy image ${options.image} not found. Build it with: ${BUILD_EGRESS_IMAGE_COMMAND}`,
        { code: "sandbox-image", cause: err },
      );
    }
    throw toSandboxError("cannot start the egress proxy", err);
  }
  const started = container;
  return {
    network: name,
    host: name,
    port: EGRESS_PROXY_PORT,
    url: `http://${name}:${EGRESS_PROXY_PORT}`,
    accessLog: async () => (await containerStdout(started).catch(() => ({ stdout: "" }))).stdout,
    dispose,
  };
}

/** Polls Squid's log until it accepts connections; throws with the log when it exits or takes too long. */
async function waitUntilReady(container: Dockerode.Container, signal?: AbortSignal): Promise<void> {
  const until = Date.now() + READY_TIMEOUT_MS;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    if (signal?.aborted) throw new SandboxError("egress proxy start cancelled");
    const log = await containerStdout(container);
    if (log.stderr.includes("Accepting HTTP Socket connections")) return;
    const state = (await container.inspect()).State;
    if (!state.Running || Date.now() > until) {
      const tail = log.stderr.split("\n").slice(-15).join("\n");
      throw new SandboxError(
        `the egress proxy did not start (${state.Running ? "timed out" : `exit ${state.ExitCode}`}):\n${tail}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
