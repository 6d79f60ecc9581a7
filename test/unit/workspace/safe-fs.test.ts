import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PathPolicyError } from "../../../src/core/errors.js";
import { SafeTree } from "../../../src/workspace/safe-fs.js";

describe("SafeTree (host access to a tree the sandbox may have written)", () => {
  let base: string;
  let root: string;
  let outside: string;
  let tree: SafeTree;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), "tanuki-safe-fs-"));
    root = join(base, "tree");
    outside = join(base, "outside");
    await mkdir(join(root, "src"), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, "secret.txt"), "host secret\n");
    await writeFile(join(root, "src", "a.py"), "a = 1\n");
    tree = await SafeTree.open(root);
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it("reads and writes regular files, creating missing folders", async () => {
    expect(await tree.read("src/a.py")).toEqual({ content: "a = 1\n", size: 6, truncated: false });
    await tree.write("src/a.py", "a = 2\n");
    await tree.write("new/deep/b.py", "b\n");
    expect(await readFile(join(root, "src", "a.py"), "utf8")).toBe("a = 2\n");
    expect(await readFile(join(root, "new", "deep", "b.py"), "utf8")).toBe("b\n");
    expect(await tree.read("missing.py")).toBeUndefined();
    expect(await tree.read("nope/missing.py")).toBeUndefined();
  });

  it("caps a read at maxBytes and says so", async () => {
    await writeFile(join(root, "big.txt"), "x".repeat(10_000));
    expect(await tree.read("big.txt", 100)).toEqual({ content: "x".repeat(100), size: 10_000, truncated: true });
  });

  it("never reads or writes through a symlink, as the last component or a folder on the way", async () => {
    await symlink(join(outside, "secret.txt"), join(root, "link.txt"));
    await symlink(outside, join(root, "linkdir"));
    await expect(tree.read("link.txt")).rejects.toBeInstanceOf(PathPolicyError);
    await expect(tree.read("linkdir/secret.txt")).rejects.toBeInstanceOf(PathPolicyError);
    await expect(tree.write("link.txt", "pwned\n")).rejects.toBeInstanceOf(PathPolicyError);
    await expect(tree.write("linkdir/secret.txt", "pwned\n")).rejects.toBeInstanceOf(PathPolicyError);
    await expect(tree.write("linkdir/new.txt", "pwned\n")).rejects.toBeInstanceOf(PathPolicyError);
    expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("host secret\n");
    expect(await tree.kind("link.txt")).toBe("symlink");
    await tree.remove("link.txt");
    expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("host secret\n");
  });

  it("refuses a FIFO without blocking, and folders", async () => {
    execFileSync("mkfifo", [join(root, "pipe")]);
    await expect(tree.read("pipe")).rejects.toBeInstanceOf(PathPolicyError);
    await expect(tree.write("pipe", "x")).rejects.toBeInstanceOf(PathPolicyError);
    await expect(tree.read("src")).rejects.toBeInstanceOf(PathPolicyError);
    expect(await tree.kind("pipe")).toBe("other");
  });

  it("refuses paths that climb out or are empty", async () => {
    await expect(tree.read("../outside/secret.txt")).rejects.toBeInstanceOf(PathPolicyError);
    await expect(tree.write("", "x")).rejects.toBeInstanceOf(PathPolicyError);
  });
});
