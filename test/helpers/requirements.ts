import { existsSync } from "node:fs";
import { describe, it } from "vitest";

/**
 * Tests that need a real dependency (Docker engine, GGUF model) skip when it is missing on a developer's machine,
 * but FAIL under CI (`CI=true`) or when `TANUKI_REQUIRE_DEPS=1`: CI must never pass by skipping them.
 */
export function depsRequired(): boolean {
  return process.env.CI === "true" || process.env.CI === "1" || process.env.TANUKI_REQUIRE_DEPS === "1";
}

/** Path of the test GGUF model from `TANUKI_TEST_MODEL`, or undefined when unset or missing. */
export function testModelPath(): string | undefined {
  const path = process.env.TANUKI_TEST_MODEL;
  return path && existsSync(path) ? path : undefined;
}

/**
 * A `describe` that runs when `available` is true; when not, it skips (outside CI) or registers one failing
 * test naming `what` (under CI).
 */
export function describeIfAvailable(available: boolean, what: string): (name: string, fn: () => void) => void {
  if (available) return (name, fn) => describe(name, fn);
  if (depsRequired()) {
    return (name) =>
      describe(name, () => {
        it(`requires ${what}`, () => {
          throw new Error(`${what} is required in CI but is not available`);
        });
      });
  }
  return (name, fn) => describe.skip(name, fn);
}
