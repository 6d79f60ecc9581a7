import Dockerode from "dockerode";
import type { EnvironmentReport } from "../core/environment-report.js";
import type { SandboxProvider } from "../sandbox/sandbox.js";
import { detectSetup } from "./detect-setup.js";
import { egressPolicyFor } from "./egress-policy.js";
import { type EgressProxy, startEgressProxy } from "./egress-proxy.js";
import type { EnvironmentOutcome, EnvironmentProvider, EnvironmentRequest } from "./environment.js";
import {
  BUILD_REPOSITORY,
  cacheLabels,
  environmentKey,
  lookupCachedEnvironment,
  pruneEnvironments,
  restoreEnvironment,
  saveEnvironment,
} from "./environment-cache.js";
import { testPhaseEnv } from "./environment-env.js";
import { buildRepoImage, ensurePulled, ImageUnavailable, imageId, toolchainImage } from "./environment-image.js";
import { installFailure, LOG_KEEP_CHARS, reportTail, runInstall } from "./install-step.js";
import { LogTail } from "./log-tail.js";
import type { SetupPlan } from "./setup-plan.js";
import { parentProxyOf, renderSquidConfig } from "./squid-config.js";

/** Options of {@link DockerEnvironmentProvider}. */
export interface DockerEnvironmentProviderOptions {
  /** Runs the install command (with the egress network, env and mounts of the contract). */
  sandboxes: SandboxProvider;
  /** Engine client for the proxy, images and cache. Default: a new Dockerode (DOCKER_HOST or the default socket). */
  docker?: Dockerode;
  /** Monotonic clock, ms. Default `performance.now()`. */
  now?: () => number;
}

/**
 * {@link EnvironmentProvider} over Docker. For one repository:
 * 1. decides the plan (see `detectSetup`) and the image (the repository's own, pulled or built; else the sandbox
 *    image with the detected toolchains);
 * 2. with nothing to install, is done; with a cached environment for the same key (see `environmentKey`), copies
 *    it into the work tree and is done (for a Dockerfile, once it is built: its build runs behind the proxy too);
 * 3. else starts an egress proxy (Squid on an internal network, see `startEgressProxy`), runs the install commands
 *    in one sandbox command attached only to that network, the host's CA bundle mounted read-only and wired into
 *    every package manager, under its own time and memory limits, streaming the log's tail to `onOutput`;
 * 4. on success saves the environment to the cache; on failure names the command, the problem (TLS, refused host,
 *    network, timeout, command) and the log's tail.
 * The proxy and its network are removed before `prepare` returns, whatever happened.
 */
export class DockerEnvironmentProvider implements EnvironmentProvider {
  readonly #docker: Dockerode;
  readonly #sandboxes: SandboxProvider;
  readonly #now: () => number;

  constructor(options: DockerEnvironmentProviderOptions) {
    this.#docker = options.docker ?? new Dockerode();
    this.#sandboxes = options.sandboxes;
    this.#now = options.now ?? (() => performance.now());
  }

