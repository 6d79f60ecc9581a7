import type { EnvironmentConfig, RegistryFamily } from "../config/environment-config.js";

/** Hosts of each registry family: what the egress proxy lets an install reach by default. */
export const REGISTRY_HOSTS: Readonly<Record<RegistryFamily, readonly string[]>> = {
  npm: ["registry.npmjs.org", "registry.yarnpkg.com"],
  pypi: ["pypi.org", "files.pythonhosted.org"],
  crates: ["crates.io", "static.crates.io", "index.crates.io"],
  go: ["proxy.golang.org", "sum.golang.org"],
  maven: ["repo.maven.apache.org", "repo1.maven.org"],
};

/** A host:port the operator named as a mirror: allowed even on a private address. */
export interface MirrorEndpoint {
  host: string;
  port: number;
}

/** What the egress proxy allows; see {@link egressPolicyFor}. */
export interface EgressPolicy {
  /** Names (`pypi.org`) and domains (`.example.org`) reachable on ports 80 and 443, public addresses only. */
  hosts: string[];
  /** Further `host:port` pairs from `allowHosts`, public addresses only. */
  hostPorts: MirrorEndpoint[];
  /** The operator's mirrors (npm registry, pip index, Go proxy): reachable even on a private address. */
  mirrors: MirrorEndpoint[];
}

/** Host and port of an http(s) URL (default ports 80/443); IPv6 brackets removed. */
export function endpointOf(url: string): MirrorEndpoint {
  const parsed = new URL(url);
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === "https:" ? 443 : 80;
  return { host: parsed.hostname.replace(/^\[|\]$/g, "").toLowerCase(), port };
}

/**
 * The egress policy of an environment: the registry families' hosts, the extra allowed hosts, and the operator's
 * mirrors. Pure; the proxy's configuration is rendered from it (see `renderSquidConfig`).
 *
 * @param extraHosts  hosts a repository asked for (`.github/tanuki.yml`), added to the operator's `allowHosts`
 */
export function egressPolicyFor(config: EnvironmentConfig, extraHosts: readonly string[] = []): EgressPolicy {
  const hosts = new Set<string>();
  const hostPorts: MirrorEndpoint[] = [];
  for (const family of config.registries) for (const host of REGISTRY_HOSTS[family]) hosts.add(host);
  for (const entry of [...config.allowHosts, ...extraHosts]) {
    const [host = "", port] = entry.toLowerCase().split(":");
    if (port) hostPorts.push({ host, port: Number(port) });
    else hosts.add(host);
  }
  const mirrors = [config.npmRegistry, config.pipIndexUrl, config.goProxy]
    .filter((url): url is string => url !== undefined)
    .map(endpointOf);
  return { hosts: [...hosts].sort(), hostPorts, mirrors };
}
