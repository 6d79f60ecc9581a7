import { SandboxError, TanukiError } from "../core/errors.js";

/** HTTP status of a dockerode/docker-modem error (`statusCode`), or undefined for other errors. */
export function dockerStatusCode(err: unknown): number | undefined {
  if (typeof err === "object" && err !== null && "statusCode" in err) {
    const code = (err as { statusCode?: unknown }).statusCode;
    return typeof code === "number" ? code : undefined;
  }
  return undefined;
}

/**
 * Wraps a library error once in a {@link SandboxError} whose message starts with `what` (the operation that
 * failed) and names the engine's own message; a TanukiError passes through unchanged. An unreachable engine
 * (no socket, connection refused) gets a message that says how to start one.
 */
export function toSandboxError(what: string, err: unknown): TanukiError {
  if (err instanceof TanukiError) return err;
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  if (code === "ENOENT" || code === "ECONNREFUSED" || code === "EACCES") {
    return new SandboxError(
      `${what}: the Docker engine is not reachable (${String(code)}). Start it (e.g. scripts/start-docker.sh) ` +
        "or point Tanuki at its socket.",
      { cause: err },
    );
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new SandboxError(`${what}: ${detail}`, { cause: err });
}
