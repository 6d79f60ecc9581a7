import { parse as parseToml } from "smol-toml";

/** package.json keys that decide which tests run and how. */
const PACKAGE_JSON_TEST_KEYS = ["jest", "mocha", "vitest", "ava", "c8", "nyc", "tap"] as const;
const PACKAGE_JSON_TEST_SCRIPTS = ["test", "pretest", "posttest"] as const;

function jsonSection(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const json = JSON.parse(text) as Record<string, unknown> | null;
    if (typeof json !== "object" || json === null) return text;
    const scripts = (json.scripts ?? {}) as Record<string, unknown>;
    return JSON.stringify([
      PACKAGE_JSON_TEST_SCRIPTS.map((name) => scripts[name]),
      PACKAGE_JSON_TEST_KEYS.map((key) => json[key]),
    ]);
  } catch {
    return text; // unparsable: any change counts
  }
}

function tomlSection(text: string | undefined, tables: readonly string[]): string | undefined {
  if (text === undefined) return undefined;
  try {
    const toml = parseToml(text) as Record<string, unknown>;
    const tool = (toml.tool ?? {}) as Record<string, unknown>;
    return JSON.stringify(tables.map((table) => tool[table]));
  } catch {
    return text;
  }
}

function cargoSection(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const toml = parseToml(text) as Record<string, unknown>;
    return JSON.stringify([toml.test, toml.lib, (toml.profile as Record<string, unknown> | undefined)?.test]);
  } catch {
    return text;
  }
}

/** The text of INI sections named in `sections` (`[tool:pytest]`), in file order. */
function iniSections(text: string | undefined, sections: readonly string[]): string | undefined {
  if (text === undefined) return undefined;
  const kept: string[] = [];
  let keep = false;
  for (const line of text.split(/\r?\n/)) {
    const header = line.match(/^\s*\[([^\]]+)\]\s*$/);
    if (header) keep = sections.includes((header[1] ?? "").trim());
    if (keep) kept.push(line.trimEnd());
  }
  return kept.join("\n");
}

/**
 * True when a change to a manifest that mixes test configuration with everything else touches the test part:
 * package.json `scripts.test`/`pretest`/`posttest` and the `jest`, `mocha`, `vitest`, `ava`, `c8`, `nyc`, `tap`
 * keys; pyproject.toml `[tool.pytest…]`, `[tool.tox]`; setup.cfg `[tool:pytest]`; Cargo.toml `[[test]]`,
 * `[lib]` and `[profile.test]`. Other files (pom.xml and Gradle builds included: not read yet): false.
 *
 * @param path  repository-relative path (only root-level manifests count)
 * @param before  content on the base commit (undefined: the file is new)
 * @param after  content with the change (undefined: the change deletes it)
 */
export function testSectionChanged(path: string, before: string | undefined, after: string | undefined): boolean {
  switch (path) {
    case "package.json":
      return jsonSection(before) !== jsonSection(after);
    case "pyproject.toml":
      return tomlSection(before, ["pytest", "tox"]) !== tomlSection(after, ["pytest", "tox"]);
    case "setup.cfg":
      return iniSections(before, ["tool:pytest"]) !== iniSections(after, ["tool:pytest"]);
    case "Cargo.toml":
      return cargoSection(before) !== cargoSection(after);
    default:
      return false;
  }
}
