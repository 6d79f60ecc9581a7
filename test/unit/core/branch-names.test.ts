import { describe, expect, it } from "vitest";
import { branchNameFor, MAX_SLUG_CHARS, slugify, tanukiBranch } from "../../../src/core/branch-names.js";

describe("slugify", () => {
  it("makes git-safe slugs: ASCII, folded accents, single dashes, 'fix' when nothing is left", () => {
    expect(slugify("Division by zero crashes `calc`!")).toBe("division-by-zero-crashes-calc");
    expect(slugify("Crème brûlée  --  fix")).toBe("creme-brulee-fix");
    expect(slugify("***")).toBe("fix");
  });

  it("cuts long titles at a dash, within the limit", () => {
    const title = "a very long title that keeps going and going well past the limit of the slug for sure";
    const slug = slugify(title);
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_CHARS);
    expect(slug).not.toMatch(/-$/);
    expect(title.replace(/ /g, "-").startsWith(slug)).toBe(true);
    expect(slugify(title, 30).length).toBeLessThanOrEqual(30);
  });
});

describe("tanukiBranch and branchNameFor", () => {
  it("names every branch Tanuki makes under tanuki/", () => {
    const names = [
      tanukiBranch.issue({ number: 7, title: "Crash when the widget list is empty" }),
      tanukiBranch.untracked("Fix the bug"),
      tanukiBranch.pullRequestFix(12),
      tanukiBranch.checkFix(12, "ci / test (ubuntu)"),
      tanukiBranch.work("pr-12"),
      tanukiBranch.work("ci / test"),
    ];
    expect(names).toEqual([
      "tanuki/issue-7-crash-when-the-widget-list-is-empty",
      "tanuki/fix-the-bug",
      "tanuki/pr-12-fix",
      "tanuki/pr-12-fix-ci-test-ubuntu",
      "tanuki/work-pr-12",
      "tanuki/work-ci-test",
    ]);
    for (const name of names) expect(name).toMatch(/^tanuki\/[a-z0-9][a-z0-9-]*$/);
  });

  it("uses the task's branch, else the issue's branch, else the untracked one", () => {
    expect(branchNameFor({ branchName: "tanuki/custom", issue: { title: "x", body: "" } })).toBe("tanuki/custom");
    expect(branchNameFor({ issue: { title: "Fix the bug", body: "", number: 42 } })).toBe(
      "tanuki/issue-42-fix-the-bug",
    );
    expect(branchNameFor({ issue: { title: "Fix the bug", body: "" } })).toBe("tanuki/fix-the-bug");
  });
});
