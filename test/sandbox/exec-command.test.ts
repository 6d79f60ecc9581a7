import { describe, expect, it } from "vitest";
import { SandboxError } from "../../src/core/errors.js";
import {
  buildExecArgv,
  isTimeoutExit,
  parseOomKills,
  resolveSandboxCwd,
  toExecEnv,
} from "../../src/sandbox/exec-command.js";

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
  it("passes the command as one argument, never spliced into the wrapper script", () => {
    const command = `echo "$1" '; rm -rf /'`;
    const argv = buildExecArgv({ command, cwd: "/workspace", timeoutMs: 1500, pidFile: "/tmp/p", umask: "0022" });
    expect(argv.at(-1)).toBe(command);
    expect(argv[2]).not.toContain(command);
    expect(argv).toContain("1.500");
  });
});

describe("isTimeoutExit / parseOomKills", () => {
  it("treats 124/137 as a timeout only once the cap has passed", () => {
    expect(isTimeoutExit(124, 3000, 3000)).toBe(true);
    expect(isTimeoutExit(137, 5100, 3000)).toBe(true);
    expect(isTimeoutExit(137, 200, 3000)).toBe(false);
    expect(isTimeoutExit(1, 9000, 3000)).toBe(false);
  });

  it("reads the oom_kill counter of cgroup v1 and v2", () => {
    expect(parseOomKills("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n")).toBe(3);
    expect(parseOomKills("low 0\nhigh 0\nmax 2\noom 1\noom_kill 1\n")).toBe(1);
    expect(parseOomKills("oom_kill_disable 0\nunder_oom 0\n")).toBeUndefined();
  });
});
