import { describe, expect, it } from "vitest";
import { readReport } from "../../../src/testing/read-report.js";
import { reportingCommand } from "../../../src/testing/reporting-command.js";
import { recogniseRunner } from "../../../src/testing/test-runner.js";

describe("recogniseRunner", () => {
  it.each([
    ["python3 -m pytest -q -p no:cacheprovider", "pytest"],
    ["CI=1 pytest tests/unit", "pytest"],
    ["python -m unittest discover -s tests", "unittest"],
    ["go test ./...", "go"],
    ["cargo test --workspace", "cargo"],
    ["mvn -q test", "maven"],
    ["./mvnw -B verify", "maven"],
    ["npx jest --ci", "jest"],
    ["npx --no vitest run", "vitest"],
    ["mocha 'test/**/*.js'", "mocha"],
    ["node --test", "node"],
  ])("%s → %s", (command, runner) => {
    expect(recogniseRunner(command)?.runner).toBe(runner);
  });

  it("refuses anything that is not one simple command: Tanuki's flags must not change what else runs", () => {
    for (const command of [
      "pytest && echo done",
      "pytest | tee log",
      "pytest; rm -rf x",
      "pytest $ARGS",
      "pytest `x`",
      "pytest tests/*.py",
      "pytest # note",
      "make test",
      "python3 test.py",
      "vitest watch",
    ]) {
      expect(recogniseRunner(command), command).toBeUndefined();
    }
  });

  it("npm test: the runner behind package.json's test script, except node --test (it reads trailing flags as files)", () => {
    expect(recogniseRunner("npm test --silent", "jest --coverage")).toEqual({ runner: "jest", viaNpm: true });
    expect(recogniseRunner("npm run test", "vitest run")).toEqual({ runner: "vitest", viaNpm: true });
    expect(recogniseRunner("npm test", "node --test test/")).toBeUndefined();
    expect(recogniseRunner("npm test", "jest && eslint .")).toBeUndefined();
    expect(recogniseRunner("npm test")).toBeUndefined();
    expect(recogniseRunner("npm run lint", "jest")).toBeUndefined();
  });
});

describe("reportingCommand", () => {
  it("adds the report flags, prints the report after the marker, keeps the exit status", () => {
    const pytest = reportingCommand("python3 -m pytest -q", { nonce: "n1" });
    expect(pytest?.format).toEqual({ kind: "junit", flavor: "pytest" });
    expect(pytest?.command).toContain(
      "python3 -m pytest -q --junitxml=/tmp/tanuki-report-n1/report.xml -o junit_family=xunit1",
    );
    expect(pytest?.command).toContain("tanuki_status=$?");
    expect(pytest?.command.trim().endsWith('exit "$tanuki_status"')).toBe(true);
    expect(reportingCommand("npm test --silent", { nonce: "n2", npmTestScript: "jest" })?.command).toContain(
      "npm test --silent -- --json --outputFile=/tmp/tanuki-report-n2/report.json",
    );
    expect(reportingCommand("go test ./...", { nonce: "n3" })?.command).toContain("go test -json ./...");
    expect(reportingCommand("node --test", { nonce: "n4" })?.command).toMatch(
      /then node --test --test-reporter=spec .*--test-reporter=junit .*; else node --test; fi/,
    );
    expect(reportingCommand("make test", { nonce: "n5" })).toBeUndefined();
    expect(() => reportingCommand("pytest", { nonce: "a'b" })).toThrow(/nonce/);
  });
});

describe("readReport", () => {
  const pytest = reportingCommand("pytest", { nonce: "abc" });
  if (!pytest) throw new Error("pytest must be recognised");
  const xml =
    '<testsuites><testsuite name="pytest"><testcase classname="tests.test_a" name="test_one" file="tests/test_a.py"/></testsuite></testsuites>';

  it("splits the tests' own output from the report and parses it", () => {
    const stdout = `1 passed in 0.01s\n\n${pytest.marker}\n${pytest.marker} file /tmp/tanuki-report-abc/report.xml\n${xml}\n`;
    const read = readReport(pytest, stdout, "warn", "/workspace");
    expect(read.output).toBe("1 passed in 0.01s\n\nwarn");
    expect(read.cases).toEqual([
      { id: "tests/test_a.py::test_one", file: "tests/test_a.py", name: "test_one", status: "passed" },
    ]);
  });

  it("no report (the runner never started), a cut report or a faked marker earlier in the output: no cases", () => {
    expect(readReport(pytest, "sh: 1: pytest: not found\n", "", "/workspace").cases).toBeUndefined();
    const cut = `\n${pytest.marker}\n${pytest.marker} file /tmp/r.xml\n${xml.slice(0, 40)}`;
    expect(readReport(pytest, cut, "", "/workspace").cases).toBeUndefined();
    const faked = `\n${pytest.marker}\n${pytest.marker} file x\n${xml}\nreal output\n\n${pytest.marker}\n`;
    const read = readReport(pytest, faked, "", "/workspace");
    expect(read.cases).toBeUndefined();
    expect(read.output).toContain("real output");
  });
});
