import { access } from "node:fs/promises";
import Dockerode from "dockerode";
import type { EnvironmentConfig } from "../config/environment-config.js";
import type { EnvironmentReport } from "../core/environment-report.js";
import type { SandboxLimits, SandboxProvider } from "../sandbox/sandbox.js";
import { classifyFailure, refusedHostsOf } from "./classify-failure.js";
import { detectSetup } from "./detect-setup.js";
import { egressPolicyFor } from "./egress-policy.js";
import { startEgressProxy } from "./egress-proxy.js";
import type { EnvironmentOutcome, EnvironmentProvider, EnvironmentRequest } from "./environment.js";
import {
  environmentKey,
  lookupCachedEnvironment,
  pruneEnvironments,
  restoreEnvironment,
  saveEnvironment,
} from "./environment-cache.js";
import { setupPhaseEnv, testPhaseEnv } from "./environment-env.js";
import { buildRepoImage, ensurePulled, ImageUnavailable, imageId, toolchainImage } from "./environment-image.js";
import { LogTail } from "./log-tail.js";
import type { SetupPlan } from "./setup-plan.js";
import { buildSetupScript, COMMAND_MARKER, FAILURE_MARKER, HOST_CA_PATH, setupCommandEnv } from "./setup-script.js";
import { parentProxyOf, renderSquidConfig } from "./squid-config.js";

/** `[tanuki] $ <n> <command>` lines of the install script (see setup-script.ts). */
const COMMAND_LINE = new RegExp(`${escapeRegExp(COMMAND_MARKER)} \\d+ ([^\\n]*)`, "g");
/** `[tanuki] command <n> failed with exit <code>` lines. */
const FAILURE_LINE = new RegExp(`${escapeRegExp(FAILURE_MARKER)} (\\d+) failed with exit`, "g");

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** System CA bundles tried when none is configured (Debian/Ubuntu, then Fedora/RHEL). */
const SYSTEM_CA_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"];
/** Characters of install log kept while it runs. */
const LOG_KEEP_CHARS = 64 * 1024;
/** Characters of install log kept in the report (pr.md, run.json, status comment). */
const REPORT_TAIL_CHARS = 6_000;
/** Lines of install log kept in the report. */
const REPORT_TAIL_LINES = 60;

/** Options of {@link DockerEnvironmentProvider}. */
export interface DockerEnvironmentProviderOptions {
  /** Runs the install command (with the egress network, env and mounts of the contract). */
  sandboxes: SandboxProvider;
  /** Engine client for the proxy, images and cache. Default: a new Dockerode (DOCKER_HOST or the default socket). */
  docker?: Dockerode;
  /** Monotonic clock, ms. Default `performance.now()`. */
  now?: () => number;
}

/** The install log's last lines, capped, for reports. */
function reportTail(tail: LogTail): string {
  const text = tail.lines(REPORT_TAIL_LINES).join("\n");
  return text.length <= REPORT_TAIL_CHARS ? text : text.slice(text.length - REPORT_TAIL_CHARS);
}

