/**
 * Environment phase build time, cold (install through the egress proxy, then saved to the cache) vs cached (the
 * cached environment copied into a fresh work copy), for a Node.js fixture (npm install from a local registry)
 * and a Python fixture (pip into a venv from a local wheel index), both served by the bench itself. Also the
 * time of an environment with nothing to install (detection + image check). Each series: median, p90, min, max, n
 * (ms). The cache images it makes are removed at the end.
 *
 * Run alone: `npx tsx bench/environment-bench.ts` prints the JSON.
 */
import { pathToFileURL } from "node:url";
import type Dockerode from "dockerode";
import { listCachedEnvironments } from "../src/environment/environment-cache.js";
import { bridgeGateway, startNpmRegistry, startPythonIndex } from "../test/helpers/local-registries.js";
import { environmentTools, openRepo } from "../test/sandbox/environment-test-env.js";
import { type Series, summarize } from "./sandbox-bench.js";

const NODE_FILES = {
  "package.json": JSON.stringify({ name: "bench", version: "1.0.0", dependencies: { "tanuki-bench-answer": "1.0.0" } }),
};
const PYTHON_FILES = { "requirements.txt": "tanuki_bench_answer==1.0.0\n" };

/** Measures `iterations` cold and cached builds of one fixture; every cold build gets its own cache scope. */
async function coldVsCached(
  files: Record<string, string>,
  config: Record<string, unknown>,
  iterations: number,
): Promise<{ coldMs: Series; cachedMs: Series }> {
  const tools = environmentTools();
  const cold: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const scope = `bench-${Date.now()}-${i}`;
    for (const [series, expectCached] of [
      [cold, false],
      [cached, true],
    ] as const) {
      const repo = await openRepo(files);
      try {
        const started = performance.now();
        const outcome = await tools.prepare(repo.workspace, config, { scope });
        const ms = performance.now() - started;
        if (!outcome.ok || outcome.report.cached !== expectCached) {
          throw new Error(`unexpected environment: ${JSON.stringify(outcome.report).slice(0, 500)}`);
        }
        series.push(ms);
      } finally {
        await repo.cleanup();
      }
    }
  }
  return { coldMs: summarize(cold), cachedMs: summarize(cached) };
}

/** The benchmark: Node and Python cold vs cached, and an environment with nothing to install. */
export async function benchEnvironment(options: { iterations?: number } = {}): Promise<Record<string, unknown>> {
  const iterations = options.iterations ?? 3;
  const gateway = await bridgeGateway();
  const npm = await startNpmRegistry("tanuki-bench-answer", 1, gateway);
  const pypi = await startPythonIndex("tanuki_bench_answer", 1);
  const tools = environmentTools();
  const before = new Set(await listCacheImages(tools.docker));
  try {
    const node = await coldVsCached(NODE_FILES, { npmRegistry: npm.url(gateway) }, iterations);
    const python = await coldVsCached(PYTHON_FILES, { pipIndexUrl: `${pypi.url(gateway)}simple/` }, iterations);
    const empty: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const repo = await openRepo({ "main.c": "int main(void) { return 0; }\n" });
      try {
        const started = performance.now();
        await tools.prepare(repo.workspace);
        empty.push(performance.now() - started);
      } finally {
        await repo.cleanup();
      }
    }
    return { node, python, nothingToInstallMs: summarize(empty), iterations };
  } finally {
    await npm.close();
    await pypi.close();
    for (const image of await listCacheImages(tools.docker)) {
      if (!before.has(image))
        await tools.docker
          .getImage(image)
          .remove({ force: true })
          .catch(() => undefined);
    }
  }
}

async function listCacheImages(docker: Dockerode): Promise<string[]> {
  return (await listCachedEnvironments(docker)).map((entry) => entry.image);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(await benchEnvironment(), null, 2));
}
