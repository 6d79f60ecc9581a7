import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** Repository root (the test runs from anywhere). */
export const ROOT = resolve(import.meta.dirname, "../..");

/** A temporary folder with the files GitHub Actions gives a step: event payload, outputs, summary, RUNNER_TEMP. */
export interface ActionFiles {
  dir: string;
  eventPath: string;
  outputPath: string;
  summaryPath: string;
  runnerTemp: string;
  /** Outputs written through `GITHUB_OUTPUT`, parsed from the `name<<DELIM` syntax. */
  outputs(): Record<string, string>;
  summary(): string;
  dispose(): void;
}

/** Create the files for one Action run with `payload` as the event. */
export function actionFiles(payload: object): ActionFiles {
  const dir = mkdtempSync(join(tmpdir(), "tanuki-action-"));
  const files = {
    dir,
    eventPath: join(dir, "event.json"),
    outputPath: join(dir, "output.txt"),
    summaryPath: join(dir, "summary.md"),
    runnerTemp: join(dir, "runner-temp"),
  };
  writeFileSync(files.eventPath, JSON.stringify(payload));
  writeFileSync(files.outputPath, "");
  writeFileSync(files.summaryPath, "");
  return {
    ...files,
    outputs: () => parseOutputFile(readFileSync(files.outputPath, "utf8")),
    summary: () => readFileSync(files.summaryPath, "utf8"),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Parse a `GITHUB_OUTPUT` file (`name<<DELIM\nvalue\nDELIM` and `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] as string);
      out[name] = value.join("\n");
    } else if (line.includes("=")) {
      out[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return out;
}

/** The environment GitHub Actions provides to a step, plus `INPUT_*` for the given inputs. */
export function actionEnv(
  files: ActionFiles,
  options: { event: string; apiUrl: string; inputs?: Record<string, string>; extra?: Record<string, string> },
): NodeJS.ProcessEnv {
  const inputs = Object.fromEntries(
    Object.entries({ "github-token": "ghs_action_token", ...options.inputs }).map(([k, v]) => [
      `INPUT_${k.toUpperCase()}`,
      v,
    ]),
  );
  return {
    PATH: process.env.PATH,
    HOME: files.dir,
    NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: options.event,
    GITHUB_EVENT_PATH: files.eventPath,
    GITHUB_REPOSITORY: "acme/widgets",
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "4242",
    GITHUB_OUTPUT: files.outputPath,
    GITHUB_STEP_SUMMARY: files.summaryPath,
    RUNNER_TEMP: files.runnerTemp,
    RUNNER_NAME: "gpu-runner-1",
    ...inputs,
    ...options.extra,
  };
}

/** Run `node --import tsx <script>` with `env`; resolves with its exit code and output. */
export function runNode(
  script: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", resolve(ROOT, script)], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
