import { z } from "zod";

/** Registry families whose hosts the egress proxy allows by default (see `REGISTRY_HOSTS` in src/environment). */
export const REGISTRY_FAMILIES = ["npm", "pypi", "crates", "go", "maven"] as const;
export const RegistryFamily = z.enum(REGISTRY_FAMILIES);
export type RegistryFamily = z.infer<typeof RegistryFamily>;

/**
 * A host the egress proxy may reach: `name`, `name:port`, or `.domain` (the domain and every name under it).
 * Letters, digits, dots and dashes only: no scheme, no path, no wildcard other than the leading dot.
 */
export const AllowedHost = z
  .string()
  .max(253)
  .regex(
    /^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i,
    "a host name, host:port or .domain",
  );

const HttpUrl = z.url({ protocol: /^https?$/ });

/**
 * The environment phase: how a repository's dependencies are installed before its tests run (see
 * docs/environment.md). Install commands run in a container whose only way out is an allowlisting egress proxy;
 * everything after runs with no network.
 */
export const EnvironmentConfig = z
  .object({
    /** Registry families the egress proxy allows. Default: all of npm, PyPI, crates.io, the Go proxy, Maven Central. */
    registries: z.array(RegistryFamily).default([...REGISTRY_FAMILIES]),
    /** Further hosts the egress proxy allows (e.g. `services.gradle.org`). Private addresses stay refused. */
    allowHosts: z.array(AllowedHost).max(100).default([]),
    /**
     * npm registry mirror (npm `registry`). Its host is allowed through the proxy, even on a private address: it is
     * the operator's own mirror.
     */
    npmRegistry: HttpUrl.optional(),
    /** Python package index mirror (pip `index-url`, uv's default index); allowed like `npmRegistry`. */
    pipIndexUrl: HttpUrl.optional(),
    /** Go module proxy mirror (GOPROXY); allowed like `npmRegistry`. */
    goProxy: HttpUrl.optional(),
    /**
     * Host CA bundle (PEM) trusted inside the install container besides the image's own CAs: needed behind a
     * TLS-intercepting proxy. `none` disables it. Default: `NODE_EXTRA_CA_CERTS`, else `SSL_CERT_FILE`, else the
     * system bundle (/etc/ssl/certs/ca-certificates.crt or /etc/pki/tls/certs/ca-bundle.crt) when present.
     */
    caBundle: z.string().min(1).optional(),
    /** Upstream (parent) proxy the egress proxy goes through, from the host's HTTP(S)_PROXY / NO_PROXY. */
    upstreamProxy: z
      .object({ http: HttpUrl.optional(), https: HttpUrl.optional(), noProxy: z.string().max(4_000).optional() })
      .strict()
      .optional(),
    /** Wall-clock limit of all install commands together, ms. Default 20 minutes. */
    timeoutMs: z
      .number()
      .int()
      .min(10_000)
      .default(20 * 60_000),
    /** Memory cap of the install container, bytes. Default 2 GiB (installers and compilers need more than tests). */
    memoryBytes: z
      .number()
      .int()
      .min(128 * 1024 * 1024)
      .default(2 * 1024 * 1024 * 1024),
    /** Image of the egress proxy (built by scripts/build-env-images.sh). */
    egressImage: z.string().min(1).default("tanuki-egress:latest"),
    /** Image the install and the tests run in, replacing detection (a repository's own, or a devcontainer's). */
    image: z.string().min(1).max(300).optional(),
    /** Dockerfile (repository-relative) built as that image; its RUN steps reach only the registries. */
    dockerfile: z.string().min(1).max(300).optional(),
    /** Whether a repository may name its own image or Dockerfile (tanuki.yml, devcontainer.json). Default true. */
    allowRepoImages: z.boolean().default(true),
    /** Cache of built environments, as images keyed by image + commands + lockfiles/manifests. */
    cache: z
      .object({
        enabled: z.boolean().default(true),
        /** Size budget of all cached environments together, bytes; the least recently used go first. Default 20 GiB. */
        maxBytes: z
          .number()
          .int()
          .min(0)
          .default(20 * 1024 ** 3),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type EnvironmentConfig = z.infer<typeof EnvironmentConfig>;

/**
 * The operator's environment defaults from a process environment: upstream proxy (`HTTPS_PROXY`, `HTTP_PROXY`,
 * `NO_PROXY`, either case) and CA bundle (`TANUKI_CA_BUNDLE`, else `NODE_EXTRA_CA_CERTS`, else `SSL_CERT_FILE`);
 * mirrors from `TANUKI_NPM_REGISTRY`, `TANUKI_PIP_INDEX_URL`, `TANUKI_GOPROXY`. Unset or empty values are left out.
 */
export function environmentFromProcessEnv(env: NodeJS.ProcessEnv): Partial<z.input<typeof EnvironmentConfig>> {
  const get = (...names: string[]) => names.map((name) => env[name]?.trim()).find((value) => value);
  // curl and most tools accept `host:port` without a scheme; the proxy settings here want a URL.
  const withScheme = (value: string | undefined) =>
    value === undefined || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  const upstream = {
    http: withScheme(get("HTTP_PROXY", "http_proxy")),
    https: withScheme(get("HTTPS_PROXY", "https_proxy")),
    noProxy: get("NO_PROXY", "no_proxy"),
  };
  const defined = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const proxy = defined(upstream);
  return defined({
    upstreamProxy: proxy.http || proxy.https ? proxy : undefined,
    caBundle: get("TANUKI_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE"),
    npmRegistry: get("TANUKI_NPM_REGISTRY"),
    pipIndexUrl: get("TANUKI_PIP_INDEX_URL"),
    goProxy: get("TANUKI_GOPROXY"),
  });
}
