import { parse as parseToml } from "smol-toml";
import { type SetupCommand, VENV_DIR } from "./setup-plan.js";

/** Requirements files installed when present (root and `requirements/`), in this order. */
export const REQUIREMENTS_FILES = [
  "requirements.txt",
  "requirements-dev.txt",
  "requirements_dev.txt",
  "dev-requirements.txt",
  "requirements-test.txt",
  "requirements_test.txt",
  "requirements-tests.txt",
  "test-requirements.txt",
  "requirements/base.txt",
  "requirements/dev.txt",
  "requirements/test.txt",
  "requirements/tests.txt",
  "requirements/testing.txt",
] as const;

/** Files that make a Python install differ (hashed into the cache key). */
export const PYTHON_KEY_FILES = [
  ...REQUIREMENTS_FILES,
  "pyproject.toml",
  "setup.py",
  "setup.cfg",
  "tox.ini",
  "uv.lock",
  "poetry.lock",
  "Pipfile.lock",
] as const;

/** Extras installed with the project when it declares them (`pip install -e .[test]`). */
const TEST_EXTRAS = ["test", "tests", "testing", "dev"];

/** Folder of the tools Tanuki installs for a project (uv, poetry): outside the project's own virtual environment. */
const TOOLS_VENV = ".tanuki-env/tools";

/** Single-quoted for `sh` (the value is data from the repository, never shell syntax). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

type Table = Record<string, unknown>;
const table = (value: unknown): Table =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Table) : {};
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v.trim() !== "") : [];

/** The parsed pyproject.toml, or an empty table when it is absent or not valid TOML. */
function readPyproject(text: string | undefined): Table {
  if (text === undefined) return {};
  try {
    return parseToml(text) as Table;
  } catch {
    return {};
  }
}

/**
 * Dependencies of hatch's test environments (`[tool.hatch.envs.default|test|hatch-test]`, `dependencies` and
 * `extra-dependencies`): hatch itself is not needed to run the tests once they are installed.
 */
function hatchTestDependencies(pyproject: Table): string[] {
  const envs = table(table(table(pyproject.tool).hatch).envs);
  return ["default", "test", "tests", "hatch-test"].flatMap((name) => {
    const env = table(envs[name]);
    return [...strings(env.dependencies), ...strings(env["extra-dependencies"])];
  });
}

/**
 * `deps` of tox's `[testenv]` section: one requirement (or `-r file`) per line; lines with tox substitutions
 * (`{…}`) or conditional factors (`py311: …`) are left out. Only this one key of tox.ini is read.
 */
export function toxTestDependencies(toxIni: string | undefined): string[] {
  if (!toxIni) return [];
  const deps: string[] = [];
  let inTestenv = false;
  let inDeps = false;
  for (const raw of toxIni.split(/\r?\n/)) {
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (section) {
      inTestenv = section[1]?.trim() === "testenv";
      inDeps = false;
      continue;
    }
    if (!inTestenv) continue;
    const key = /^(\S[^=]*?)\s*=\s*(.*)$/.exec(raw);
    if (key) {
      inDeps = key[1] === "deps";
      if (inDeps && key[2]) deps.push(key[2]);
      continue;
    }
    if (inDeps && /^\s+\S/.test(raw)) deps.push(raw);
    else if (raw.trim() !== "" && !raw.trim().startsWith("#")) inDeps = false;
  }
  return deps
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#") && !line.includes("{") && !/^[\w.-]+:\s/.test(line));
}

/** `-r file` / requirement spec → pip arguments. */
function requirementArgs(spec: string): string {
  const file = /^-r\s*(\S+)$/.exec(spec);
  return file?.[1] ? `-r ${shellQuote(file[1])}` : shellQuote(spec);
}

/**
 * The install commands of a Python project, into a virtual environment at {@link VENV_DIR} (PEP 668: the image's
 * Python is never installed into):
 * - `uv.lock` → uv (installed into Tanuki's tools folder) `sync --frozen --all-extras`;
 * - `poetry.lock` → poetry `install --all-extras`, its environment in `.venv`;
 * - else a venv that sees the image's packages (pytest), then `pip install -r` for each requirements file present,
 *   then the project itself when installable (`pyproject.toml`, `setup.py`, `setup.cfg`), editable, with its
 *   `test`/`tests`/`testing`/`dev` extras, and the dependencies of hatch's and tox's test environments.
 * Returns no commands when nothing Python-related is present.
 */
export function detectPythonSetup(
  has: (path: string) => boolean,
  texts: { pyproject?: string; toxIni?: string },
): SetupCommand[] {
  const pyproject = readPyproject(texts.pyproject);
  if (has("uv.lock")) {
    return [
      { command: `python3 -m venv ${TOOLS_VENV} && ${TOOLS_VENV}/bin/pip install -q uv`, reason: "uv.lock (uv)" },
      { command: `${TOOLS_VENV}/bin/uv sync --frozen --all-extras`, reason: "uv.lock" },
    ];
  }
  if (has("poetry.lock")) {
    return [
      {
        command: `python3 -m venv ${TOOLS_VENV} && ${TOOLS_VENV}/bin/pip install -q poetry`,
        reason: "poetry.lock (poetry)",
      },
      { command: `${TOOLS_VENV}/bin/poetry install --no-interaction --all-extras`, reason: "poetry.lock" },
    ];
  }
  const requirements = REQUIREMENTS_FILES.filter(has);
  const installable = has("pyproject.toml") || has("setup.py") || has("setup.cfg");
  const extraDeps = [...hatchTestDependencies(pyproject), ...toxTestDependencies(texts.toxIni)];
  if (requirements.length === 0 && !installable && extraDeps.length === 0) return [];

  const pip = `${VENV_DIR}/bin/pip install --disable-pip-version-check --no-input`;
  const commands: SetupCommand[] = [
    { command: `python3 -m venv --system-site-packages ${VENV_DIR}`, reason: "Python project (PEP 668 venv)" },
  ];
  if (requirements.length > 0) {
    commands.push({
      command: `${pip} ${requirements.map((f) => `-r ${f}`).join(" ")}`,
      reason: requirements.join(", "),
    });
  }
  if (installable) {
    const declared = Object.keys(table(table(pyproject.project)["optional-dependencies"]));
    const extras = TEST_EXTRAS.filter((extra) => declared.includes(extra));
    const target = extras.length > 0 ? `.[${extras.join(",")}]` : ".";
    commands.push({
      command: `${pip} -e ${shellQuote(target)}`,
      reason: extras.length > 0 ? `extras ${extras.join(", ")}` : "installable project",
    });
  }
  if (extraDeps.length > 0) {
    commands.push({
      command: `${pip} ${[...new Set(extraDeps)].map(requirementArgs).join(" ")}`,
      reason: "hatch/tox test environment",
    });
  }
  return commands;
}
