import { resolve } from "node:path";
import type Dockerode from "dockerode";
import { SANDBOX_WORKDIR, type SandboxOptions } from "./sandbox.js";

/** uid:gid every sandbox process runs as (the image's `tanuki` user). */
export const SANDBOX_USER = "1000:1000";
/** Numeric uid of {@link SANDBOX_USER}. */
export const SANDBOX_UID = 1000;

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

/**
 * Create options for one hardened, warm sandbox container: an idle `sleep infinity` under Docker's init
 * (which reaps orphans), the workspace bind-mounted read-write at {@link SANDBOX_WORKDIR}, no network, all
 * capabilities dropped, no-new-privileges, read-only root, a size-capped /tmp tmpfs, memory (no extra swap),
 * CPU and pids caps, a non-root user and an environment built from {@link SANDBOX_ENV} only.
 */
export function buildContainerSpec(options: SandboxOptions): Dockerode.ContainerCreateOptions {
  const { limits } = options;
  return {
    Image: options.image,
    Cmd: ["sleep", "infinity"],
    User: SANDBOX_USER,
    WorkingDir: SANDBOX_WORKDIR,
    Env: toEnvList(SANDBOX_ENV),
    Hostname: "sandbox",
    Labels: { [SANDBOX_LABEL]: "true", ...options.labels },
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    NetworkDisabled: true,
    HostConfig: {
      Init: true,
      NetworkMode: "none",
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
      Mounts: [{ Type: "bind", Source: resolve(options.workspaceDir), Target: SANDBOX_WORKDIR, ReadOnly: false }],
      LogConfig: { Type: "none", Config: {} },
    },
  };
}