  async prepare(request: EnvironmentRequest): Promise<EnvironmentOutcome> {
    const started = this.#now();
    const { config } = request;
    const plan = await detectSetup(request.repo, {
      ...(request.setupCommand ? { command: request.setupCommand } : {}),
      ...(config.image ? { image: config.image } : {}),
      ...(config.dockerfile ? { dockerfile: config.dockerfile } : {}),
      allowRepoImages: config.allowRepoImages,
    });
    const commands = plan.commands.map((c) => c.command);
    const imageLines = new LogTail(LOG_KEEP_CHARS, (lines) => request.onOutput?.("preparing the image", lines));
    const job: Job = {
      request,
      plan,
      commands,
      imageLines,
      base: { source: plan.source, commands, cached: false },
      elapsed: () => Math.round(this.#now() - started),
    };

    let image: string | undefined;
    try {
      if (plan.image) {
        await ensurePulled(this.#docker, plan.image, (line) => imageLines.push(`${line}\n`));
        image = plan.image;
      } else if (!plan.dockerfile) {
        image = await toolchainImage(this.#docker, request.sandboxImage, plan);
      }
    } catch (err) {
      if (err instanceof ImageUnavailable) return failed(job, { problem: "image", message: err.message });
      throw err;
    }
    if (image) {
      if (commands.length === 0) return ready(job, image);
      const cached = await this.#fromCache(job, image);
      if (cached.outcome) return cached.outcome;
      return this.#install(job, image, cached.key);
    }
    return this.#install(job, undefined, undefined);
  }

  /**
   * The cached environment of `image` + the plan, copied into the work tree, when there is one; else the key to
   * save under (undefined when the cache is off).
   */
  async #fromCache(job: Job, image: string): Promise<{ key?: string; outcome?: EnvironmentOutcome }> {
    const { request } = job;
    if (!request.config.cache.enabled) return {};
    const key = await environmentKey({
      scope: request.cacheScope,
      imageId: await imageId(this.#docker, image),
      commands: job.commands,
      keyFiles: job.plan.keyFiles,
      repo: request.repo,
      config: request.config,
    });
    const cached = await lookupCachedEnvironment(this.#docker, key);
    const restored =
      cached !== undefined &&
      (await restoreEnvironment(this.#docker, {
        workspaceDir: request.workspaceDir,
        image: cached,
        limits: request.limits,
        labels: request.labels,
        ...(request.signal ? { signal: request.signal } : {}),
      }));
    return restored ? { key, outcome: ready(job, image, { cached: true }) } : { key };
  }

  /**
   * Steps 3 and 4 of `prepare`, with the egress proxy running: the repository's Dockerfile built (when it named
   * one; then the cache is looked up for the built image), the install commands, then the cache.
   */
  async #install(job: Job, knownImage: string | undefined, knownKey: string | undefined): Promise<EnvironmentOutcome> {
    const { request, plan } = job;
    const { config } = request;
    const upstream = config.upstreamProxy;
    const proxy = await startEgressProxy(this.#docker, {
      image: config.egressImage,
      squidConf: renderSquidConfig(
        egressPolicyFor(config),
        parentProxyOf(upstream?.https ?? upstream?.http, upstream?.noProxy),
      ),
      labels: request.labels,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    try {
      let image = knownImage;
      let key = knownKey;
      if (!image) {
        const built = await this.#buildDockerfile(job, proxy);
        if (!built.image) return failed(job, { problem: "image", message: built.message });
        image = built.image;
        if (job.commands.length === 0) return ready(job, image);
        const cached = await this.#fromCache(job, image);
        if (cached.outcome) return cached.outcome;
        key = cached.key;
      }
      const run = await runInstall(this.#sandboxes, request, job.commands, image, proxy);
      if (run.exitCode !== 0 || run.timedOut) {
        return failed(job, { image, ...installFailure(plan, run, await proxy.accessLog(), config) });
      }
      if (key !== undefined) {
        const saved = await saveEnvironment(this.#docker, {
          workspaceDir: request.workspaceDir,
          baseImage: image,
          key,
          scope: request.cacheScope,
          limits: request.limits,
          labels: request.labels,
        });
        if (saved) await pruneEnvironments(this.#docker, config.cache.maxBytes).catch(() => undefined);
      }
      return ready(job, image, { logTail: reportTail(run.tail) });
    } finally {
      await proxy.dispose();
    }
  }

  /**
   * Builds the repository's Dockerfile as `tanuki-env-build:<digest of the repository, the Dockerfile's path and
   * the key files>`, marked as a cached environment so `tanuki env prune` and the size budget cover it. Docker's
   * own layer cache makes a rebuild of an unchanged Dockerfile quick, and picks up changed build context files.
   */
  async #buildDockerfile(
    job: Job,
    proxy: EgressProxy,
  ): Promise<{ image: string; message?: undefined } | { image?: undefined; message: string }> {
    const { request, plan } = job;
    const dockerfile = plan.dockerfile;
    if (!dockerfile) throw new Error("no image for the environment");
    const digest = await environmentKey({
      scope: request.cacheScope,
      imageId: `dockerfile:${dockerfile.path}:${dockerfile.context}`,
      commands: [],
      keyFiles: plan.keyFiles,
      repo: request.repo,
      config: request.config,
    });
    const tag = `${BUILD_REPOSITORY}:${digest}`;
    try {
      await buildRepoImage(this.#docker, {
        workspaceDir: request.workspaceDir,
        dockerfile,
        tag,
        network: proxy.network,
        proxyUrl: proxy.url,
        labels: { ...request.labels, ...cacheLabels(request.cacheScope) },
        onLine: (line) => job.imageLines.push(line),
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (err) {
      if (err instanceof ImageUnavailable) return { message: err.message };
      throw err;
    }
    return { image: tag };
  }
}

/** One `prepare` call's facts, shared by its steps. */
interface Job {
  request: EnvironmentRequest;
  plan: SetupPlan;
  commands: string[];
  /** Output of pulling or building the image (the log tail of an `image` failure). */
  imageLines: LogTail;
  base: Pick<EnvironmentReport, "source" | "commands" | "cached">;
  elapsed: () => number;
}

/** A ready environment: tests run in `image` with the test phase's environment (no network). */
function ready(job: Job, image: string, extra: { cached?: boolean; logTail?: string } = {}): EnvironmentOutcome {
  return {
    ok: true,
    environment: { image, env: testPhaseEnv() },
    report: { ...job.base, status: "ready", image, logTail: "", durationMs: job.elapsed(), ...extra },
  };
}

/** A failed environment; the log tail defaults to the image's (pull or build) output. */
function failed(
  job: Job,
  report: Partial<EnvironmentReport> & Pick<EnvironmentReport, "problem" | "message">,
): EnvironmentOutcome {
  return {
    ok: false,
    report: {
      ...job.base,
      status: "failed",
      logTail: reportTail(job.imageLines),
      durationMs: job.elapsed(),
      ...report,
    },
  };
}
