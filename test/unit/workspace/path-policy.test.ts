import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkEditPath } from "../../../src/workspace/path-policy.js";
import type { PathPolicy } from "../../../src/workspace/workspace.js";

const open: PathPolicy = { allowWorkflows: false, allow: [], deny: [] };

let base: string;
let root: string;
let outside: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), "tanuki-policy-"));
  root = join(base, "repo");
  outside = join(base, "outside");
  await mkdir(join(root, "src", "inner"), { recursive: true });
  await mkdir(join(root, ".git"), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(join(root, "src", "a.ts"), "a");
  await writeFile(join(outside, "secret.txt"), "s");
  await symlink(outside, join(root, "linked-out"));
  await symlink(join(outside, "secret.txt"), join(root, "file-out.txt"));
  await symlink(join(root, "src"), join(root, "linked-in"));
  await symlink(join(root, ".git"), join(root, "git-alias"));
  await symlink(join(root, "missing-target"), join(root, "dangling"));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function reason(relPath: string, policy: PathPolicy = open): Promise<string> {
  const result = await checkEditPath(root, relPath, policy);
  if (result.ok) throw new Error(`expected ${relPath} to be refused, got ${result.absolute}`);
  return result.reason;
}

describe("checkEditPath", () => {
  it("accepts existing and new files inside the root and normalises the path", async () => {
    expect(await checkEditPath(root, "src/a.ts", open)).toEqual({
      ok: true,
      absolute: join(root, "src", "a.ts"),
      relative: "src/a.ts",
      resolved: "src/a.ts",
    });
    expect(await checkEditPath(root, "./new/deep//file.ts", open)).toEqual({
      ok: true,
      absolute: join(root, "new", "deep", "file.ts"),
      relative: "new/deep/file.ts",
      resolved: "new/deep/file.ts",
    });
  });

  it("refuses empty, absolute and backslash paths", async () => {
    expect(await reason("")).toMatch(/empty/);
    expect(await reason("   ")).toMatch(/empty/);
    expect(await reason("/etc/passwd")).toMatch(/absolute/);
    expect(await reason("C:/x.txt")).toMatch(/absolute/);
    expect(await reason("src\\..\\..\\x")).toMatch(/backslash/);
    expect(await reason("\\\\server\\share")).toMatch(/backslash/);
    expect(await reason(".")).toMatch(/root/);
  });

  it("refuses any '..' segment", async () => {
    expect(await reason("../outside/secret.txt")).toMatch(/\.\./);
    expect(await reason("src/../../x")).toMatch(/\.\./);
    expect(await reason("src/../a.ts")).toMatch(/\.\./);
  });

  it("refuses .git segments in any case and folder", async () => {
    expect(await reason(".git/config")).toMatch(/\.git/);
    expect(await reason(".GIT/hooks/pre-commit")).toMatch(/\.git/);
    expect(await reason("sub/.git/config")).toMatch(/\.git/);
    expect(await reason(".git")).toMatch(/\.git/);
    expect(await reason(".git./config")).toMatch(/\.git/);
    expect((await checkEditPath(root, ".gitignore", open)).ok).toBe(true);
    expect((await checkEditPath(root, "src/.github/x.yml", open)).ok).toBe(true);
  });

  it("refuses workflow files unless allowed", async () => {
    expect(await reason(".github/workflows/ci.yml")).toMatch(/workflow/);
    expect(await reason(".GitHub/Workflows/ci.yml")).toMatch(/workflow/);
    expect(await reason(".github/dependabot.yml")).toMatch(/controls Tanuki/);
    expect((await checkEditPath(root, ".github/dependabot.yml", { ...open, allowControlFiles: true })).ok).toBe(true);
    expect((await checkEditPath(root, ".github/workflows/ci.yml", { ...open, allowWorkflows: true })).ok).toBe(true);
  });

  it("applies allow globs when the list is non-empty", async () => {
    const policy = { ...open, allow: ["src/**", "*.md"] };
    expect((await checkEditPath(root, "src/deep/x.ts", policy)).ok).toBe(true);
    expect((await checkEditPath(root, "README.md", policy)).ok).toBe(true);
    expect(await reason("lib/x.ts", policy)).toMatch(/none of the allowed/);
    expect(await reason("docs/guide.md", policy)).toMatch(/none of the allowed/);
  });

  it("applies deny globs, also to dot files and after allow", async () => {
    const policy = { ...open, allow: ["src/**"], deny: ["**/*.lock", "src/generated/**", "**/.env*"] };
    expect(await reason("src/yarn.lock", policy)).toMatch(/denied.*\*\*\/\*\.lock/);
    expect(await reason("src/generated/api.ts", policy)).toMatch(/denied/);
    expect(await reason("src/.env.local", policy)).toMatch(/denied/);
    expect((await checkEditPath(root, "src/api.ts", policy)).ok).toBe(true);
  });

  it("refuses a symlinked folder or file that resolves outside the root", async () => {
    expect(await reason("linked-out/secret.txt")).toMatch(/outside the repository/);
    expect(await reason("linked-out/new/file.txt")).toMatch(/outside the repository/);
    expect(await reason("file-out.txt")).toMatch(/outside the repository/);
  });

  it("checks the resolved path of an in-repo symlink against the policy", async () => {
    expect(await checkEditPath(root, "linked-in/a.ts", open)).toMatchObject({ ok: true, relative: "linked-in/a.ts" });
    expect(await reason("git-alias/config")).toMatch(/\.git/);
    expect(await reason("linked-in/a.ts", { ...open, deny: ["src/**"] })).toMatch(/symlink.*src\/a\.ts.*denied/);
  });

  it("refuses dangling symlinks and folders", async () => {
    expect(await reason("dangling")).toMatch(/dangling/);
    expect(await reason("src/inner")).toMatch(/directory/);
  });
});
