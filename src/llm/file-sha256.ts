import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/**
 * SHA-256 of a file, lowercase hex, read as a stream (constant memory for multi-GB models).
 * @throws Error from the file system when the file cannot be read
 */
export async function fileSha256(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024, signal })) hash.update(chunk);
  return hash.digest("hex");
}
