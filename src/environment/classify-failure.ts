import type { EnvironmentProblem } from "../core/environment-report.js";

/** Log patterns of a certificate that could not be verified, across npm/Node, pip, cargo/curl, Go, Java. */
const TLS_PATTERNS = [
  /UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?/,
  /SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
  /CERTIFICATE_VERIFY_FAILED|certificate verify failed/i,
  /unable to get local issuer certificate/i,
  /x509: certificate signed by unknown authority/,
  /SSL certificate problem/i,
  /PKIX path building failed/,
  /self[- ]signed certificate/i,
];

/** Log patterns of a registry that could not be reached at all (name resolution, refused or reset connections). */
const NETWORK_PATTERNS = [
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b/,
  /Could not resolve host|Temporary failure in name resolution|Name or service not known/i,
  /Failed to establish a new connection|Network is unreachable|Connection refused|Connection reset/i,
  /dial tcp .*(i\/o timeout|connection refused|no such host)/,
  /\b50[234] (Bad Gateway|Service Unavailable|Gateway Timeout)\b/,
];

/** What the environment phase knows about a failed install. */
export interface FailureFacts {
  exitCode: number;
  timedOut: boolean;
  /** The install log's tail. */
  log: string;
  /** Hosts the egress proxy refused during the install (from its access log). */
  refusedHosts: readonly string[];
  /** Allowed hosts the egress proxy could not reach (its connection failed: 5xx in its access log). */
  unreachableHosts?: readonly string[];
  timeoutMs: number;
}

/**
 * Names what went wrong in a failed install, and says what to do, from its log and the egress proxy's refusals.
 * Order: the time limit; a TLS failure (the usual cause behind a TLS-intercepting proxy: the host's CA bundle is
 * not configured); a refused host (not on the allowlist); an unreachable registry (named when the proxy's log
 * shows which); else the command itself.
 */
export function classifyFailure(facts: FailureFacts): { problem: EnvironmentProblem; message: string } {
  if (facts.timedOut) {
    return {
      problem: "timeout",
      message: `The install ran past its time limit of ${Math.round(facts.timeoutMs / 1000)} s and was stopped (raise environment.timeoutMs, or check the log for a stalled download).`,
    };
  }
  const tls = TLS_PATTERNS.find((pattern) => pattern.test(facts.log));
  if (tls) {
    const match = tls.exec(facts.log)?.[0] ?? "certificate error";
    return {
      problem: "tls",
      message: `A registry's TLS certificate could not be verified (${match}): behind a TLS-intercepting proxy, give Tanuki the proxy's CA bundle (TANUKI_CA_BUNDLE, NODE_EXTRA_CA_CERTS or SSL_CERT_FILE).`,
    };
  }
  if (facts.refusedHosts.length > 0) {
    const hosts = [...new Set(facts.refusedHosts)].slice(0, 5).join(", ");
    return {
      problem: "blocked-host",
      message: `The egress proxy refused ${hosts}: only package registries are reachable during the install (add a host to environment.allowHosts if it is one).`,
    };
  }
  const unreachable = [...new Set(facts.unreachableHosts ?? [])].slice(0, 5);
  if (unreachable.length > 0) {
    return {
      problem: "network",
      message: `The egress proxy could not reach ${unreachable.join(", ")} (the connection failed): check the host's network and upstream proxy (HTTPS_PROXY), or point the install at a registry mirror (TANUKI_NPM_REGISTRY, TANUKI_PIP_INDEX_URL, TANUKI_GOPROXY).`,
    };
  }
  if (NETWORK_PATTERNS.some((pattern) => pattern.test(facts.log))) {
    return {
      problem: "network",
      message:
        "A registry could not be reached (name resolution or connection failed): check the host's network and upstream proxy (HTTPS_PROXY).",
    };
  }
  return { problem: "command", message: `The install command failed with exit code ${facts.exitCode}.` };
}

/**
 * Hosts the egress proxy refused, from its access log (`… TCP_DENIED/403 CONNECT host:443` or
 * `… TCP_DENIED/403 GET http://host/…`, the `tanuki` logformat of squid-config.ts).
 */
export function refusedHostsOf(accessLog: string): string[] {
  return hostsOf(accessLog, /\bTCP_DENIED\/\d{3} (\S+) (\S+)/);
}

/**
 * Hosts the egress proxy was allowed to reach but could not (its connection failed or the server was
 * unreachable: `… NONE_NONE/500 CONNECT pypi.org:443`, `… TCP_MISS/502 GET http://host/…`).
 */
export function unreachableHostsOf(accessLog: string): string[] {
  return hostsOf(accessLog, /\b[A-Z_]+\/50[0234] (\S+) (\S+)/);
}

/** Target hosts of the access log lines `pattern` matches (method in group 1, URL or host:port in group 2). */
function hostsOf(accessLog: string, pattern: RegExp): string[] {
  const hosts: string[] = [];
  for (const line of accessLog.split("\n")) {
    const match = pattern.exec(line);
    if (!match?.[2]) continue;
    const target = match[1] === "CONNECT" ? match[2].replace(/:\d+$/, "") : /^\w+:\/\/([^/:]+)/.exec(match[2])?.[1];
    if (target && !hosts.includes(target)) hosts.push(target);
  }
  return hosts;
}
