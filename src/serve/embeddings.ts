import { z } from "zod";
import { type ApiFailure, errorBody, failureOf, invalid, modelNotFound } from "./chat-completions.js";
import type { ServeGenerator } from "./serve-generator.js";
import { findUnsupportedKey } from "./unsupported-fields.js";

/** OpenAI's `POST /v1/embeddings` body, as far as `tanuki serve` implements it. */
export const EmbeddingsBody = z
  .object({
    model: z.string().min(1).max(200),
    /** Text or texts (token arrays are not accepted). */
    input: z.union([z.string(), z.array(z.string()).min(1).max(64)]),
    /** `base64`: little-endian float32 bytes (the `openai` client's default); `float`: numbers. */
    encoding_format: z.enum(["float", "base64"]).nullish(),
  })
  .loose();

/** The HTTP answer of an embeddings request: status and JSON body. */
export interface EmbeddingsAnswer {
  status: number;
  body: unknown;
}

/**
 * Answers `/v1/embeddings`: the served model's base weights embed each input (no adapter: every model id gives the
 * same vectors), in OpenAI's `list` of `embedding` objects with `usage`. A generator without embeddings gives 404
 * with the reason; unknown fields (`dimensions`, …) 400 naming them; an input longer than the context 400.
 */
export async function answerEmbeddings(
  body: unknown,
  generator: ServeGenerator,
  agents: readonly string[],
): Promise<EmbeddingsAnswer> {
  const fail = (failure: ApiFailure) => ({ status: failure.status, body: errorBody(failure) });
  if (generator.embed === undefined) {
    return fail({
      status: 404,
      type: "not_found_error",
      code: "not_supported",
      message: `${generator.name} does not serve embeddings`,
    });
  }
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const unsupported = findUnsupportedKey(record, Object.keys(EmbeddingsBody.shape));
  if (unsupported) return fail(invalid(unsupported, "unsupported_parameter"));
  const parsed = EmbeddingsBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(invalid({ param: issue?.path.join(".") || "(body)", message: issue?.message ?? "invalid" }));
  }
  const request = parsed.data;
  if (!agents.includes(request.model)) {
    return fail(modelNotFound(request.model, agents));
  }
  const texts = typeof request.input === "string" ? [request.input] : request.input;
  let result: Awaited<ReturnType<NonNullable<ServeGenerator["embed"]>>>;
  try {
    result = await generator.embed(texts);
  } catch (error) {
    return fail(failureOf(error, "input"));
  }
  const base64 = request.encoding_format === "base64";
  return {
    status: 200,
    body: {
      object: "list",
      model: request.model,
      data: result.vectors.map((vector, index) => ({
        object: "embedding",
        index,
        embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector,
      })),
      usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
    },
  };
}
