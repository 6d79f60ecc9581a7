/**
 * The layer table of docs/ARCHITECTURE.md, enforced by `npm run lint` (dependency-cruiser).
 *
 * `LAYERS` lists, for each folder under src/, the other folders it may import. Anything else is an error. The rules
 * after it narrow some of those permissions to the port files (a layer may see another's interface, not its
 * implementation) and keep library adapters (model runtimes, Docker, Octokit, tree-sitter, HTTP servers) out of the
 * layers that must run on fakes. When a rule here and the table in docs/ARCHITECTURE.md disagree, fix both.
 */

/** folder under src/ → folders it may import (besides itself). Ordered bottom to top. */
const LAYERS = {
  core: [],
  config: ["core"],
  // One unified-diff parser (jsdiff) and the path globs of a change: pure functions over text.
  diff: ["core"],
  // Untrusted text: sanitising, fences, inert rendering, terminal text. Pure functions over strings that every layer
  // putting untrusted text into a prompt, on GitHub or on a terminal must share, so the layer sits low, beside core.
  intake: ["core"],
  llm: ["core", "config"],
  adapters: ["core", "config", "llm"],
  sandbox: ["core", "config"],
  workspace: ["core", "config"],
  environment: ["core", "config", "sandbox"],
  testing: ["core", "config", "sandbox"],
  context: ["core", "config", "intake", "testing", "workspace"],
  agents: ["core", "config", "intake", "llm"],
  loop: ["core", "config", "diff", "intake", "llm", "sandbox", "workspace", "environment", "testing", "context", "agents"],
  report: ["core", "loop"],
  github: ["core", "config", "intake", "workspace"],
  jobs: ["core", "config", "diff", "intake", "github"],
  eval: ["core", "config", "diff", "sandbox", "workspace", "testing", "loop", "environment"],
  compose: [
    "core", "config", "diff", "intake", "llm", "adapters", "sandbox", "workspace", "environment", "testing",
    "context", "agents", "loop", "report", "jobs", "mcp",
  ],
  serve: ["core", "config", "llm", "agents"],
  // The Agent Client Protocol adapter (an editor drives runs over stdio); the CLI hands it the engine.
  acp: ["core", "config", "diff", "intake"],
  // MCP both ways: Tanuki's use-cases as an MCP server (the CLI hands it the work) and a client of MCP servers
  // implementing core's ExternalTools port; HTTP through serve's listener and auth.
  // Repository-declared servers run in the job's sandbox (the Sandbox port) and are reached over the egress policy.
  mcp: ["core", "config", "intake", "loop", "serve", "sandbox", "environment"],
  doctor: ["core", "config", "llm", "adapters", "sandbox"],
  app: ["core", "config", "intake", "github", "jobs", "report", "compose"],
  action: ["core", "config", "intake", "github", "jobs", "report", "compose"],
  cli: [
    "core", "config", "diff", "intake", "llm", "adapters", "sandbox", "workspace", "environment", "testing",
    "context", "agents", "loop", "report", "github", "eval", "compose", "serve", "acp", "mcp", "doctor", "app",
  ],
};

const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => ({
  name: `layer-${layer}`,
  severity: "error",
  comment: `src/${layer} may import only ${allowed.length ? allowed.join(", ") : "nothing else in src"} (docs/ARCHITECTURE.md)`,
  from: { path: `^src/${layer}/` },
  to: { path: "^src/", pathNot: `^src/(${[layer, ...allowed].join("|")})/` },
}));

/** A rule: `from` may import only `file` of `file`'s folder. */
function onlyFile(name, comment, from, file) {
  const folder = file.slice(0, file.indexOf("/"));
  return {
    name,
    severity: "error",
    comment,
    from: { path: `^src/${from}/` },
    to: { path: `^src/${folder}/`, pathNot: `^src/${file.replace(/\./g, "\\.")}$` },
  };
}

/** Libraries that talk to the outside world; only the adapters that implement a port may load them. */
const ADAPTER_LIBRARIES =
  "^node_modules/(node-llama-cpp|openai|dockerode|probot|@octokit/rest|@octokit/core|web-tree-sitter|hono|@hono/node-server)/";

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "src-folders-are-layers",
      severity: "error",
      comment: "every folder under src/ is a layer of the table above (add a new one there and in docs/ARCHITECTURE.md)",
      from: { path: "^src/" },
      to: { path: `^src/`, pathNot: `^src/(${Object.keys(LAYERS).join("|")})/` },
    },
    {
      name: "loop-and-agents-over-ports",
      severity: "error",
      comment:
        "agents/ and loop/ see the model, the sandbox, the work copy, the environment and the explorer through their " +
        "ports (LoopDeps), never through an implementation: nothing they import, directly or not, loads a model " +
        "runtime, Docker, Octokit, tree-sitter, an HTTP server, or the file system",
      from: { path: "^src/(agents|loop)/" },
      to: {
        path: [ADAPTER_LIBRARIES, "^(node:)?(fs|fs/promises|child_process|net|http|https)$"],
        reachable: true,
      },
    },
    {
      name: "ports-of-lower-layers",
      severity: "error",
      comment:
        "agents/ and loop/ import only the port files of llm, sandbox, workspace and environment (types and the " +
        "port's errors); the implementations are wired in compose/",
      from: { path: "^src/(agents|loop)/" },
      to: {
        path: "^src/(llm|sandbox|workspace|environment)/",
        pathNot: "^src/(llm/chat-model|llm/structured-output-error|llm/context-overflow-error|sandbox/sandbox|workspace/workspace|environment/environment)\\.ts$",
      },
    },
    {
      name: "jobs-over-github-ports",
      severity: "error",
      comment:
        "the jobs layer talks to GitHub through GitHubPort and GitRemote (and renders with github/'s renderers); " +
        "the Octokit and git CLI implementations are built by the App and the Action",
      from: { path: "^src/jobs/" },
      to: { path: "^src/github/(octokit-github|git-remote|git-remote-cli)\\.ts$" },
    },
    {
      name: "jobs-no-adapter-libraries",
      severity: "error",
      comment: "the jobs layer runs on fakes in tests: no Probot, Octokit client, Docker or model runtime (webhook payload types are fine)",
      from: { path: "^src/jobs/" },
      to: { path: ADAPTER_LIBRARIES },
    },
    onlyFile(
      "one-git-runner",
      "github/ uses workspace/'s hardened git runner (run-git.ts), not the work copy's internals",
      "github",
      "workspace/run-git.ts",
    ),
    onlyFile(
      "context-reads-through-safe-fs",
      "context/ reads repository files through workspace/safe-fs.ts (no-follow, checked against the root: the files " +
        "are attacker-written); nothing else of workspace/",
      "context",
      "workspace/safe-fs.ts",
    ),
    onlyFile(
      "eval-environment-port",
      "eval/ builds task environments through the EnvironmentProvider port; the CLI hands it the Docker implementation",
      "eval",
      "environment/environment.ts",
    ),
    onlyFile("context-test-files-only", "context/ uses testing/'s one isTestFile, not the runners", "context", "testing/test-files.ts"),
    onlyFile(
      "testing-sandbox-port",
      "testing/ runs commands through the Sandbox port, never Docker directly",
      "testing",
      "sandbox/sandbox.ts",
    ),
    {
      name: "no-circular",
      severity: "error",
      comment: "import cycles hide which layer owns a concept",
      from: { path: "^src/" },
      to: { circular: true },
    },
  ],
  options: {
    // Type-only imports count: a layer that names another's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|test|bench)/" },
  },
};
