import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { tanukiApp } from "../../../src/app/index.js";
import { defaultRunConfig } from "../../../src/config/run-config.js";
import { FileJobStore } from "../../../src/jobs/store/file-job-store.js";
import { ScriptedJobRunner } from "../../helpers/app-scripted-runner.js";

describe("app.yml", () => {
  it("subscribes to exactly the events the app handles, with least-privilege permissions", async () => {
    const manifest = parse(readFileSync(new URL("../../../app.yml", import.meta.url), "utf8")) as {
      default_events: string[];
      default_permissions: Record<string, string>;
    };
    const dataDir = mkdtempSync(join(tmpdir(), "tanuki-manifest-"));
    const handled: string[] = [];
    const fakeProbot = {
      log: pino({ level: "silent" }),
      on: (names: string | string[]) => handled.push(...[names].flat()),
      onError: () => undefined,
      auth: async () => {
        throw new Error("no GitHub in this test");
      },
    } as unknown as Probot;
    const app = tanukiApp({
      runner: new ScriptedJobRunner(),
      store: await FileJobStore.open(dataDir),
      settings: { dataDir, statusIntervalMs: 0, runConfig: defaultRunConfig() },
    });
    await app(fakeProbot, { cwd: dataDir, addHandler: () => undefined });
    await app.recovered();
    rmSync(dataDir, { recursive: true, force: true });

    const events = [...new Set(handled.map((name) => name.split(".")[0]))].sort();
    expect([...manifest.default_events].sort()).toEqual(events);
    expect(manifest.default_permissions).not.toHaveProperty("workflows");
    expect(manifest.default_permissions).not.toHaveProperty("administration");
    expect(manifest.default_permissions.actions).toBe("read");
  });
});
