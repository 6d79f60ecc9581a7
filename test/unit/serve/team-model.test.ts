import { afterEach, describe, expect, it } from "vitest";
import { type ServeServer, startServeServer } from "../../../src/serve/serve-server.js";
import { ScriptedGenerator } from "../../helpers/scripted-generator.js";
import { ScriptedModel } from "../../helpers/scripted-model.js";

let server: ServeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const plan = (summary: string) => ({
  summary,
  steps: [{ files: ["src/sum.ts"], intent: "handle empty arrays", agent: "tanuki-coder" }],
});
const finding = {
  file: "src/sum.ts",
  line: 3,
  severity: "blocking" as const,
  explanation: "EMPTY-ARRAY-BUG: reduce without an initial value throws",
  suggestion: "",
};

/** Planner (2 plans), critic (chooses plan 2), reviewer (blocks once, then approves). */
function teamScript() {
  return new ScriptedModel({
    "tanuki-planner:PlannerOutput": [plan("guard the empty case"), plan("pass 0 as reduce's initial value")],
    "tanuki-planner:CritiqueOutput": {
      critiques: [
        { planIndex: 0, strengths: "works", weaknesses: "extra branch", score: 6 },
        { planIndex: 1, strengths: "one change", weaknesses: "none", score: 9 },
      ],
      chosenIndex: 1,
      reasons: "smaller change",
    },
    "tanuki-reviewer:ReviewerOutput": [
      { verdict: "request-changes", summary: "still throws", findings: [finding] },
      { verdict: "approve", summary: "fine", findings: [] },
    ],
  });
}

async function start(model: ScriptedModel, generator: ScriptedGenerator, rounds = 2) {
  server = await startServeServer({
    generator,
    agents: ["tanuki-coder"],
    port: 0,
    team: { model, plans: 2, rounds },
  });
  return server.url;
}

function post(url: string, body: unknown) {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const request = {
  model: "tanuki-team",
  messages: [
    { role: "system", content: "You are in an IDE." },
    { role: "user", content: "sum([]) throws, fix it" },
  ],
};

describe("tanuki-team: the agent team behind one model id (scripted model)", () => {
  it("lists tanuki-team among the models", async () => {
    const url = await start(teamScript(), new ScriptedGenerator());
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(["tanuki-coder", "tanuki-team"]);
  });

  it("a blocking review finding sends the answer back to the coder; the stream carries the progress", async () => {
    const model = teamScript();
    const generator = new ScriptedGenerator({ reply: "Use reduce((a, b) => a + b, 0).", chunks: 2 });
    const url = await start(model, generator);
    const response = await post(url, { ...request, stream: true, stream_options: { include_usage: true } });
    const events = (await response.text()).split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, "")));
    const deltas = chunks.flatMap((c) => c.choices.map((choice: { delta: Record<string, string> }) => choice.delta));

    const coderCalls = generator.requests.filter((r) => r.agent === "tanuki-coder");
    expect(coderCalls).toHaveLength(2);
    const secondSystem = coderCalls[1]?.messages[0]?.content ?? "";
    expect(secondSystem).toContain("EMPTY-ARRAY-BUG");
    expect(secondSystem).toMatch(/<untrusted-data[^>]*>[\s\S]*EMPTY-ARRAY-BUG[\s\S]*<\/untrusted-data/);
    expect(secondSystem).toContain("pass 0 as reduce's initial value");
    expect(coderCalls[0]?.messages.slice(1)).toEqual([
      { role: "system", content: "You are in an IDE." },
      { role: "user", content: "sum([]) throws, fix it" },
    ]);
    expect(model.callsFor("tanuki-reviewer")).toHaveLength(2);

    const reasoning = deltas.map((d: Record<string, string>) => d.reasoning_content ?? "").join("");
    expect(reasoning).toMatch(/Planner: proposing 2 candidate plan/);
    expect(reasoning).toMatch(/Critic: chose plan 2/);
    expect(reasoning).toMatch(/1 blocking[\s\S]*round 2 of 2[\s\S]*approve, 0 finding/);
    const firstContent = deltas.findIndex((d: Record<string, string>) => (d.content ?? "") !== "");
    const lastReasoning = deltas.findLastIndex((d: Record<string, string>) => d.reasoning_content !== undefined);
    expect(firstContent).toBeGreaterThan(lastReasoning);
    expect(deltas.map((d: Record<string, string>) => d.content ?? "").join("")).toBe("Use reduce((a, b) => a + b, 0).");

    const usage = chunks.at(-1).usage;
    const structured = model.calls.length;
    expect(structured).toBe(5);
    const scriptedTokens = model.calls.reduce(
      (sum, call) =>
        sum +
        Math.ceil(call.messages.reduce((n, m) => n + m.content.length, 0) / 4) +
        Math.ceil(JSON.stringify(call.value).length / 4),
      0,
    );
    expect(usage.total_tokens).toBe(scriptedTokens + 2 * (7 + 2));
  });

  it("stops at the round budget with the finding open, and reports the progress as reasoning_content in the JSON answer", async () => {
    const model = teamScript();
    const generator = new ScriptedGenerator({ reply: "done" });
    const url = await start(model, generator, 1);
    const body = (await (await post(url, request)).json()) as {
      choices: { message: { content: string; reasoning_content: string } }[];
    };
    expect(body.choices[0]?.message.content).toBe("done");
    expect(body.choices[0]?.message.reasoning_content).toMatch(/Budget of 1 coder round\(s\) spent/);
    expect(generator.requests.filter((r) => r.agent === "tanuki-coder")).toHaveLength(1);
  });
});