/** The CA bundle to trust inside the install container: the configured one, else a system bundle, else none. */
async function caBundleFor(config: EnvironmentConfig): Promise<string | undefined> {
  if (config.caBundle === "none") return undefined;
  const candidates = config.caBundle ? [config.caBundle] : SYSTEM_CA_BUNDLES;
  for (const path of candidates) {
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  return undefined;
}

/**
 * {@link EnvironmentProvider} over Docker. For one repository:
 * 1. decides the plan (see `detectSetup`) and the image (the repository's own, pulled or built; else the sandbox
 *    image with the detected toolchains);
 * 2. with nothing to install, is done; with a cached environment for the same key (see `environmentKey`), copies
 *    it into the work tree and is done;
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
    const base = { source: plan.source, commands, cached: false };
    const elapsed = () => Math.round(this.#now() - started);
    const imageLines = new LogTail(LOG_KEEP_CHARS, (lines) => request.onOutput?.("preparing the image", lines));
    const fail = (
      report: Partial<EnvironmentReport> & Pick<EnvironmentReport, "problem" | "message">,
    ): EnvironmentOutcome => ({
      ok: false,
      report: { ...base, status: "failed", logTail: reportTail(imageLines), durationMs: elapsed(), ...report },
    });

    let image: string | undefined;
    try {
      if (plan.image) {
        await ensurePulled(this.#docker, plan.image, (line) => imageLines.push(`${line}\n`));
        image = plan.image;
      } else if (!plan.dockerfile) {
        image = await toolchainImage(this.#docker, request.sandboxImage, plan);
      }
    } catch (err) {
      if (err instanceof ImageUnavailable) return fail({ problem: "image", message: err.message });
      throw err;
    }
    const env = testPhaseEnv();
    if (image && commands.length === 0) {
      return {
        ok: true,
        environment: { image, env },
        report: { ...base, status: "ready", image, logTail: "", durationMs: elapsed() },
      };
    }

    const key = config.cache.enabled
      ? await environmentKey({
          scope: request.cacheScope,
          imageId: image ? await imageId(this.#docker, image) : `dockerfile:${plan.dockerfile?.path}`,
          commands,
          keyFiles: plan.keyFiles,
          repo: request.repo,
          config,
        })
      : undefined;
    if (key && image) {
      const cached = await lookupCachedEnvironment(this.#docker, key);
      if (
        cached &&
        (await restoreEnvironment(this.#docker, {
          workspaceDir: request.workspaceDir,
          image: cached,
          limits: request.limits,
          labels: request.labels,
          ...(request.signal ? { signal: request.signal } : {}),
        }))
      ) {
        return {
          ok: true,
          environment: { image, env },
          report: { ...base, status: "ready", image, cached: true, logTail: "", durationMs: elapsed() },
        };
      }
    }
    return this.#install(request, plan, image, key, { base, elapsed, fail, imageLines });
  }

  /** Steps 3 and 4 of `prepare`: the install through the egress proxy, then the cache. */
  async #install(
    request: EnvironmentRequest,
    plan: SetupPlan,
    knownImage: string | undefined,
    key: string | undefined,
    report: {
      base: Pick<EnvironmentReport, "source" | "commands" | "cached">;
      elapsed: () => number;
      fail: (r: Partial<EnvironmentReport> & Pick<EnvironmentReport, "problem" | "message">) => EnvironmentOutcome;
      imageLines: LogTail;
    },
  ): Promise<EnvironmentOutcome> {
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
      if (!image && plan.dockerfile) {
        image = `tanuki-env-build:${key ?? Date.now().toString(36)}`;
        try {
          await buildRepoImage(this.#docker, {
            workspaceDir: request.workspaceDir,
            dockerfile: plan.dockerfile,
            tag: image,
            network: proxy.network,
            proxyUrl: proxy.url,
            labels: request.labels,
            onLine: (line) => report.imageLines.push(line),
            ...(request.signal ? { signal: request.signal } : {}),
          });
        } catch (err) {
          if (err instanceof ImageUnavailable) return report.fail({ problem: "image", message: err.message });
          throw err;
        }
      }
      if (!image) throw new Error("no image for the environment");
      const env = testPhaseEnv();
      if (plan.commands.length === 0) {
        return {
          ok: true,
          environment: { image, env },
          report: { ...report.base, status: "ready", image, logTail: "", durationMs: report.elapsed() },
        };
      }
      const outcome = await this.#runCommands(
        request,
        plan.commands.map((c) => c.command),
        image,
        proxy,
      );
      if (outcome.exitCode === 0 && !outcome.timedOut) {
        const saved =
          key !== undefined &&
          (await saveEnvironment(this.#docker, {
            workspaceDir: request.workspaceDir,
            baseImage: image,
            key,
            scope: request.cacheScope,
            limits: request.limits,
            labels: request.labels,
          }));
        if (saved) await pruneEnvironments(this.#docker, config.cache.maxBytes).catch(() => undefined);
        return {
          ok: true,
          environment: { image, env },
          report: {
            ...report.base,
            status: "ready",
            image,
            logTail: reportTail(outcome.tail),
            durationMs: report.elapsed(),
          },
        };
      }
      const log = outcome.tail.text();
      const failedIndex = [...log.matchAll(FAILURE_LINE)].at(-1)?.[1];
      const command = plan.commands[Number(failedIndex ?? plan.commands.length) - 1]?.command;
      const { problem, message } = classifyFailure({
        exitCode: outcome.exitCode,
        timedOut: outcome.timedOut,
        log,
        refusedHosts: refusedHostsOf(await proxy.accessLog()),
        timeoutMs: config.timeoutMs,
      });
      return {
        ok: false,
        report: {
          ...report.base,
          status: "failed",
          image,
          ...(command ? { command } : {}),
          exitCode: outcome.exitCode,
          problem,
          message,
          logTail: reportTail(outcome.tail),
          durationMs: report.elapsed(),
        },
      };
    } finally {
      await proxy.dispose();
    }
  }

  /** Runs the install script in one sandbox command attached only to the proxy's network. */
  async #runCommands(
    request: EnvironmentRequest,
    commands: readonly string[],
    image: string,
    proxy: { network: string; url: string; host: string; port: number },
  ): Promise<{ exitCode: number; timedOut: boolean; tail: LogTail }> {
    const { config } = request;
    const ca = await caBundleFor(config);
    const limits: SandboxLimits = {
      ...request.limits,
      memoryBytes: config.memoryBytes,
      commandTimeoutMs: config.timeoutMs,
      pids: Math.max(request.limits.pids, 1024),
      tmpBytes: Math.max(request.limits.tmpBytes, 512 * 1024 * 1024),
    };
    let current = "";
    const tail = new LogTail(LOG_KEEP_CHARS, (lines) => request.onOutput?.(current, lines));
    const sandbox = await this.#sandboxes.create({
      workspaceDir: request.workspaceDir,
      image,
      limits,
      labels: request.labels,
      network: { kind: "egress", network: proxy.network, proxyUrl: proxy.url },
      env: { ...setupPhaseEnv(config, proxy), ...setupCommandEnv(commands) },
      readOnlyMounts: ca ? [{ source: ca, target: HOST_CA_PATH }] : [],
      ...(request.signal ? { signal: request.signal } : {}),
    });
    try {
      const result = await sandbox.exec({
        command: buildSetupScript(),
        timeoutMs: config.timeoutMs,
        onOutput: (text) => {
          const marker = [...text.matchAll(COMMAND_LINE)].at(-1)?.[1];
          if (marker !== undefined) current = marker;
          tail.push(text);
          if (marker !== undefined) tail.flush();
        },
        ...(request.signal ? { signal: request.signal } : {}),
      });
      tail.flush();
      return { exitCode: result.exitCode, timedOut: result.timedOut, tail };
    } finally {
      await sandbox.dispose();
    }
  }
}
