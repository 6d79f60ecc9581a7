import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readIssueArgument } from "../../../src/cli/read-issue.js";
import { UsageError } from "../../../src/core/errors.js";

describe("readIssueArgument", () => {
  it("uses a one-line issue as both title and body", async () => {
    const issue = await readIssueArgument("divide() raises ZeroDivisionError", "/");
    expect(issue).toEqual({ title: "divide() raises ZeroDivisionError", body: "divide() raises ZeroDivisionError" });
  });

  it("reads @file, taking the first non-empty line (heading marker removed) as the title", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tanuki-issue-"));
    await writeFile(join(dir, "issue.md"), "\n# Crash on empty input\r\n\r\nSteps:\n1. run it\n");
    const issue = await readIssueArgument("@issue.md", dir);
    expect(issue.title).toBe("Crash on empty input");
    expect(issue.body).toBe("Steps:\n1. run it");
  });

  it("rejects empty text and unreadable files with a UsageError", async () => {
    await expect(readIssueArgument("  \n ", "/")).rejects.toBeInstanceOf(UsageError);
    await expect(readIssueArgument("@does-not-exist.md", "/")).rejects.toThrow(/Cannot read the issue file/);
  });
});
