import { posix } from "node:path";
import { type ParseError, parse as parseJsonc } from "jsonc-parser";
import type { SetupCommand } from "./setup-plan.js";

/** Where a repository's dev container configuration may live (the spec's two single-container locations). */
export const DEVCONTAINER_PATHS = [".devcontainer/devcontainer.json", ".devcontainer.json"] as const;

/** What Tanuki takes from a devcontainer.json. */
export interface DevcontainerSetup {
  /** The file it came from. */
  path: string;
  image?: string;
  /** `build.dockerfile` and `build.context`, resolved to repository-relative paths. */
  dockerfile?: { path: string; context: string };
  /** `onCreateCommand`, `updateContentCommand`, `postCreateCommand`, in the order the spec runs them. */
  commands: SetupCommand[];
}

/** A lifecycle command as one shell line: a string as is, an argv array quoted, an object's values joined by `&&`. */
function lifecycleCommand(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() || undefined;
  if (Array.isArray(value)) {
    const argv = value.filter((v): v is string => typeof v === "string");
    return argv.length > 0 ? argv.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(" ") : undefined;
  }
  if (value && typeof value === "object") {
    const parts = Object.values(value)
      .map(lifecycleCommand)
      .filter((c): c is string => c !== undefined);
    return parts.length > 0 ? parts.map((c) => `(${c})`).join(" && ") : undefined;
  }
  return undefined;
}

/** A path inside the repository, or undefined when it would leave it (`..`, absolute). */
function insideRepo(path: string): string | undefined {
  const normalized = posix.normalize(path);
  if (posix.isAbsolute(normalized) || normalized === ".." || normalized.startsWith("../")) return undefined;
  return normalized;
}

/**
 * Reads the parts of a devcontainer.json (JSON with comments, per the Dev Container spec) that decide the
 * environment: `image`, `build.dockerfile` (+ `build.context`, relative to the file's folder) and the lifecycle
 * commands that install dependencies. Features, mounts, `runArgs` and ports are ignored: Tanuki's own hardening and
 * network rules apply to whatever image it is.
 *
 * @returns undefined when the text is not a JSON object (syntax errors are tolerated as far as jsonc-parser can)
 */
export function readDevcontainer(path: string, text: string): DevcontainerSetup | undefined {
  const errors: ParseError[] = [];
  const config: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  if (!config || typeof config !== "object" || Array.isArray(config)) return undefined;
  const record = config as Record<string, unknown>;
  const folder = posix.dirname(path);
  const setup: DevcontainerSetup = { path, commands: [] };
  if (typeof record.image === "string" && record.image.trim()) setup.image = record.image.trim();
  const build = record.build && typeof record.build === "object" ? (record.build as Record<string, unknown>) : {};
  if (typeof build.dockerfile === "string") {
    const file = insideRepo(posix.join(folder, build.dockerfile));
    const context = insideRepo(posix.join(folder, typeof build.context === "string" ? build.context : "."));
    if (file && context) setup.dockerfile = { path: file, context };
  }
  for (const key of ["onCreateCommand", "updateContentCommand", "postCreateCommand"]) {
    const command = lifecycleCommand(record[key]);
    if (command) setup.commands.push({ command, reason: `${path} ${key}` });
  }
  return setup;
}
