import { describe, expect, it } from "vitest";
import { canRouteAgentModels, chooseAgentModels } from "../../../src/llm/agent-model-choice.js";
import { OpenAICompatibleModel } from "../../../src/llm/openai-compatible-model.js";
import { ScriptedModel } from "../../helpers/scripted-model.js";

describe("chooseAgentModels", () => {
  it("routes an OpenAI-compatible model's agents through a view and leaves the shared model's map as it was", () => {
    const shared = new OpenAICompatibleModel({
      baseUrl: "http://127.0.0.1:9/v1",
      defaultModel: "op-base",
      models: { "tanuki-reviewer": "op-reviewer", "tanuki-coder": "op-coder" },
    });

    const choice = chooseAgentModels(shared, { "tanuki-reviewer": "x" });

    expect(choice.ignored).toEqual([]);
    expect(choice.model).not.toBe(shared);
    const view = choice.model as OpenAICompatibleModel;
    expect([view.modelFor("tanuki-reviewer"), view.modelFor("tanuki-coder"), view.modelFor("tanuki-tester")]).toEqual([
      "x",
      "op-coder",
      "op-base",
    ]);
    expect(shared.modelFor("tanuki-reviewer")).toBe("op-reviewer");
  });

  it("keeps a model without routing and lists the requested models it does not run, in order", () => {
    const local = new ScriptedModel({});
    expect(canRouteAgentModels(local)).toBe(false);

    const choice = chooseAgentModels(local, {
      "tanuki-reviewer": "qwen2.5-coder-32b",
      "tanuki-coder": local.name,
      "tanuki-tester": "other.gguf",
    });

    expect(choice.model).toBe(local);
    expect(choice.ignored).toEqual([
      ["tanuki-reviewer", "qwen2.5-coder-32b"],
      ["tanuki-tester", "other.gguf"],
    ]);
  });

  it("changes nothing when the job names no models", () => {
    const local = new ScriptedModel({});
    const remote = new OpenAICompatibleModel({ baseUrl: "http://127.0.0.1:9/v1" });
    expect(chooseAgentModels(local, {})).toEqual({ model: local, ignored: [] });
    expect(chooseAgentModels(remote, {}).model).toBe(remote);
  });
});
