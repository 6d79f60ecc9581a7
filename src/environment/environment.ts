import type { EnvironmentConfig } from "../config/environment-config.js";
import type { EnvironmentReport } from "../core/environment-report.js";
import type { SandboxLimits } from "../sandbox/sandbox.js";
import type { RepoFiles } from "./detect-setup.js";

/** What the environment phase is asked to build: one repository's work tree at its base commit. */
export interface EnvironmentRequest {
  /** Host path of the work tree (mounted at /workspace), at the base commit, with no sandbox process alive. */
  workspaceDir: string;
  /** The work tree's files, read through the Workspace port (symlink-safe), for detection and the cache key. */
  repo: RepoFiles;
  config: EnvironmentConfig;
  /** `--setup-command` / tanuki.yml `setup`: replaces detection. */
  setupCommand?: string;
  /** The sandbox image tests run in by default (`tanuki-sandbox:latest`); toolchain images are named after it. */
  sandboxImage: string;
  /** The job's sandbox limits (CPU, pids, output); the install gets its own time and memory caps from `config`. */
  limits: SandboxLimits;
  /**
   * Who the cache belongs to (e.g. `owner/name` or the repository's path): environments are never shared between
   * repositories, so one repository cannot plant dependencies in another's tests.
   */
  cacheScope: string;
  /** Labels of every container (job id), to find leftovers. */
  labels: Record<string, string>;
  /** Live install output: the command and the last lines of its log (throttled by the provider). */
  onOutput?: (command: string, tail: string[]) => void;
  signal?: AbortSignal;
}

/** A built environment: where the tests run and with what environment variables. */
export interface PreparedEnvironment {
  /** Image of every later command (tests). */
  image: string;
  /** Environment added to every later command (PATH with the venv, offline settings of each toolchain). */
  env: Record<string, string>;
}

/** The environment phase's answer: the report (always), and the environment when it is ready. */
export type EnvironmentOutcome =
  | { ok: true; environment: PreparedEnvironment; report: EnvironmentReport }
  | { ok: false; report: EnvironmentReport };

/**
 * The Environment port: installs a repository's dependencies with network access to package registries only
 * (through an allowlisting egress proxy) and returns the image and settings its no-network tests run with. The
 * Docker implementation is `DockerEnvironmentProvider`.
 *
 * A failed install is an outcome (`ok: false`, with the failing command and its log tail), not an exception.
 * @throws SandboxError when the engine or one of Tanuki's own images is missing (an operator problem)
 * @throws CancelledError when `signal` aborts
 */
export interface EnvironmentProvider {
  prepare(request: EnvironmentRequest): Promise<EnvironmentOutcome>;
}
