import { describe, expect, it } from "vitest";
import { EnvironmentConfig, environmentFromProcessEnv } from "../../../src/config/environment-config.js";
import { classifyFailure, refusedHostsOf, unreachableHostsOf } from "../../../src/environment/classify-failure.js";
import { egressPolicyFor } from "../../../src/environment/egress-policy.js";
import { parentProxyOf, renderSquidConfig } from "../../../src/environment/squid-config.js";

describe("egress policy and squid.conf", () => {
  it("allows the registries, refuses private ranges after the operator's mirrors, and denies everything else", () => {
    const config = EnvironmentConfig.parse({
      npmRegistry: "http://172.17.0.1:4873/",
      allowHosts: ["services.gradle.org", "x.example:8443"],
    });
    const conf = renderSquidConfig(egressPolicyFor(config));
    const order = [
      "mirror_0_host dst 172.17.0.1",
      "http_access deny private_dst",
      "allowed_0_host",
      "acl registries",
      "http_access deny all",
    ];
    const positions = order.map((needle) => conf.indexOf(needle));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(conf).toContain("169.254.0.0/16");
    expect(conf).toMatch(/acl registries dstdomain -n .*registry\.npmjs\.org.*services\.gradle\.org/);
    expect(conf).not.toContain("cache_peer");
  });

  it("goes through the host's upstream proxy except for NO_PROXY names", () => {
    const parent = parentProxyOf("http://user:p%40ss@proxy.corp:8080", "localhost,.corp.example, *");
    expect(parent).toEqual({
      host: "proxy.corp",
      port: 8080,
      login: "user:p@ss",
      noProxy: ["localhost", ".corp.example"],
    });
    const conf = renderSquidConfig(egressPolicyFor(EnvironmentConfig.parse({})), parent);
    expect(conf).toContain(
      "cache_peer proxy.corp parent 8080 0 no-query no-digest default name=upstream login=user:p%40ss",
    );
    expect(conf).toContain("never_direct allow !no_proxy");
  });

  it("refuses values that could inject squid.conf lines", () => {
    expect(() => renderSquidConfig({ hosts: ["a.org\nhttp_access allow all"], hostPorts: [], mirrors: [] })).toThrow();
    expect(EnvironmentConfig.safeParse({ allowHosts: ["evil host"] }).success).toBe(false);
  });

  it("reads the operator's proxy, CA bundle and mirrors from the process environment", () => {
    expect(
      environmentFromProcessEnv({
        https_proxy: "http://p:3128",
        NO_PROXY: "corp",
        NODE_EXTRA_CA_CERTS: "/ca.pem",
        TANUKI_NPM_REGISTRY: "",
      }),
    ).toEqual({ upstreamProxy: { https: "http://p:3128", noProxy: "corp" }, caBundle: "/ca.pem" });
  });
});

describe("classifyFailure", () => {
  const base = { exitCode: 1, timedOut: false, refusedHosts: [], timeoutMs: 60_000 };
  it("names a TLS failure as such, before anything else", () => {
    const result = classifyFailure({
      ...base,
      log: "npm error code UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
      refusedHosts: ["x.org"],
    });
    expect(result.problem).toBe("tls");
    expect(result.message).toContain("UNABLE_TO_GET_ISSUER_CERT_LOCALLY");
  });
  it("names the hosts the proxy refused, then network failures, then the command", () => {
    expect(classifyFailure({ ...base, log: "403", refusedHosts: ["github.com"] }).message).toContain("github.com");
    expect(classifyFailure({ ...base, log: "getaddrinfo EAI_AGAIN registry" }).problem).toBe("network");
    expect(classifyFailure({ ...base, log: "syntax error" }).problem).toBe("command");
    expect(classifyFailure({ ...base, log: "", timedOut: true }).problem).toBe("timeout");
  });
  it("reads refused hosts from the proxy's access log", () => {
    const log =
      "1.0 172.18.0.3 TCP_DENIED/403 CONNECT github.com:443\n1.1 172.18.0.3 TCP_TUNNEL/200 CONNECT pypi.org:443\n1.2 172.18.0.3 TCP_DENIED/403 GET http://169.254.169.254/latest\n";
    expect(refusedHostsOf(log)).toEqual(["github.com", "169.254.169.254"]);
  });
  it("names the allowed hosts the proxy could not reach", () => {
    const log =
      "1.0 172.18.0.3 NONE_NONE/500 CONNECT pypi.org:443\n1.1 172.18.0.3 TCP_MISS/502 GET http://files.example.org/x\n1.2 172.18.0.3 TCP_TUNNEL/200 CONNECT registry.npmjs.org:443\n";
    const hosts = unreachableHostsOf(log);
    expect(hosts).toEqual(["pypi.org", "files.example.org"]);
    const result = classifyFailure({ ...base, log: "ProxyError('Cannot connect to proxy.')", unreachableHosts: hosts });
    expect(result.problem).toBe("network");
    expect(result.message).toContain("pypi.org, files.example.org");
  });
});
