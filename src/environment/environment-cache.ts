import { createHash } from "node:crypto";
import type Dockerode from "dockerode";
import type { EnvironmentConfig } from "../config/environment-config.js";
import { buildContainerSpec } from "../sandbox/container-spec.js";
import { dockerStatusCode, toSandboxError } from "../sandbox/docker-errors.js";
import { removeContainer, runContainer } from "../sandbox/docker-run.js";
import type { SandboxLimits } from "../sandbox/sandbox.js";
import { handOverTree, sandboxOwnerFor, sweepTree } from "../sandbox/tree-handover.js";
import type { RepoFiles } from "./detect-setup.js";
import { OUTPUTS_LIST } from "./setup-script.js";

/** Repository (name) of cached environment images; the tag is the cache key. */
export const CACHE_REPOSITORY = "tanuki-env-cache";
/** Repository (name) of images built from a repository's Dockerfile; also pruned as cached environments. */
export const BUILD_REPOSITORY = "tanuki-env-build";
/** Label marking a cached environment image, and the labels it carries. */
export const CACHE_LABEL = "tanuki.env.cache";
const BYTES_LABEL = "tanuki.env.bytes";
/** Label of a cached environment's scope: {@link scopeDigest} of the repository it belongs to. */
export const SCOPE_LABEL = "tanuki.env.scope";
/** Where a cached environment image keeps the install's outputs (under /tmp: hidden by every sandbox's tmpfs). */
const OUTPUTS_DIR = "/tmp/tanuki-env/outputs";
/** Version of the cache layout; bumping it invalidates every cached environment. */
const CACHE_VERSION = 1;

/**
 * The cache key of an environment: a SHA-256 over the cache layout version, the repository's scope, the base
 * image's id, the install commands, the content of the key files (lockfiles, manifests, devcontainer.json,
 * Dockerfile) and the registry settings (mirrors, families). Anything else in the repository can change without
 * invalidating the environment: the base commit's other files are not installed, they are the work.
 */
export async function environmentKey(input: {
  scope: string;
  imageId: string;
  commands: readonly string[];
  keyFiles: readonly string[];
  repo: RepoFiles;
  config: EnvironmentConfig;
}): Promise<string> {
  const files: Array<[string, string]> = [];
  for (const path of input.keyFiles) {
    const text = await input.repo.read(path);
    files.push([
      path,
      createHash("sha256")
        .update(text ?? "\u0000absent")
        .digest("hex"),
    ]);
  }
  const { npmRegistry, pipIndexUrl, goProxy, registries } = input.config;
  const material = JSON.stringify({
    v: CACHE_VERSION,
    scope: input.scope,
    image: input.imageId,
    commands: input.commands,
    files,
    registries: { npmRegistry, pipIndexUrl, goProxy, registries },
  });
  return createHash("sha256").update(material).digest("hex").slice(0, 40);
}

/** The value of {@link SCOPE_LABEL} for a cache scope (the repository's name is not written into the image). */
export function scopeDigest(scope: string): string {
  return createHash("sha256").update(scope).digest("hex").slice(0, 16);
}

/**
 * Labels that make an image a cached environment of `scope` (listed and pruned like one). Its size is the image's
 * unless a `tanuki.env.bytes` label says otherwise.
 */
export function cacheLabels(scope: string): Record<string, string> {
  return { [CACHE_LABEL]: "1", [SCOPE_LABEL]: scopeDigest(scope) };
}

/** `tanuki-env-cache:<key>`. */
export function cacheImageName(key: string): string {
  return `${CACHE_REPOSITORY}:${key}`;
}

/**
 * The cached environment image of `key` when there is one; marks it used (a re-tag moves its `LastTagTime`, which
 * the least-recently-used pruning reads).
 */
export async function lookupCachedEnvironment(docker: Dockerode, key: string): Promise<string | undefined> {
  const name = cacheImageName(key);
  try {
    await docker.getImage(name).inspect();
  } catch (err) {
    if (dockerStatusCode(err) === 404) return undefined;
    throw toSandboxError(`cannot inspect ${name}`, err);
  }
  await docker
    .getImage(name)
    .tag({ repo: CACHE_REPOSITORY, tag: key })
    .catch(() => undefined);
  return name;
}

/** The hardened one-command spec of the cache's helper containers, with /tmp left to the image (no tmpfs). */
function helperSpec(
  workspaceDir: string,
  image: string,
  limits: SandboxLimits,
  labels: Record<string, string>,
  script: string,
  treeReadOnly: boolean,
): Dockerode.ContainerCreateOptions {
  const owner = sandboxOwnerFor();
  const spec = buildContainerSpec(
    { workspaceDir, image, limits, labels },
    { argv: ["sh", "-c", script], env: [], user: `${owner.uid}:${owner.gid}` },
  );
  const host = spec.HostConfig ?? {};
  delete host.Tmpfs;
  host.ReadonlyRootfs = treeReadOnly ? false : host.ReadonlyRootfs;
  host.Mounts = (host.Mounts ?? []).map((mount) =>
    mount.Target === "/workspace" ? { ...mount, ReadOnly: treeReadOnly } : mount,
  );
  return spec;
}

/**
 * Saves an installed environment as the image `tanuki-env-cache:<key>`: a container from `baseImage` copies the
 * paths the install created (listed in `.tanuki-env/outputs.list`, the work tree mounted read-only) into its own
 * file system, and is committed with labels (key, size, scope). Best effort: returns false when anything fails.
 */
