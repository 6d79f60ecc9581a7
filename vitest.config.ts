import { defineConfig } from "vitest/config";

/**
 * Test projects split by what they need (see docs/TESTING.md):
 * unit (pure logic), security (the threat model's attacks on the real components), integration (real git, HTTP mocks, fake or real sandbox), sandbox (real Docker engine),
 * model (real GGUF through node-llama-cpp; TANUKI_TEST_MODEL).
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 20_000 } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: "security",
          include: ["test/security/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: "sandbox",
          include: ["test/sandbox/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "model",
          include: ["test/model/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
