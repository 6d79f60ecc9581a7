import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, expect, it } from "vitest";
import { RunConfig } from "../../src/config/run-config.js";
import { runFix } from "../../src/loop/run-fix.js";
import { ScriptedModel } from "../helpers/scripted-model.js";
import { jobContainers, realDeps } from "../integration/loop/docker-loop-env.js";
import { describeWithSandbox, TEST_SANDBOX_IMAGE } from "../sandbox/sandbox-test-env.js";
import { CALC_PY, FIX_EDIT, ISSUE, TEST_CALC_PY } from "../unit/loop/fixtures/buggy-python-repo.js";
import { baseScript } from "../unit/loop/run-fix-harness.js";

const run = promisify(execFile);

const describeDocker = await describeWithSandbox();

/**
 * A conftest.py that attacks the host from inside the sandbox, the moment pytest starts (so on the base run,
 * before any model call). HOST_DIR is a folder on the HOST (it does not exist in the container: the sandbox's
 * /tmp is its own tmpfs), so a file appearing there proves a command ran on the host.
 *
 * 1. Plants a `.git` in the work tree whose config makes any git run in it execute a command (fsmonitor, a clean
 *    filter with a .gitattributes line, an external diff, a hook path), and the same in a nested `sub/.git`.
 * 2. Starts a setsid daemon that keeps swapping calc.py for a symlink to a host file and back, and links a folder
 *    to the host folder: a host-side read would quote the host file; a write would land in it.
 * 3. Leaves a setuid copy of a shell script.
 */
function hostileConftest(hostDir: string): string {
  const pwn = (name: string) => `touch ${hostDir}/${name}`;
  return `import os, shutil, subprocess

PLANTED = """[core]
\\tfsmonitor = ${pwn("fsmonitor")}
\\thooksPath = hooks
[filter "evil"]
\\tclean = ${pwn("filter")}
\\tsmudge = ${pwn("filter")}
[diff]
\\texternal = ${pwn("diff")}
[include]
\\tpath = ../evil.cfg
"""


def plant(root):
    git = os.path.join(root, ".git")
    if os.path.isdir(git):
        # Renaming needs write access to the parent only; then a copy with a hostile config takes its place.
        os.rename(git, git + "-orig")
        shutil.copytree(git + "-orig", git, symlinks=True)
    os.makedirs(os.path.join(root, ".git", "hooks"), exist_ok=True)
    if not os.path.exists(os.path.join(root, ".git", "HEAD")):
        with open(os.path.join(root, ".git", "HEAD"), "w") as f:
            f.write("ref: refs/heads/main\\n")
    os.makedirs(os.path.join(root, ".git", "objects"), exist_ok=True)
    os.makedirs(os.path.join(root, ".git", "refs", "heads"), exist_ok=True)
    with open(os.path.join(root, ".git", "config"), "w") as f:
        f.write(PLANTED)
    for hook in ("pre-commit", "post-checkout", "reference-transaction"):
        p = os.path.join(root, ".git", "hooks", hook)
        with open(p, "w") as f:
            f.write("#!/bin/sh\\n${pwn("hook")}\\n")
        os.chmod(p, 0o755)


for step in (lambda: plant("."), lambda: os.makedirs("sub", exist_ok=True), lambda: plant("sub")):
    try:
        step()
    except OSError:
        pass
with open(".gitattributes", "a") as f:
    f.write("* filter=evil diff=evil\\n")
with open("evil.cfg", "w") as f:
    f.write("[core]\\n\\tfsmonitor = ${pwn("include")}\\n")
if not os.path.lexists("hostlink"):
    os.symlink("${hostDir}", "hostlink")
with open("suid.sh", "w") as f:
    f.write("#!/bin/sh\\nid\\n")
os.chmod("suid.sh", 0o4755)
subprocess.Popen(
    ["setsid", "sh", "-c",
     "while :; do cp calc.py .calc.bak 2>/dev/null; ln -sfn ${hostDir}/secret.txt calc.py; sleep 0.01; "
     "rm -f calc.py; cp .calc.bak calc.py 2>/dev/null; sleep 0.01; done"],
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
`;
}

async function createHostileRepo(root: string, hostDir: string): Promise<string> {
  const repo = join(root, "repo");
  const files: Record<string, string> = {
    "calc.py": CALC_PY,
    "tests/test_calc.py": TEST_CALC_PY,
    "conftest.py": hostileConftest(hostDir),
    "pytest.ini": "[pytest]\ntestpaths = tests\n",
    ".gitignore": "__pycache__/\n.pytest_cache/\n",
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), content);
  }
  const git = (...args: string[]) =>
    run("git", ["-c", "user.name=Dev", "-c", "user.email=dev@example.com", ...args], { cwd: repo });
  await git("init", "-q", "-b", "main");
  await git("add", "-A");
  await git("commit", "-q", "-m", "calc");
  return repo;
}

describeDocker("a hostile repository against the real loop (real Docker, real git)", () => {
  let root: string;
  let workRoot: string;
  let hostDir: string;
  const SECRET = `host-secret-${process.pid}-${Date.now()}`;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "tanuki-sec-repo-"));
    workRoot = await mkdtemp(join(tmpdir(), "tanuki-sec-work-"));
    hostDir = await mkdtemp(join(tmpdir(), "tanuki-sec-host-"));
    await writeFile(join(hostDir, "secret.txt"), `${SECRET}\n`);
  });
  afterEach(async () => {
    for (const dir of [root, workRoot, hostDir]) await rm(dir, { recursive: true, force: true });
  });

  it("plants git config, hooks, filters and a symlink-swapping daemon: nothing runs or lands on the host", async () => {
    const repo = await createHostileRepo(root, hostDir);
    const script = baseScript();
    script["tanuki-coder"] = [{ explanation: "guard", edits: [FIX_EDIT] }];
    const model = new ScriptedModel(script);
    const { deps, trace } = realDeps(model, workRoot);
    const task = {
      id: `sec-hostile-${process.pid}-${Date.now()}`,
      kind: "fix" as const,
      repoPath: repo,
      issue: { ...ISSUE },
    };
    const config = RunConfig.parse({
      budgets: { maxAttempts: 1 },
      planCandidates: 2,
      sandbox: { image: TEST_SANDBOX_IMAGE },
    });

    const result = await runFix(task, config, deps);

    // No command ran on the host: none of the planted configs, hooks, filters or includes fired.
    expect(await readdir(hostDir)).toEqual(["secret.txt"]);
    // The host file was never written through the swapped symlink, and never quoted into a prompt or the trace.
    expect(await readFile(join(hostDir, "secret.txt"), "utf8")).toBe(`${SECRET}\n`);
    expect(JSON.stringify(trace.records)).not.toContain(SECRET);
    expect(JSON.stringify(model.calls)).not.toContain(SECRET);
    // The run ends normally (whatever its verdict): the attack is contained, not a crash.
    expect(result.error).toBeUndefined();
    // No container (so no daemon) of the job survives it.
    expect(await jobContainers(task.id)).toEqual([]);
    // The work copy is gone, and the user's repository holds no planted .git config or hooks.
    expect(await readdir(workRoot)).toEqual([]);
    expect(existsSync(join(repo, "sub"))).toBe(false);
    const { stdout: config2 } = await run("git", ["config", "--local", "--list"], { cwd: repo });
    expect(config2).not.toMatch(/fsmonitor|filter\.evil|hookspath|external/i);
  });
});
