import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { AGGREGATOR_SCHEMA_NAME } from "../../../src/agents/aggregator/schema.js";
import { CODER_SCHEMA_NAME } from "../../../src/agents/coder/schema.js";
import { CRITIC_SCHEMA_NAME } from "../../../src/agents/critic/schema.js";
import { RCA_SCHEMA_NAME } from "../../../src/agents/debugger/schema.js";
import { PLANNER_SCHEMA_NAME } from "../../../src/agents/planner/schema.js";
import { REVIEWER_SCHEMA_NAME } from "../../../src/agents/reviewer/schema.js";
import { AGENT_IDS } from "../../../src/agents/roster.js";
import { TESTER_SCHEMA_NAME } from "../../../src/agents/tester/schema.js";
import { assembleEngine } from "../../../src/compose/create-engine.js";
import { createJobRunner } from "../../../src/compose/create-job-runner.js";
import { RunConfig } from "../../../src/config/run-config.js";
import { ModelError } from "../../../src/core/errors.js";
import type { RunEvent } from "../../../src/core/events.js";
import type { ChatModel } from "../../../src/llm/chat-model.js";
import { OpenAICompatibleModel } from "../../../src/llm/openai-compatible-model.js";
import { type StubRequest, startOpenAIStub } from "../../helpers/openai-stub-server.js";
import { ScriptedModel } from "../../helpers/scripted-model.js";
import { describeWithSandbox, TEST_SANDBOX_IMAGE } from "../../sandbox/sandbox-test-env.js";
import { createBuggyPythonRepo, FIX_EDIT, ISSUE } from "../../unit/loop/fixtures/buggy-python-repo.js";
import { baseScript } from "../../unit/loop/run-fix-harness.js";

const describeDocker = await describeWithSandbox();

const config = RunConfig.parse({
  budgets: { maxAttempts: 2 },
  planCandidates: 1,
  sandbox: { image: TEST_SANDBOX_IMAGE },
});

/** The operator's choice (what `TANUKI_OPENAI_MODEL` / `TANUKI_OPENAI_MODELS` would configure). */
const OPERATOR = {
  defaultModel: "op-base",
  models: { [AGENT_IDS.coder]: "op-coder", [AGENT_IDS.reviewer]: "op-reviewer" },
};

/** The scripted answers of the loop's agents (and of `Answer`), by schema name (the stub sees no agent id). */
function answersBySchema(): Record<string, unknown> {
  const script = baseScript() as Record<string, unknown>;
  return {
    [PLANNER_SCHEMA_NAME]: script[`${AGENT_IDS.planner}:${PLANNER_SCHEMA_NAME}`],
    [CRITIC_SCHEMA_NAME]: script[`${AGENT_IDS.planner}:${CRITIC_SCHEMA_NAME}`],
    [TESTER_SCHEMA_NAME]: script[AGENT_IDS.tester],
    [CODER_SCHEMA_NAME]: { explanation: "guard", edits: [FIX_EDIT] },
    [REVIEWER_SCHEMA_NAME]: script[AGENT_IDS.reviewer],
    [RCA_SCHEMA_NAME]: script[AGENT_IDS.debugger],
    [AGGREGATOR_SCHEMA_NAME]: script[AGENT_IDS.aggregator],
    Answer: { ok: true },
  };
}

let work: string;
let stub: Awaited<ReturnType<typeof startOpenAIStub>>;
let base: OpenAICompatibleModel;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "tanuki-job-models-"));
  const answers = answersBySchema();
  stub = await startOpenAIStub((request) => answers[request.schemaName ?? ""] ?? {}, ["op-base"]);
  base = await OpenAICompatibleModel.connect({ baseUrl: stub.url, ...OPERATOR, maxRetries: 0, timeoutMs: 20_000 });
});
afterEach(async () => {
  await base.dispose();
  await stub.close();
  await rm(work, { recursive: true, force: true });
});

const modelsOf = (requests: StubRequest[], schemaName: string) =>
  requests.filter((r) => r.schemaName === schemaName).map((r) => r.model);

describe("OpenAICompatibleModel.withModels (local stub server)", () => {
  const Answer = z.object({ ok: z.boolean() });
  const ask = (model: ChatModel, agent: string) =>
    model.completeStructured({
      agent,
      messages: [{ role: "user", content: "hi" }],
      schema: Answer,
      schemaName: "Answer",
    });

  it("routes the overridden agents to the requested models and the others to the operator's, leaving the base as it was", async () => {
    const view = base.withModels({ [AGENT_IDS.reviewer]: "x", [AGENT_IDS.tester]: "y" });

    for (const agent of [AGENT_IDS.reviewer, AGENT_IDS.tester, AGENT_IDS.coder, AGENT_IDS.planner]) {
      expect((await ask(view, agent)).value).toEqual({ ok: true });
    }
    for (const agent of [AGENT_IDS.reviewer, AGENT_IDS.tester]) await ask(base, agent);

    expect(stub.requests.map((r) => r.model)).toEqual(["x", "y", "op-coder", "op-base", "op-reviewer", "op-base"]);
    expect(view.name).toBe(base.name);
    expect(base.withModels({})).toBe(base);
  });

  it("a view's dispose leaves the shared model working; disposing the shared model stops its views", async () => {
    const view = base.withModels({ [AGENT_IDS.reviewer]: "x" });
    await view.dispose();
    await expect(ask(base, AGENT_IDS.reviewer)).resolves.toBeDefined();

    await base.dispose();
    await expect(ask(view, AGENT_IDS.reviewer)).rejects.toBeInstanceOf(ModelError);
    expect(stub.requests).toHaveLength(1);
  });
});

