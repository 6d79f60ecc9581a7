import { expect, it } from "vitest";
import { describeIfAvailable } from "../helpers/requirements.js";
import { environmentTools, imagesAvailable, openRepo, TEST_EGRESS_IMAGE } from "./environment-test-env.js";
import { TEST_SANDBOX_IMAGE } from "./sandbox-test-env.js";

const images = (toolchain: string) => [TEST_SANDBOX_IMAGE, TEST_EGRESS_IMAGE, `tanuki-sandbox-${toolchain}:latest`];
const needs = (toolchain: string) =>
  `a Docker engine and the ${toolchain} toolchain image (scripts/build-env-images.sh egress ${toolchain})`;
const describeGo = describeIfAvailable(await imagesAvailable(...images("go")), needs("go"));
const describeRust = describeIfAvailable(await imagesAvailable(...images("rust")), needs("rust"));
const describeJava = describeIfAvailable(await imagesAvailable(...images("java")), needs("java"));

const tools = environmentTools();

describeGo("environment phase: Go", () => {
  it("picks the Go image, runs go mod download, and go test passes offline", async () => {
    const repo = await openRepo({
      "go.mod": "module example.com/answer\n\ngo 1.19\n",
      "answer.go": "package answer\n\nfunc Answer() int { return 42 }\n",
      "answer_test.go":
        'package answer\n\nimport "testing"\n\nfunc TestAnswer(t *testing.T) {\n\tif Answer() != 42 {\n\t\tt.Fatal("wrong")\n\t}\n}\n',
    });
    try {
      const outcome = await tools.prepare(repo.workspace, { cache: { enabled: false, maxBytes: 0 } });
      expect(outcome.report).toMatchObject({
        status: "ready",
        image: "tanuki-sandbox-go:latest",
        commands: ["go mod download"],
      });
      const tests = await tools.runTests(repo.workspace, outcome, "go test ./...");
      expect(tests.stdout + tests.stderr).toContain("ok");
      expect(tests.exitCode).toBe(0);
      expect(await repo.workspace.changedFiles()).toEqual([]);
    } finally {
      await repo.cleanup();
    }
  });
});

describeRust("environment phase: Rust", () => {
  it("picks the Rust image, runs cargo fetch, and cargo test passes offline", async () => {
    const repo = await openRepo({
      "Cargo.toml": '[package]\nname = "answer"\nversion = "0.1.0"\nedition = "2021"\n',
      "src/lib.rs":
        "pub fn answer() -> i32 { 42 }\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn answers() { assert_eq!(super::answer(), 42); }\n}\n",
      ".gitignore": "/target\nCargo.lock\n",
    });
    try {
      const outcome = await tools.prepare(repo.workspace, { cache: { enabled: false, maxBytes: 0 } });
      expect(outcome.report).toMatchObject({
        status: "ready",
        image: "tanuki-sandbox-rust:latest",
        commands: ["cargo fetch"],
      });
      const tests = await tools.runTests(repo.workspace, outcome, "cargo test");
      expect(tests.stdout).toContain("test result: ok. 1 passed");
      expect(await repo.workspace.changedFiles()).toEqual([]);
    } finally {
      await repo.cleanup();
    }
  });
});

describeJava("environment phase: Java", () => {
  it("runs Maven offline in the test phase (Tanuki's mvn wrapper reads the environment)", async () => {
    const repo = await openRepo({
      "pom.xml":
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>x</groupId><artifactId>y</artifactId><version>1</version></project>\n',
    });
    try {
      // The install would need Maven Central; the configured command only proves the image and its settings.
      const outcome = await tools.prepare(
        repo.workspace,
        { cache: { enabled: false, maxBytes: 0 } },
        { setupCommand: "mvn -v" },
      );
      expect(outcome.report).toMatchObject({ status: "ready", image: "tanuki-sandbox-java:latest" });
      const tests = await tools.runTests(repo.workspace, outcome, "mvn -B dependency:tree");
      expect(tests.stdout + tests.stderr).toMatch(/offline/i);
      expect(tests.exitCode).not.toBe(0);
    } finally {
      await repo.cleanup();
    }
  });
});
