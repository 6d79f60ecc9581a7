/** Language toolchains an environment image may need beyond the sandbox image's Python and Node.js. */
export const EXTRA_TOOLCHAINS = ["go", "java", "rust"] as const;
export type Toolchain = (typeof EXTRA_TOOLCHAINS)[number];

/** Where the environment's python virtual environment lives (PEP 668: never the image's system Python). */
export const VENV_DIR = "/workspace/.venv";
/** Tanuki's own folder in the work tree: dependency caches (Go, Cargo, Maven, Gradle), the install log, tools. */
export const ENV_DIR_NAME = ".tanuki-env";
export const ENV_DIR = `/workspace/${ENV_DIR_NAME}`;

/** One install command and why it was chosen (shown in progress and reports). */
export interface SetupCommand {
  command: string;
  /** What made Tanuki pick it, e.g. `package-lock.json`, `.devcontainer/devcontainer.json`. */
  reason: string;
}

/** What the environment phase will do for a repository; decided from its files before anything runs. */
export interface SetupPlan {
  /** Where the commands came from. */
  source: "configured" | "devcontainer" | "detected" | "none";
  commands: SetupCommand[];
  /** Toolchains needed beyond Python and Node.js (decide the image when none is named). */
  toolchains: Toolchain[];
  /** An image named by the repository (devcontainer `image`, tanuki.yml `environment.image`). */
  image?: string;
  /** A Dockerfile named by the repository, repository-relative, and its build context folder. */
  dockerfile?: { path: string; context: string };
  /**
   * Repository-relative files whose content decides the environment (lockfiles, manifests, devcontainer.json):
   * the environment cache key is made from them.
   */
  keyFiles: string[];
}
