import { access } from "node:fs/promises";
import type { EnvironmentConfig } from "../config/environment-config.js";
import type { EnvironmentReport } from "../core/environment-report.js";
import type { SandboxLimits, SandboxProvider } from "../sandbox/sandbox.js";
import { classifyFailure, refusedHostsOf, unreachableHostsOf } from "./classify-failure.js";
import type { EgressProxy } from "./egress-proxy.js";
import type { EnvironmentRequest } from "./environment.js";
import { setupPhaseEnv } from "./environment-env.js";
import { LogTail } from "./log-tail.js";
import type { SetupPlan } from "./setup-plan.js";
import { buildSetupScript, COMMAND_MARKER, FAILURE_MARKER, HOST_CA_PATH, setupCommandEnv } from "./setup-script.js";

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
export const LOG_KEEP_CHARS = 64 * 1024;
/** Characters of install log kept in the report (pr.md, run.json, status comment). */
const REPORT_TAIL_CHARS = 6_000;
/** Lines of install log kept in the report. */
const REPORT_TAIL_LINES = 60;

/** The install log's last lines, capped, for reports. */
export function reportTail(tail: LogTail): string {
  const text = tail.lines(REPORT_TAIL_LINES).join("\n");
  return text.length <= REPORT_TAIL_CHARS ? text : text.slice(text.length - REPORT_TAIL_CHARS);
}

/** The CA bundle to trust inside the install container: the configured one, else a system bundle, else none. */
async function caBundleFor(config: EnvironmentConfig): Promise<string | undefined> {
  if (config.caBundle === "none") return undefined;
  for (const path of config.caBundle ? [config.caBundle] : SYSTEM_CA_BUNDLES) {
    const readable = await access(path).then(
      () => true,
      () => false,
    );
    if (readable) return path;
  }
  return undefined;
}

/** How the install script ended: exit code, whether its time limit stopped it, and its log. */
export interface InstallRun {
  exitCode: number;
  timedOut: boolean;
  tail: LogTail;
}

/**
 * Runs the install commands as one script (see `buildSetupScript`) in one sandbox command attached only to the
 * egress proxy's network, the host's CA bundle mounted read-only, under the install's own time and memory limits,
 * streaming the running command and the log's last lines to `request.onOutput`.
 *
 * @throws SandboxError when the sandbox cannot be created; CancelledError on abort
 */
export async function runInstall(
  sandboxes: SandboxProvider,
  request: EnvironmentRequest,
  commands: readonly string[],
  image: string,
  proxy: Pick<EgressProxy, "network" | "url" | "host" | "port">,
): Promise<InstallRun> {
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
  const sandbox = await sandboxes.create({
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

/**
 * The report fields of a failed install: the command that failed (from the script's failure marker), its exit
 * code, the problem and what to do (see `classifyFailure`, with the hosts the proxy refused or could not reach),
 * and the log's tail.
 */
export function installFailure(
  plan: SetupPlan,
  run: InstallRun,
  accessLog: string,
  config: EnvironmentConfig,
): Pick<EnvironmentReport, "command" | "exitCode" | "problem" | "message" | "logTail"> {
  const log = run.tail.text();
  const failedIndex = [...log.matchAll(FAILURE_LINE)].at(-1)?.[1];
  const command = plan.commands[Number(failedIndex ?? plan.commands.length) - 1]?.command;
  const { problem, message } = classifyFailure({
    exitCode: run.exitCode,
    timedOut: run.timedOut,
    log,
    refusedHosts: refusedHostsOf(accessLog),
    unreachableHosts: unreachableHostsOf(accessLog),
    timeoutMs: config.timeoutMs,
  });
  return { ...(command ? { command } : {}), exitCode: run.exitCode, problem, message, logTail: reportTail(run.tail) };
}
