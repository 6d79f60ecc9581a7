import {
  type ChatModelFunctions,
  type ChatWrapper,
  type ChatWrapperGenerateContextStateOptions,
  LlamaText,
} from "node-llama-cpp";
import { dropAbsentOptionals } from "./absent-optionals.js";
import type { GenerationTool } from "./llama-cpp-options.js";
import { type JsonSchemaNode, jsonSchemaToGbnfSchema } from "./zod-to-gbnf.js";

/**
 * Tools as node-llama-cpp functions: each tool's JSON Schema converted to the grammar subset (optional properties
 * become nullable, see `jsonSchemaToGbnfSchema`).
 *
 * @throws ModelError when a tool's parameters cannot be expressed as a grammar
 */
export function toChatModelFunctions(tools: readonly GenerationTool[]): ChatModelFunctions {
  const functions: Record<string, ChatModelFunctions[string]> = {};
  for (const tool of tools) {
    functions[tool.name] = {
      ...(tool.description ? { description: tool.description } : {}),
      ...(tool.parameters === undefined ? {} : { params: jsonSchemaToGbnfSchema(tool.parameters, tool.name) }),
    };
  }
  return functions;
}

/**
 * A view of `wrapper` whose answers must start with a function call: node-llama-cpp's `noPrefixTrigger` of type
 * `functionCall` injects the template's call prefix, so the model picks one of the offered functions (name under
 * a grammar) and writes its arguments under that function's grammar. Everything else (templates, call syntax,
 * function documentation) is the wrapped template's. This is how `tool_choice: "required"` and a named tool (only
 * that function offered) are enforced.
 */
export function forcingFunctionCall(wrapper: ChatWrapper): ChatWrapper {
  const prefix = wrapper.settings.functions.call.prefix;
  const forced = Object.create(wrapper) as ChatWrapper;
  forced.generateContextState = function (this: ChatWrapper, options: ChatWrapperGenerateContextStateOptions) {
    const state = wrapper.generateContextState.call(this, options);
    return {
      contextText: state.contextText,
      stopGenerationTriggers: state.stopGenerationTriggers,
      noPrefixTrigger: { type: "functionCall", inject: LlamaText(prefix) },
    };
  };
  return forced;
}

/**
 * Generated arguments as the JSON text a client validates: parsed, `null`s the grammar wrote for absent optional
 * properties removed (against the tool's schema), re-serialised. Text that does not parse is returned unchanged.
 */
export function toArgumentsText(raw: string, schema: JsonSchemaNode | undefined): string {
  let value: unknown;
  try {
    value = JSON.parse(raw === "" ? "{}" : raw);
  } catch {
    return raw;
  }
  return JSON.stringify(schema === undefined ? value : dropAbsentOptionals(value, schema));
}

/**
 * Turns node-llama-cpp's argument chunks into tool-call events: `{ index, name }` when a call starts, then
 * `{ index, name, arguments }` once its arguments are complete (cleaned by {@link toArgumentsText}, so a client
 * sees the same text as in the final answer).
 */
export function toolCallEvents(
  schemas: ReadonlyMap<string, JsonSchemaNode | undefined>,
  onToolCall: (event: { index: number; name: string; arguments?: string }) => void,
): (chunk: { callIndex: number; functionName: string; paramsChunk: string; done: boolean }) => void {
  const pending = new Map<number, { name: string; raw: string }>();
  return (chunk) => {
    let call = pending.get(chunk.callIndex);
    if (call === undefined) {
      call = { name: chunk.functionName, raw: "" };
      pending.set(chunk.callIndex, call);
      onToolCall({ index: chunk.callIndex, name: chunk.functionName });
    }
    call.raw += chunk.paramsChunk;
    if (chunk.done) {
      onToolCall({
        index: chunk.callIndex,
        name: call.name,
        arguments: toArgumentsText(call.raw.trim(), schemas.get(call.name)),
      });
    }
  };
}
