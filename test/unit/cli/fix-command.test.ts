import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { describe, expect, it, vi } from "vitest";
import { runFixCommand } from "../../../src/cli/fix-command.js";
import { SandboxError } from "../../../src/core/errors.js";

function context(overrides: Partial<Parameters<typeof runFixCommand>[2]>) {
  return {
    cwd: "/",
    env: {},
    stdout: { write: () => {} },
    stderr: { write: () => {}, isTTY: false },
    ...overrides,
  };
}

describe("runFixCommand", () => {
  it("checks the sandbox image before it builds the engine (no model load when the image is missing)", async () => {
    const repo = await mkdtemp(`${tmpdir()}/tanuki-cli-`);
    const createEngine = vi.fn();
    const checkSandbox = vi.fn(async (image: string) => {
      throw new SandboxError(`sandbox image ${image} not found`, { code: "sandbox-image" });
    });

    await expect(
      runFixCommand(repo, { issue: "bug", image: "custom:1" }, context({ checkSandbox, createEngine, cwd: repo })),
    ).rejects.toMatchObject({ code: "sandbox-image" });
    expect(checkSandbox).toHaveBeenCalledWith("custom:1");
    expect(createEngine).not.toHaveBeenCalled();
  });

  it("rejects a missing repository path before anything else", async () => {
    const checkSandbox = vi.fn();
    await expect(runFixCommand("/does/not/exist", { issue: "bug" }, context({ checkSandbox }))).rejects.toThrow(
      /Repository not found/,
    );
    expect(checkSandbox).not.toHaveBeenCalled();
  });

  it("builds the engine with the backend of the environment it was given, not the process's", async () => {
    const repo = await mkdtemp(`${tmpdir()}/tanuki-cli-`);
    const createEngine = vi.fn(async () => {
      throw new SandboxError("stop here: the engine options were recorded");
    });
    const env = { TANUKI_BACKEND: "openai", TANUKI_OPENAI_BASE_URL: "http://gpu-box.invalid:8000/v1" };
    expect(process.env.TANUKI_OPENAI_BASE_URL).toBeUndefined();

    await expect(
      runFixCommand(
        repo,
        { issue: "bug", out: `${repo}/.out` },
        context({ checkSandbox: async () => {}, createEngine, cwd: repo, env }),
      ),
    ).rejects.toThrow(/stop here/);
    expect(createEngine).toHaveBeenCalledWith(
      expect.objectContaining({
        modelConfig: expect.objectContaining({ backend: "openai", baseUrl: "http://gpu-box.invalid:8000/v1" }),
      }),
    );
  });
});
