import { detectNodeSetup, NODE_KEY_FILES } from "./detect-node.js";
import { detectPythonSetup, PYTHON_KEY_FILES } from "./detect-python.js";
import { DEVCONTAINER_PATHS, readDevcontainer } from "./devcontainer.js";
import type { SetupCommand, SetupPlan, Toolchain } from "./setup-plan.js";

/** The repository as detection sees it: its file list and a reader (both from the Workspace port). */
export interface RepoFiles {
  /** Repository-relative paths of the files. */
  files: readonly string[];
  /** Text of a repository-relative file; undefined when absent or unreadable. */
  read(path: string): Promise<string | undefined>;
}

/** What the operator and the repository configured (each optional; configured beats detected). */
export interface SetupOverrides {
  /** `--setup-command` or tanuki.yml `setup`/`setupCommand`. */
  command?: string;
  /** tanuki.yml `environment.image` (or the operator's). */
  image?: string;
  /** tanuki.yml `environment.dockerfile`. */
  dockerfile?: string;
  /** Whether the repository may name an image or Dockerfile (its devcontainer's included). */
  allowRepoImages: boolean;
}

/** Build files that need a toolchain beyond Python and Node.js, with their install commands. */
const COMPILED: ReadonlyArray<{
  file: string;
  toolchain: Toolchain;
  setup: (has: (p: string) => boolean) => SetupCommand;
  keys: string[];
}> = [
  {
    file: "go.mod",
    toolchain: "go",
    setup: () => ({ command: "go mod download", reason: "go.mod" }),
    keys: ["go.mod", "go.sum"],
  },
  {
    file: "Cargo.toml",
    toolchain: "rust",
    setup: () => ({ command: "cargo fetch", reason: "Cargo.toml" }),
    keys: ["Cargo.toml", "Cargo.lock"],
  },
  {
    file: "pom.xml",
    toolchain: "java",
    setup: () => ({ command: "mvn -B -q dependency:resolve-plugins dependency:go-offline", reason: "pom.xml" }),
    keys: ["pom.xml"],
  },
  ...["build.gradle", "build.gradle.kts"].map((file) => {
    const ext = file.slice("build.gradle".length);
    return {
      file,
      toolchain: "java" as const,
      setup: (has: (p: string) => boolean) => ({
        command: `${has("gradlew") ? "sh ./gradlew" : "gradle"} --no-daemon -q testClasses`,
        reason: file,
      }),
      keys: [file, `settings.gradle${ext}`, "gradle.properties", "gradle/wrapper/gradle-wrapper.properties"],
    };
  }),
];

/**
 * Decides the environment of a repository from its root files, before anything runs:
 * - commands: the configured command when there is one; else the devcontainer's lifecycle commands; else one
 *   detected per ecosystem present at the root (Node.js: npm/pnpm/yarn, lockfile-aware; Python: venv + pip,
 *   uv, poetry, hatch/tox test deps; Go: `go mod download`; Rust: `cargo fetch`; Maven: `dependency:go-offline`;
 *   Gradle: `testClasses` through the wrapper);
 * - image: the configured image or Dockerfile, else the devcontainer's (when repositories may name one), else none
 *   (the caller picks the sandbox image with the detected toolchains);
 * - keyFiles: the manifests and lockfiles present, which key the environment cache.
 */
export async function detectSetup(repo: RepoFiles, overrides: SetupOverrides): Promise<SetupPlan> {
  const present = new Set(repo.files);
  const has = (path: string) => present.has(path);
  const keyFiles = new Set<string>();
  const toolchains = new Set<Toolchain>();
  const detected: SetupCommand[] = [];

  if (has("package.json")) {
    detected.push(detectNodeSetup(has, (await repo.read("package.json")) ?? ""));
    for (const file of NODE_KEY_FILES) if (has(file)) keyFiles.add(file);
  }
  const python = detectPythonSetup(has, {
    ...(has("pyproject.toml") ? { pyproject: await repo.read("pyproject.toml") } : {}),
    ...(has("tox.ini") ? { toxIni: await repo.read("tox.ini") } : {}),
  });
  detected.push(...python);
  if (python.length > 0) for (const file of PYTHON_KEY_FILES) if (has(file)) keyFiles.add(file);
  for (const build of COMPILED) {
    if (!has(build.file)) continue;
    toolchains.add(build.toolchain);
    const command = build.setup(has);
    if (!detected.some((c) => c.command === command.command)) detected.push(command);
    for (const file of build.keys) if (has(file)) keyFiles.add(file);
  }

  const devcontainerPath = DEVCONTAINER_PATHS.find(has);
  const devcontainer = devcontainerPath
    ? readDevcontainer(devcontainerPath, (await repo.read(devcontainerPath)) ?? "")
    : undefined;
  if (devcontainer) keyFiles.add(devcontainer.path);

  const plan: SetupPlan = { source: "none", commands: [], toolchains: [...toolchains].sort(), keyFiles: [] };
  if (overrides.command) {
    plan.source = "configured";
    plan.commands = [{ command: overrides.command, reason: "configured setup command" }];
  } else if (devcontainer && devcontainer.commands.length > 0) {
    plan.source = "devcontainer";
    plan.commands = devcontainer.commands;
  } else if (detected.length > 0) {
    plan.source = "detected";
    plan.commands = detected;
  }
  if (overrides.image) plan.image = overrides.image;
  else if (overrides.dockerfile && overrides.allowRepoImages) {
    plan.dockerfile = { path: overrides.dockerfile, context: "." };
  } else if (devcontainer && overrides.allowRepoImages) {
    if (devcontainer.image) plan.image = devcontainer.image;
    else if (devcontainer.dockerfile) plan.dockerfile = devcontainer.dockerfile;
  }
  if (plan.dockerfile) keyFiles.add(plan.dockerfile.path);
  plan.keyFiles = [...keyFiles].sort();
  return plan;
}
