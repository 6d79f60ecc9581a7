import { describe, expect, it } from "vitest";
import { toxTestDependencies } from "../../../src/environment/detect-python.js";
import { detectSetup, type RepoFiles } from "../../../src/environment/detect-setup.js";
import { readDevcontainer } from "../../../src/environment/devcontainer.js";

function repo(files: Record<string, string>): RepoFiles {
  return { files: Object.keys(files), read: async (path) => files[path] };
}
const auto = { allowRepoImages: true };
const commandsOf = async (files: Record<string, string>, overrides = auto) =>
  (await detectSetup(repo(files), overrides)).commands.map((c) => c.command);

describe("detectSetup", () => {
  it("picks the Node.js installer from the lockfile", async () => {
    expect(await commandsOf({ "package.json": "{}", "package-lock.json": "{}" })).toEqual([
      "npm ci --no-audit --no-fund",
    ]);
    expect(await commandsOf({ "package.json": "{}" })).toEqual(["npm install --no-audit --no-fund --no-package-lock"]);
    expect(
      await commandsOf({ "package.json": '{"packageManager":"pnpm@9.12.1+sha512.x"}', "pnpm-lock.yaml": "" }),
    ).toEqual(["npx --yes pnpm@9.12.1 install --frozen-lockfile"]);
    expect(await commandsOf({ "package.json": "not json", "yarn.lock": "" })).toEqual([
      "npx --yes yarn@1.22.22 install --frozen-lockfile --non-interactive",
    ]);
  });

  it("installs Python projects into a venv: requirements files, then the project with its test extras", async () => {
    const pyproject = '[project]\nname = "x"\n[project.optional-dependencies]\ntest = ["pytest"]\ndocs = ["sphinx"]\n';
    expect(
      await commandsOf({ "requirements.txt": "", "requirements-dev.txt": "", "pyproject.toml": pyproject }),
    ).toEqual([
      "python3 -m venv --system-site-packages /workspace/.venv",
      "/workspace/.venv/bin/pip install --disable-pip-version-check --no-input -r requirements.txt -r requirements-dev.txt",
      "/workspace/.venv/bin/pip install --disable-pip-version-check --no-input -e '.[test]'",
    ]);
  });

  it("uses uv and poetry through their lockfiles, and reads hatch and tox test dependencies", async () => {
    expect((await commandsOf({ "pyproject.toml": "", "uv.lock": "" })).at(-1)).toBe(
      ".tanuki-env/tools/bin/uv sync --frozen --all-extras",
    );
    expect((await commandsOf({ "pyproject.toml": "", "poetry.lock": "" })).at(-1)).toBe(
      ".tanuki-env/tools/bin/poetry install --no-interaction --all-extras",
    );
    const hatch = '[tool.hatch.envs.test]\ndependencies = ["pytest>=7", "it\'s"]\n';
    expect((await commandsOf({ "pyproject.toml": hatch })).at(-1)).toBe(
      `/workspace/.venv/bin/pip install --disable-pip-version-check --no-input 'pytest>=7' 'it'\\''s'`,
    );
  });

  it("reads only literal deps of tox's [testenv]", () => {
    const ini =
      "[tox]\nenvlist = py3\n[testenv]\ndeps =\n    pytest\n    -r requirements.txt\n    {[base]deps}\n    py311: mock\ncommands = pytest\n[testenv:lint]\ndeps = flake8\n";
    expect(toxTestDependencies(ini)).toEqual(["pytest", "-r requirements.txt"]);
  });

  it("needs toolchains for Go, Rust and Java, with their fetch commands, for mixed repositories too", async () => {
    const plan = await detectSetup(
      repo({ "go.mod": "module x", "Cargo.toml": "", "Cargo.lock": "", "pom.xml": "", "package.json": "{}" }),
      auto,
    );
    expect(plan.toolchains).toEqual(["go", "java", "rust"]);
    expect(plan.commands.map((c) => c.command)).toEqual([
      "npm install --no-audit --no-fund --no-package-lock",
      "go mod download",
      "cargo fetch",
      "mvn -B -q dependency:resolve-plugins dependency:go-offline",
    ]);
    expect(plan.keyFiles).toEqual(["Cargo.lock", "Cargo.toml", "go.mod", "package.json", "pom.xml"]);
  });

  it("a configured command wins over the devcontainer, which wins over detection", async () => {
    const files = {
      "package.json": "{}",
      ".devcontainer/devcontainer.json":
        '{ // comment\n "image": "ghcr.io/x/dev:1", "postCreateCommand": "make deps", }',
    };
    const fromDevcontainer = await detectSetup(repo(files), auto);
    expect(fromDevcontainer).toMatchObject({ source: "devcontainer", image: "ghcr.io/x/dev:1" });
    expect(fromDevcontainer.commands.map((c) => c.command)).toEqual(["make deps"]);
    const configured = await detectSetup(repo(files), { command: "npm i", allowRepoImages: false });
    expect(configured.source).toBe("configured");
    expect(configured.commands.map((c) => c.command)).toEqual(["npm i"]);
    expect(configured.image).toBeUndefined();
  });

  it("finds nothing to install in a dependency-free repository", async () => {
    expect(await detectSetup(repo({ "main.c": "" }), auto)).toMatchObject({ source: "none", commands: [] });
  });
});

describe("readDevcontainer", () => {
  it("resolves build.dockerfile against its folder and refuses paths leaving the repository", () => {
    expect(
      readDevcontainer(".devcontainer/devcontainer.json", '{"build":{"dockerfile":"Dockerfile","context":".."}}')
        ?.dockerfile,
    ).toEqual({
      path: ".devcontainer/Dockerfile",
      context: ".",
    });
    expect(
      readDevcontainer(".devcontainer/devcontainer.json", '{"build":{"dockerfile":"../../etc/x"}}')?.dockerfile,
    ).toBeUndefined();
  });

  it("turns array and object lifecycle commands into shell lines", () => {
    const setup = readDevcontainer(
      ".devcontainer.json",
      '{"onCreateCommand":["pip","install","a b"],"postCreateCommand":{"a":"npm ci","b":"make"}}',
    );
    expect(setup?.commands.map((c) => c.command)).toEqual(["'pip' 'install' 'a b'", "(npm ci) && (make)"]);
  });
});
