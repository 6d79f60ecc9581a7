import { describe, expect, it } from "vitest";
import { SandboxError } from "../../src/core/errors.js";
import { buildExecArgv, resolveSandboxCwd, toExecEnv } from "../../src/sandbox/exec-command.js";

describe("resolveSandboxCwd", () => {
  it("maps relative directories under /workspace", () => {
    expect(resolveSandboxCwd(undefined)).toBe("/workspace");
    expect(resolveSandboxCwd(".")).toBe("/workspace");
    expect(resolveSandboxCwd("pkg/a/../b")).toBe("/workspace/pkg/b");
  });

  it.each(["/etc", "..", "../workspace2", "a/../../x"])("refuses %s", (cwd) => {
    expect(() => resolveSandboxCwd(cwd)).toThrow(SandboxError);
  });
});

describe("toExecEnv", () => {
  it("formats KEY=value and refuses names a shell could not hold", () => {
    expect(toExecEnv({ A_1: "x=y" })).toEqual(["A_1=x=y"]);
    expect(() => toExecEnv({ "A=B": "x" })).toThrow(SandboxError);
    expect(() => toExecEnv({ "1A": "x" })).toThrow(SandboxError);
  });
});

describe("buildExecArgv", () => {
  it("passes the command and cwd as arguments, never spliced into the wrapper script", () => {
    const command = `echo "$1" '; rm -rf /'`;
    const argv = buildExecArgv({ command, cwd: "/workspace/a b" });
    expect(argv.at(-1)).toBe(command);
    expect(argv[2]).not.toContain(command);
    expect(argv).toContain("/workspace/a b");
    expect(argv).toContain("0022");
  });
});

describe("resolveSandboxCwd with another mount path", () => {
  it("resolves under that path and refuses to leave it", () => {
    expect(resolveSandboxCwd("pkg", "/testbed")).toBe("/testbed/pkg");
    expect(resolveSandboxCwd(undefined, "/testbed")).toBe("/testbed");
    expect(() => resolveSandboxCwd("../workspace", "/testbed")).toThrow(SandboxError);
  });
});
