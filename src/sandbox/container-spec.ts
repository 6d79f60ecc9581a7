import { resolve } from "node:path";
import type Dockerode from "dockerode";
import { SANDBOX_WORKDIR, type SandboxOptions } from "./sandbox.js";

/** Label on every container Tanuki creates, so leftovers can be found even without a job label. */
export const SANDBOX_LABEL = "tanuki.sandbox";

/**
 * The whole environment of a sandbox: nothing from the host's environment is passed in (no tokens, no
 * proxies). HOME is /tmp because the root file system is read-only; caches go there too.
 */
export const SANDBOX_ENV: Readonly<Record<string, string>> = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  HOME: "/tmp",
  LANG: "C.UTF-8",
  LC_ALL: "C.UTF-8",
  TMPDIR: "/tmp",
  CI: "true",
  NO_COLOR: "1",
  PYTHONDONTWRITEBYTECODE: "1",
  PYTHONUNBUFFERED: "1",
  PIP_DISABLE_PIP_VERSION_CHECK: "1",
  PIP_NO_INPUT: "1",
  npm_config_update_notifier: "false",
  npm_config_cache: "/tmp/.npm",
  XDG_CACHE_HOME: "/tmp/.cache",
};

/** `KEY=value` strings for the Docker API. */
export function toEnvList(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}

/** One command's part of a container spec. */
export interface CommandSpec {
  /** argv of the container's main process (run under Docker's init, which reaps orphans). */
  argv: string[];
  /** `KEY=value` strings added after {@link SANDBOX_ENV} and the sandbox's own `env`. */
  env: string[];
  /** `uid:gid` the command runs as (never root). */
  user: string;
}

/**
 * Create options for the container of ONE command (see `runContainer`): the work tree bind-mounted read-write at
 * {@link SANDBOX_WORKDIR}, all capabilities dropped, no-new-privileges, read-only root, a size-capped /tmp tmpfs,
 * memory (no extra swap), CPU and pids caps, a non-root user, an environment built from {@link SANDBOX_ENV} and
 * the sandbox's own settings only, and the sandbox's network:
 * - `"none"` (default): `NetworkMode: "none"`: no interface but loopback, where `localhost` resolves (Docker
 *   writes `127.0.0.1 localhost` into /etc/hosts; `NetworkDisabled` would leave it empty);
 * - `egress`: attached only to the given internal network, whose one way out is the egress proxy (`proxyUrl`,
 *   given to the command as HTTP(S)_PROXY); used by the environment phase.
 */
export function buildContainerSpec(options: SandboxOptions, command: CommandSpec): Dockerode.ContainerCreateOptions {
  const { limits } = options;
  const network = options.network ?? "none";
  const proxyEnv: Record<string, string> =
    network === "none"
      ? {}
      : {
          HTTP_PROXY: network.proxyUrl,
          HTTPS_PROXY: network.proxyUrl,
          http_proxy: network.proxyUrl,
          https_proxy: network.proxyUrl,
          NO_PROXY: "localhost,127.0.0.1,::1",
          no_proxy: "localhost,127.0.0.1,::1",
        };
  const mounts: Dockerode.MountSettings[] = [
    {
      Type: "bind",
      Source: resolve(options.workspaceDir),
      Target: options.mountPath ?? SANDBOX_WORKDIR,
      ReadOnly: false,
    },
    ...(options.readOnlyMounts ?? []).map((m) => ({
      Type: "bind" as const,
      Source: resolve(m.source),
      Target: m.target,
      ReadOnly: true,
    })),
  ];
  return {
    Image: options.image,
    Cmd: command.argv,
    User: command.user,
    WorkingDir: options.mountPath ?? SANDBOX_WORKDIR,
    Env: [...toEnvList({ ...SANDBOX_ENV, ...proxyEnv, ...options.env }), ...command.env],
    Hostname: "sandbox",
    Labels: { [SANDBOX_LABEL]: "true", ...options.labels },
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: {
      Init: true,
      NetworkMode: network === "none" ? "none" : network.network,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      ReadonlyRootfs: true,
      Privileged: false,
      IpcMode: "private",
      Tmpfs: { "/tmp": `rw,nosuid,nodev,size=${Math.floor(limits.tmpBytes)},mode=1777` },
      Memory: Math.floor(limits.memoryBytes),
      MemorySwap: Math.floor(limits.memoryBytes),
      NanoCpus: Math.round(limits.cpus * 1e9),
      PidsLimit: Math.floor(limits.pids),
      Mounts: mounts,
      LogConfig: { Type: "none", Config: {} },
    },
  };
}