describe("the real JobRunner with the OpenAI-compatible backend (stub server, no sandbox)", () => {
  it("analyzeFailure: the repository's model for the debugger applies to that job only", async () => {
    const runner = await createJobRunner({ engine: assembleEngine(base), traceDir: join(work, "traces") });
    const failure = {
      id: "acme-calc-7-failing-check",
      onEvent: () => {},
      log: "E   AssertionError\n",
      checkName: "ci / test",
      config,
      signal: new AbortController().signal,
    };

    await runner.analyzeFailure({ ...failure, models: { [AGENT_IDS.debugger]: "x" } });
    await runner.analyzeFailure({ ...failure, models: {} });

    expect(modelsOf(stub.requests, RCA_SCHEMA_NAME)).toEqual(["x", "op-base"]);
  });
});

describeDocker("the real JobRunner's per-job models (real git and Docker sandbox)", () => {
  let repo: string;
  let root: string;
  let git: (...args: string[]) => Promise<string>;

  beforeEach(async () => {
    ({ repo, root, git } = await createBuggyPythonRepo());
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function fixTask() {
    return {
      id: "acme/calc#12",
      kind: "fix" as const,
      repoPath: "ignored",
      baseSha: await git("rev-parse", "HEAD"),
      issue: { ...ISSUE },
      branchName: "tanuki/issue-12-zero",
    };
  }

  function settings(models: Record<string, string>) {
    const events: RunEvent[] = [];
    return {
      events,
      settings: { config, models, onEvent: (e: RunEvent) => events.push(e), signal: new AbortController().signal },
    };
  }

  const warnings = (events: RunEvent[]) =>
    events.filter((e): e is Extract<RunEvent, { type: "log" }> => e.type === "log" && e.level === "warn");

  it("OpenAI-compatible fix: the reviewer's requests name the repository's model, the other agents the operator's", async () => {
    const engine = assembleEngine(base, { workRoot: join(work, "copies") });
    const runner = await createJobRunner({ engine, traceDir: join(work, "traces") });
    const { events, settings: job } = settings({ [AGENT_IDS.reviewer]: "x" });

    const result = await runner.fix({ ...job, repoDir: repo, task: await fixTask() });

    expect(result.outcome).toBe("fixed");
    const reviewer = modelsOf(stub.requests, REVIEWER_SCHEMA_NAME);
    expect(reviewer.length).toBeGreaterThan(0);
    expect(new Set(reviewer)).toEqual(new Set(["x"]));
    expect(new Set(modelsOf(stub.requests, CODER_SCHEMA_NAME))).toEqual(new Set(["op-coder"]));
    expect(new Set(modelsOf(stub.requests, PLANNER_SCHEMA_NAME))).toEqual(new Set(["op-base"]));
    expect(warnings(events)).toEqual([]);

    stub.requests.length = 0;
    const head = await git("rev-parse", "HEAD");
    await runner.review({
      ...settings({}).settings,
      id: "review-1",
      repoDir: repo,
      baseSha: head,
      headSha: head,
      diff: "",
    });
    expect(modelsOf(stub.requests, REVIEWER_SCHEMA_NAME)).toEqual(["op-reviewer"]);
  });

  it("local backend: a job naming other models warns once, names the ignored agents, and still runs", async () => {
    const script = baseScript();
    script[AGENT_IDS.coder] = [{ explanation: "guard", edits: [FIX_EDIT] }];
    const model = new ScriptedModel(script);
    const engine = assembleEngine(model, { workRoot: join(work, "copies") });
    const runner = await createJobRunner({ engine, traceDir: join(work, "traces") });
    const { events, settings: job } = settings({
      [AGENT_IDS.reviewer]: "qwen2.5-coder-32b",
      [AGENT_IDS.coder]: model.name,
    });

    const result = await runner.fix({ ...job, repoDir: repo, task: await fixTask() });

    expect(result.outcome).toBe("fixed");
    expect(model.callsFor(AGENT_IDS.reviewer).length).toBeGreaterThan(0);
    const warned = warnings(events);
    expect(warned).toHaveLength(1);
    expect(warned[0]?.message).toContain(`${AGENT_IDS.reviewer} → qwen2.5-coder-32b`);
    expect(warned[0]?.message).not.toContain(AGENT_IDS.coder);
    expect(events[0]).toBe(warned[0]);

    const head = await git("rev-parse", "HEAD");
    const review = settings({ [AGENT_IDS.reviewer]: "qwen2.5-coder-32b" });
    await runner.review({ ...review.settings, id: "review-2", repoDir: repo, baseSha: head, headSha: head, diff: "" });
    expect(warnings(review.events)).toHaveLength(1);
  });
});
