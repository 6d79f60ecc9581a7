import type { SetupCommand } from "./setup-plan.js";

/** Files that make a Node.js install differ (hashed into the cache key). */
export const NODE_KEY_FILES = [
  "package.json",
  "package-lock.json",
  "npm-shrinkwrap.json",
  "pnpm-lock.yaml",
  "pnpm-workspace.yaml",
  "yarn.lock",
  ".npmrc",
  ".yarnrc",
  ".yarnrc.yml",
] as const;

/** Version of a tool from `packageManager` (`pnpm@9.12.0+sha512…` → `9.12.0`), when it names that tool. */
function pinnedVersion(packageManager: unknown, tool: string): string | undefined {
  if (typeof packageManager !== "string") return undefined;
  const match = /^([a-z]+)@(\d+\.\d+\.\d+[\w.-]*)/.exec(packageManager);
  return match?.[1] === tool ? match[2] : undefined;
}

/**
 * The install command of a Node.js project (a root `package.json`), lockfile-aware:
 * pnpm (`pnpm-lock.yaml` or `packageManager: pnpm@…`) → `pnpm install --frozen-lockfile` through npx at the pinned
 * version; yarn classic (`yarn.lock`) → `yarn install --frozen-lockfile`; npm with `package-lock.json` or
 * `npm-shrinkwrap.json` → `npm ci`; no lockfile → `npm install` without writing a lockfile into the work tree.
 * pnpm and yarn come from the npm registry (npx), so they need no image of their own.
 *
 * @param packageJson  the root package.json's text (invalid JSON is treated as an empty manifest)
 */
export function detectNodeSetup(has: (path: string) => boolean, packageJson: string): SetupCommand {
  let manifest: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(packageJson);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) manifest = parsed as Record<string, unknown>;
  } catch {
    // An unreadable manifest still gets npm's own error message from the install step.
  }
  const pnpm = pinnedVersion(manifest.packageManager, "pnpm");
  if (has("pnpm-lock.yaml") || pnpm) {
    const frozen = has("pnpm-lock.yaml") ? " --frozen-lockfile" : "";
    return { command: `npx --yes pnpm@${pnpm ?? "9"} install${frozen}`, reason: "pnpm-lock.yaml / packageManager" };
  }
  if (has("yarn.lock")) {
    const yarn = pinnedVersion(manifest.packageManager, "yarn");
    const version = yarn?.startsWith("1.") ? yarn : "1.22.22";
    return {
      command: `npx --yes yarn@${version} install --frozen-lockfile --non-interactive`,
      reason: "yarn.lock",
    };
  }
  if (has("package-lock.json") || has("npm-shrinkwrap.json")) {
    return { command: "npm ci --no-audit --no-fund", reason: "package-lock.json" };
  }
  return { command: "npm install --no-audit --no-fund --no-package-lock", reason: "package.json (no lockfile)" };
}