export async function saveEnvironment(
  docker: Dockerode,
  options: {
    workspaceDir: string;
    baseImage: string;
    key: string;
    scope: string;
    limits: SandboxLimits;
    labels: Record<string, string>;
  },
): Promise<boolean> {
  const script = `set -e
mkdir -p ${OUTPUTS_DIR}
cd /workspace
grep -v '^$' ${OUTPUTS_LIST} | tar -cf - -T - | tar -xpf - -C ${OUTPUTS_DIR}
du -sk ${OUTPUTS_DIR} | cut -f1`;
  const spec = helperSpec(
    options.workspaceDir,
    options.baseImage,
    { ...options.limits, memoryBytes: Math.max(options.limits.memoryBytes, 512 * 1024 ** 2) },
    options.labels,
    script,
    true,
  );
  let container: Dockerode.Container | undefined;
  try {
    container = await docker.createContainer({
      ...spec,
      AttachStdout: false,
      AttachStderr: false,
      HostConfig: { ...spec.HostConfig, LogConfig: { Type: "json-file", Config: {} } },
    });
    await container.start();
    const waited = (await container.wait()) as { StatusCode?: number };
    if (waited.StatusCode !== 0) return false;
    const log = (await container.logs({ stdout: true, stderr: false })) as unknown as Buffer;
    const kib = Number(/(\d+)\s*$/.exec(log.toString("latin1"))?.[1] ?? "0");
    const labels = [
      `${CACHE_LABEL}="1"`,
      `${BYTES_LABEL}="${kib * 1024}"`,
      `${SCOPE_LABEL}="${scopeDigest(options.scope)}"`,
    ];
    await container.commit({ repo: CACHE_REPOSITORY, tag: options.key, changes: `LABEL ${labels.join(" ")}` });
    return true;
  } catch {
    return false;
  } finally {
    if (container) await removeContainer(container).catch(() => undefined);
  }
}

/**
 * Copies a cached environment's files into the work tree (files already there are kept), as the sandbox user,
 * with the work tree handed over before and swept after as for any sandbox command.
 *
 * @returns true when the copy succeeded (false: treat as a cache miss and install)
 */
export async function restoreEnvironment(
  docker: Dockerode,
  options: {
    workspaceDir: string;
    image: string;
    limits: SandboxLimits;
    labels: Record<string, string>;
    signal?: AbortSignal;
  },
): Promise<boolean> {
  await handOverTree(options.workspaceDir, sandboxOwnerFor());
  const script = `cd ${OUTPUTS_DIR} && tar -cf - . | tar -xpf - -C /workspace --skip-old-files`;
  try {
    const outcome = await runContainer(
      docker,
      helperSpec(options.workspaceDir, options.image, options.limits, options.labels, script, false),
      { maxOutputBytes: 64 * 1024, timeoutMs: 10 * 60_000, ...(options.signal ? { signal: options.signal } : {}) },
    );
    return outcome.exitCode === 0 && !outcome.stopped;
  } catch {
    return false;
  } finally {
    await sweepTree(options.workspaceDir);
  }
}

/** One cached environment image, as pruning sees it. */
export interface CachedEnvironment {
  image: string;
  /** Size of the installed files, bytes (what the cache adds on top of its base image). */
  bytes: number;
  /** Last use (epoch ms): the image's last tag time. */
  lastUsedMs: number;
}

/** Every cached environment image, most recently used first. */
export async function listCachedEnvironments(docker: Dockerode): Promise<CachedEnvironment[]> {
  let images: Dockerode.ImageInfo[];
  try {
    images = await docker.listImages({ filters: { label: [`${CACHE_LABEL}=1`] } });
  } catch (err) {
    throw toSandboxError("cannot list cached environments", err);
  }
  const cached: CachedEnvironment[] = [];
  for (const info of images) {
    const tag =
      info.RepoTags?.find((t) => t.startsWith(`${CACHE_REPOSITORY}:`) || t.startsWith(`${BUILD_REPOSITORY}:`)) ??
      info.Id;
    const inspected = await docker
      .getImage(info.Id)
      .inspect()
      .catch(() => undefined);
    const last = Date.parse(
      (inspected as { Metadata?: { LastTagTime?: string } } | undefined)?.Metadata?.LastTagTime ?? "",
    );
    cached.push({
      image: tag,
      bytes: Number(info.Labels?.[BYTES_LABEL] ?? info.Size) || 0,
      lastUsedMs: Number.isFinite(last) ? last : info.Created * 1000,
    });
  }
  return cached.sort((a, b) => b.lastUsedMs - a.lastUsedMs);
}

/**
 * Removes the least recently used cached environments until the rest fit in `maxBytes` (0 removes all). Images in
 * use by a container are skipped.
 *
 * @returns the images removed and the bytes kept
 */
export async function pruneEnvironments(
  docker: Dockerode,
  maxBytes: number,
): Promise<{ removed: CachedEnvironment[]; keptBytes: number }> {
  const removed: CachedEnvironment[] = [];
  let keptBytes = 0;
  for (const entry of await listCachedEnvironments(docker)) {
    if (keptBytes + entry.bytes <= maxBytes) {
      keptBytes += entry.bytes;
      continue;
    }
    try {
      await docker.getImage(entry.image).remove();
      removed.push(entry);
    } catch {
      keptBytes += entry.bytes;
    }
  }
  return { removed, keptBytes };
}
