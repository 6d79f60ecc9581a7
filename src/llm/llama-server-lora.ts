import { basename } from "node:path";
import type { AgentAdapter } from "./adapter-contexts.js";

/** One entry of llama-server's per-request `lora` field: a loaded adapter's id and the scale to apply. */
export interface LoraScale {
  id: number;
  scale: number;
}

/** llama-server's `GET /lora-adapters` answer: the adapters it loaded (`--lora`), with ids. */
interface ServedAdapter {
  id: number;
  path: string;
}

/** The API root without its `/v1` suffix, where llama-server keeps its own endpoints. */
export function serverRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "");
}

/**
 * Per-agent `lora` fields for llama.cpp's llama-server: asks `GET <root>/lora-adapters` which adapters the server
 * loaded, and maps each agent whose adapter file (by file name) is among them to `[{ id, scale }]`. Agents without
 * a served adapter get `[]`: llama-server sets every adapter not listed in a request to scale 0, so they run on the
 * base model. Undefined when the server has no such endpoint (vLLM, Ollama, `tanuki serve`), answers something
 * else, or serves none of the agents' adapters: then no `lora` field is sent at all.
 *
 * @param fetcher  the HTTP client (the `openai` client's `fetch` in production)
 */
export async function loraFieldsFor(
  baseUrl: string,
  adapters: Readonly<Record<string, AgentAdapter>>,
  options: { apiKey?: string; timeoutMs: number; fetcher?: typeof fetch },
): Promise<Record<string, LoraScale[]> | undefined> {
  if (Object.keys(adapters).length === 0) return undefined;
  let served: ServedAdapter[];
  try {
    const response = await (options.fetcher ?? fetch)(`${serverRoot(baseUrl)}/lora-adapters`, {
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (!response.ok) return undefined;
    const body = (await response.json()) as unknown;
    if (!Array.isArray(body)) return undefined;
    served = body.filter(
      (entry): entry is ServedAdapter =>
        typeof entry === "object" && entry !== null && Number.isInteger(entry.id) && typeof entry.path === "string",
    );
  } catch {
    return undefined;
  }
  const byName = new Map(served.map((entry) => [basename(entry.path), entry.id]));
  const fields: Record<string, LoraScale[]> = {};
  let matched = 0;
  for (const [agent, adapter] of Object.entries(adapters)) {
    const id = byName.get(basename(adapter.filePath));
    if (id === undefined) continue;
    fields[agent] = [{ id, scale: adapter.scale }];
    matched += 1;
  }
  return matched > 0 ? fields : undefined;
}
