/**
 * What went wrong when a repository's environment could not be built, as far as its log tells:
 * - `tls`: a certificate could not be verified (a TLS-intercepting proxy whose CA bundle is not trusted);
 * - `network`: a registry could not be reached (DNS, connection refused or reset, upstream proxy down);
 * - `blocked-host`: the egress proxy refused a host that is not on the registry allowlist;
 * - `timeout`: the install step ran past its time limit;
 * - `image`: the environment's image could not be found, pulled or built;
 * - `command`: the install command itself failed (anything else);
 * - `tests-cannot-run`: the base commit's tests could not run at all (command not found, collection error, no
 *   tests collected), so no change could ever be verified.
 */
export type EnvironmentProblem =
  | "tls"
  | "network"
  | "blocked-host"
  | "timeout"
  | "image"
  | "command"
  | "tests-cannot-run";

/**
 * The environment phase's record in a RunResult: how the repository's dependencies were installed (or why they
 * could not be), which image the tests ran in, and the tail of the install log.
 */
export interface EnvironmentReport {
  /** `ready`: installed (or nothing to install); `failed`: the job stopped with outcome `environment-error`. */
  status: "ready" | "failed";
  /** Where the install commands came from. */
  source: "configured" | "devcontainer" | "detected" | "none";
  /** Install commands in the order they run (empty when there was nothing to install). */
  commands: string[];
  /** Image the install ran in and the tests run in. */
  image?: string;
  /** True when a cached environment (same image, commands and lockfiles/manifests) was reused. */
  cached: boolean;
  /** The command that failed (status `failed`). */
  command?: string;
  /** Its exit code (124 when it ran past the time limit); absent when it never ran (e.g. a missing image). */
  exitCode?: number;
  /** What went wrong, as recognised from the log (status `failed`). */
  problem?: EnvironmentProblem;
  /** One sentence for people: what failed and what to do about it. */
  message?: string;
  /** Last lines of the install log (capped, characters). */
  logTail: string;
  /** Wall time of the phase, ms. */
  durationMs: number;
}
