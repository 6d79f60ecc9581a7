import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Dockerode from "dockerode";

const exec = promisify(execFile);

/** The default bridge's gateway: the address containers (the egress proxy) reach the host by. */
export async function bridgeGateway(): Promise<string> {
  const info = await new Dockerode().getNetwork("bridge").inspect();
  const config = (info as { IPAM?: { Config?: Array<{ Gateway?: string; Subnet?: string }> } }).IPAM?.Config?.[0];
  if (config?.Gateway) return config.Gateway;
  // Without an explicit gateway Docker gives the bridge the subnet's first address (172.17.0.0/16 → 172.17.0.1).
  const network = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\//.exec(config?.Subnet ?? "");
  if (!network) throw new Error("the bridge network has no IPv4 subnet");
  return `${network[1]}.${network[2]}.${network[3]}.${Number(network[4]) + 1}`;
}

/** An HTTP server of the test on all interfaces, with the requests it received. */
export interface LocalServer {
  url: (host: string) => string;
  port: number;
  requests: string[];
  close(): Promise<void>;
}

/** Key and certificate (PEM) of an HTTPS server. */
export interface TlsIdentity {
  key: string;
  cert: string;
}

/**
 * A self-signed certificate for `name` (subjectAltName DNS, or IP for an address), made with the openssl CLI: the kind of certificate a
 * TLS-intercepting proxy presents, which no image trusts until its CA is configured.
 */
export async function selfSignedCertificate(name: string): Promise<TlsIdentity> {
  const dir = await mkdtemp(join(tmpdir(), "tanuki-tls-"));
  try {
    await exec("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=tanuki-test-registry",
      "-addext",
      `subjectAltName=${/^[\d.]+$/.test(name) ? "IP" : "DNS"}:${name}`,
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ]);
    return { key: await readFile(join(dir, "key.pem"), "utf8"), cert: await readFile(join(dir, "cert.pem"), "utf8") };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function serve(
  route: (path: string) => { type: string; body: Buffer } | undefined,
  tls?: TlsIdentity,
): Promise<LocalServer> {
  const requests: string[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.url ?? "");
    const found = route(decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/"));
    if (!found) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": found.type, "content-length": found.body.length }).end(found.body);
  };
  const server: Server = tls ? createHttpsServer(tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (host) => `${tls ? "https" : "http"}://${host}:${port}/`,
    port,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A tiny npm registry: one package `name@1.0.0` (an `index.js` exporting `answer`), its packument at `/<name>`
 * and its tarball (made with `npm pack`, offline) at `/<name>/-/<name>-1.0.0.tgz`. `host` is the name the install
 * reaches the registry by (written into the packument's tarball URL). With `tls`, it serves HTTPS with that identity.
 */
export async function startNpmRegistry(
  name: string,
  answer: number,
  host: string,
  tls?: TlsIdentity,
): Promise<LocalServer> {
  const dir = await mkdtemp(join(tmpdir(), "tanuki-npm-pkg-"));
  try {
    await writeFile(join(dir, "package.json"), JSON.stringify({ name, version: "1.0.0", main: "index.js" }));
    await writeFile(join(dir, "index.js"), `module.exports = { answer: ${answer} };\n`);
    const { stdout } = await exec("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: dir });
    const tarball = await readFile(join(dir, stdout.trim().split("\n").at(-1) ?? ""));
    const file = `${name}-1.0.0.tgz`;
    let packument: Buffer | undefined;
    const server = await serve((path) => {
      if (path === `/${name}`) return { type: "application/json", body: packument ?? Buffer.from("{}") };
      if (path === `/${name}/-/${file}`) return { type: "application/octet-stream", body: tarball };
      return undefined;
    }, tls);
    packument = Buffer.from(
      JSON.stringify({
        name,
        "dist-tags": { latest: "1.0.0" },
        versions: {
          "1.0.0": {
            name,
            version: "1.0.0",
            main: "index.js",
            dist: {
              tarball: `${server.url(host)}${name}/-/${file}`,
              shasum: createHash("sha1").update(tarball).digest("hex"),
              integrity: `sha512-${createHash("sha512").update(tarball).digest("base64")}`,
            },
          },
        },
      }),
    );
    return server;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A tiny Python package index (PEP 503 simple API): one pure-Python wheel `name==1.0.0` (module `name` with
 * `ANSWER = answer`), built in the test with python3's zipfile, at `/simple/<name>/`.
 */
export async function startPythonIndex(name: string, answer: number): Promise<LocalServer> {
  const dir = await mkdtemp(join(tmpdir(), "tanuki-wheel-"));
  try {
    const wheelName = `${name}-1.0.0-py3-none-any.whl`;
    const script = `
import zipfile, sys
name, answer, out = sys.argv[1], sys.argv[2], sys.argv[3]
info = f"{name}-1.0.0.dist-info"
with zipfile.ZipFile(out, "w") as z:
    z.writestr(f"{name}/__init__.py", f"ANSWER = {answer}\\n")
    z.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\\nName: {name}\\nVersion: 1.0.0\\n")
    z.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\\nGenerator: tanuki-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
    z.writestr(f"{info}/RECORD", "")
`;
    await mkdir(dir, { recursive: true });
    await exec("python3", ["-c", script, name, String(answer), join(dir, wheelName)]);
    const wheel = await readFile(join(dir, wheelName));
    const sha = createHash("sha256").update(wheel).digest("hex");
    const page = Buffer.from(
      `<!DOCTYPE html><html><body><a href="/files/${wheelName}#sha256=${sha}">${wheelName}</a></body></html>`,
    );
    // PEP 503: clients ask for the normalized name (lower case, runs of `-_.` as one `-`).
    const normalized = name.toLowerCase().replace(/[-_.]+/g, "-");
    return await serve((path) => {
      if (path === `/simple/${normalized}/` || path === `/simple/${normalized}`)
        return { type: "text/html", body: page };
      if (path === `/files/${wheelName}`) return { type: "application/octet-stream", body: wheel };
      return undefined;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
