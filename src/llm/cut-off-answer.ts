import { answerByteCap } from "./answer-cap.js";
import type { ChatRunResult } from "./llama-chat-run.js";
import { StructuredOutputError } from "./structured-output-error.js";

/**
 * The error of a structured answer that stopped before its JSON was complete (at `maxTokens`, or at the byte cap of
 * `answerBytesPerToken` per token), keeping the text as `raw`; undefined when the answer stopped on its own.
 */
export function cutOffAnswerError(
  run: Pick<ChatRunResult, "stopReason" | "text">,
  schemaName: string,
  limits: { maxTokens: number; answerBytesPerToken: number },
): StructuredOutputError | undefined {
  const { maxTokens } = limits;
  if (run.stopReason === "maxTokens") {
    return new StructuredOutputError(
      `${schemaName}: the answer was cut off at maxTokens=${maxTokens} before the JSON was complete; ` +
        "raise maxTokens or bound the schema's strings and arrays with .max()",
      { raw: run.text, schemaName, failure: "max-tokens" },
    );
  }
  if (run.stopReason === "byteCap") {
    return new StructuredOutputError(
      `${schemaName}: the answer passed ${answerByteCap(maxTokens, limits.answerBytesPerToken)} bytes ` +
        `(maxTokens=${maxTokens}) and was cut there before the JSON was complete`,
      { raw: run.text, schemaName, failure: "max-tokens" },
    );
  }
  return undefined;
}
