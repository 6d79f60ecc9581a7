import { describe, expect, it } from "vitest";
import { readAppEnv } from "../../../src/config/app-env.js";
import { ConfigError } from "../../../src/core/errors.js";
import { DEFAULT_COMMAND_LIMITS } from "../../../src/jobs/intake/command-limits.js";

describe("readAppEnv", () => {
  it("applies defaults and coerces numbers", () => {
    const env = readAppEnv({ APP_ID: "12", TANUKI_CONCURRENCY: "2" });
    expect(env).toMatchObject({
      APP_ID: 12,
      TANUKI_CONCURRENCY: 2,
      TANUKI_DATA_DIR: ".tanuki",
      TANUKI_STATUS_INTERVAL_MS: 3000,
    });
  });

  it("defaults the command limits to the jobs layer's defaults and refuses a limit of 0", () => {
    const env = readAppEnv({});
    expect({
      perUser: env.TANUKI_USER_COMMAND_LIMIT,
      perRepo: env.TANUKI_REPO_COMMAND_LIMIT,
      windowMs: env.TANUKI_COMMAND_WINDOW_MS,
      maxWaiting: env.TANUKI_MAX_WAITING_JOBS,
      maxWaitingPerRepo: env.TANUKI_MAX_WAITING_JOBS_PER_REPO,
    }).toEqual(DEFAULT_COMMAND_LIMITS);
    expect(() => readAppEnv({ TANUKI_USER_COMMAND_LIMIT: "0" })).toThrow(/TANUKI_USER_COMMAND_LIMIT/);
    expect(readAppEnv({ TANUKI_REPO_COMMAND_LIMIT: "100" }).TANUKI_REPO_COMMAND_LIMIT).toBe(100);
  });

  it("names every bad variable", () => {
    try {
      readAppEnv({ TANUKI_CONCURRENCY: "0", APP_ID: "abc" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues.map((i) => i.split(":")[0]).sort()).toEqual(["APP_ID", "TANUKI_CONCURRENCY"]);
    }
  });

  it("requires the credentials in production only", () => {
    expect(() => readAppEnv({})).not.toThrow();
    expect(() => readAppEnv({ NODE_ENV: "production" })).toThrow(/APP_ID.*\n.*PRIVATE_KEY.*\n.*WEBHOOK_SECRET/s);
  });
});
