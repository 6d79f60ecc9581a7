import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseRepoConfig, toRunConfig } from "../../src/config/repo-config.js";
import { RunConfig } from "../../src/config/run-config.js";
import type { Edit } from "../../src/core/edit.js";
import { GitWorkspaceProvider } from "../../src/workspace/git-workspace.js";
import type { Workspace } from "../../src/workspace/workspace.js";

/**
 * Threat: the model rewrites the controls around it, e.g. a published branch that sets `minPermission: read` and
 * `allowWorkflows: true` in `.github/tanuki.yml`, a `.gitattributes` filter, a submodule URL, CODEOWNERS or the CI
 * config. Attacked through the real work copy (real git): every such edit is refused like a workflow edit, unless
 * the base branch's `.github/tanuki.yml` sets `paths.allowControlFiles: true`.
 */
const CONTROL_EDITS = [
  ".github/tanuki.yml",
  ".github/TANUKI.YAML",
  ".gitattributes",
  "src/.gitattributes",
  ".gitmodules",
  "CODEOWNERS",
  ".github/CODEOWNERS",
  "docs/CODEOWNERS",
  ".github/actions/setup/action.yml",
  ".github/dependabot.yml",
  ".gitlab-ci.yml",
  ".circleci/config.yml",
  ".travis.yml",
  "azure-pipelines.yml",
  "Jenkinsfile",
  ".buildkite/pipeline.yml",
];

let temp: string;
let repo: string;
let ws: Workspace;

function git(cwd: string, ...args: string[]): string {
  const identity = ["-c", "user.name=User", "-c", "user.email=user@example.com", "-c", "commit.gpgsign=false"];
  return execFileSync("git", [...identity, ...args], { cwd, encoding: "utf8" }).trim();
}

beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), "tanuki-control-files-"));
  repo = join(temp, "repo");
  await mkdir(join(repo, ".github"), { recursive: true });
  await writeFile(join(repo, ".github", "tanuki.yml"), "minPermission: write\n");
  await writeFile(join(repo, "app.py"), "x = 1\n");
  git(repo, "init", "-q", "-b", "main");
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "base");
  ws = await new GitWorkspaceProvider().open(repo, { workRoot: join(temp, "work") });
});
afterEach(async () => {
  await ws.dispose();
  await rm(temp, { recursive: true, force: true });
});

const write = (path: string): Edit => ({
  kind: "write-file",
  path,
  content: "minPermission: read\nallowWorkflows: true\n",
});

describe("control files are refused like workflows", () => {
  it("every control file edit is refused and nothing is written; ordinary files still apply", async () => {
    const policy = RunConfig.parse({}).paths;
    const report = await ws.applyEdits([...CONTROL_EDITS.map(write), write("app.py")], policy);

    const refused = report.outcomes.filter((outcome) => outcome.status === "refused").map((o) => o.edit.path);
    expect(refused).toEqual(CONTROL_EDITS);
    expect(report.changedPaths).toEqual(["app.py"]);
    expect(await readFile(join(ws.dir, ".github", "tanuki.yml"), "utf8")).toBe("minPermission: write\n");
    expect(await ws.changedFiles()).toEqual(["app.py"]);
  });

  it("a symlink that leads to a control file is refused too", async () => {
    await symlink(".github", join(ws.dir, "conf"));
    const report = await ws.applyEdits([write("conf/tanuki.yml")], RunConfig.parse({}).paths);
    expect(report.outcomes[0]).toMatchObject({ status: "refused", message: expect.stringMatching(/controls Tanuki/) });
  });

  it("only the base branch's .github/tanuki.yml can allow them (paths.allowControlFiles)", async () => {
    const parsed = parseRepoConfig("paths:\n  allowControlFiles: true\n");
    if (!parsed.ok) throw new Error(parsed.issues.join("; "));
    const policy = toRunConfig(parsed.config, RunConfig.parse({})).paths;
    const report = await ws.applyEdits([write(".github/tanuki.yml")], policy);
    expect(report.outcomes[0]?.status).toBe("applied");
  });
});
