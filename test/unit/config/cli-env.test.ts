import { describe, expect, it } from "vitest";
import { readCliEnv } from "../../../src/config/cli-env.js";
import { ConfigError } from "../../../src/core/errors.js";

describe("readCliEnv", () => {
  it("reads the trace cap in bytes", () => {
    expect(readCliEnv({ TANUKI_TRACE_MAX_BYTES: "1048576" }).TANUKI_TRACE_MAX_BYTES).toBe(1_048_576);
    expect(readCliEnv({}).TANUKI_TRACE_MAX_BYTES).toBeUndefined();
  });

  it("refuses a trace cap that is not a whole number of at least 64 KiB, naming the variable", () => {
    for (const value of ["12", "70000.5", "lots"]) {
      const error = (() => {
        try {
          readCliEnv({ TANUKI_TRACE_MAX_BYTES: value });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain("TANUKI_TRACE_MAX_BYTES");
    }
  });
});
