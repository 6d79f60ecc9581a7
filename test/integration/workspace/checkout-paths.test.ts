import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { GitWorkspaceProvider } from "../../../src/workspace/git-workspace.js";
import type { Workspace } from "../../../src/workspace/workspace.js";

function git(cwd: string, ...args: string[]): string {
  const identity = ["-c", "user.name=User", "-c", "user.email=user@example.com", "-c", "commit.gpgsign=false"];
  return execFileSync("git", [...identity, ...args], { cwd, encoding: "utf8" }).trim();
}

let temp: string;
let ws: Workspace;

beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), "tanuki-checkout-paths-"));
  const repo = join(temp, "repo");
  await mkdir(join(repo, "tests"), { recursive: true });
  git(repo, "init", "-q", "-b", "main");
  await writeFile(join(repo, "calc.py"), "x = 1\n");
  await writeFile(join(repo, "tests", "test_calc.py"), "def test_x():\n    assert True\n");
  await writeFile(join(repo, "tests", "data.bin"), Buffer.from([0, 255, 1, 254]));
  await writeFile(join(repo, ":weird"), "magic\n");
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "base");
  ws = await new GitWorkspaceProvider().open(repo, { workRoot: join(temp, "work") });
});
afterEach(async () => {
  await ws.dispose();
  await rm(temp, { recursive: true, force: true });
});

it("checkoutPaths puts back the base version of named files, bytes exactly, removes files new since, leaves the rest", async () => {
  await writeFile(join(ws.dir, "calc.py"), "x = 2\n");
  await writeFile(join(ws.dir, "tests", "test_calc.py"), "def test_x():\n    return\n");
  await writeFile(join(ws.dir, "tests", "data.bin"), "text now");
  await writeFile(join(ws.dir, "tests", "conftest.py"), "collect_ignore = ['test_calc.py']\n");
  await writeFile(join(ws.dir, ":weird"), "changed\n");

  await ws.checkoutPaths(ws.baseSha, ["tests/test_calc.py", "tests/data.bin", "tests/conftest.py", ":weird"]);

  expect(await readFile(join(ws.dir, "tests", "test_calc.py"), "utf8")).toContain("assert True");
  expect([...(await readFile(join(ws.dir, "tests", "data.bin")))]).toEqual([0, 255, 1, 254]);
  expect(await ws.readFile("tests/conftest.py")).toBeUndefined();
  expect(await readFile(join(ws.dir, ":weird"), "utf8")).toBe("magic\n");
  expect(await readFile(join(ws.dir, "calc.py"), "utf8")).toBe("x = 2\n");
  expect(await ws.changedFiles()).toEqual(["calc.py"]);
});

it("never writes through a folder the sandbox replaced with a symlink", async () => {
  const outside = join(temp, "outside");
  await mkdir(outside);
  await rm(join(ws.dir, "tests"), { recursive: true });
  await symlink(outside, join(ws.dir, "tests"));

  await ws.checkoutPaths(ws.baseSha, ["tests/test_calc.py"]).catch(() => undefined);

  expect(execFileSync("ls", ["-A", outside], { encoding: "utf8" })).toBe("");
});
