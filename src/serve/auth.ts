import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

/** True when `host` only accepts connections from this machine (`127.0.0.0/8`, `::1`, `localhost`). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (bare.startsWith("::ffff:")) return bare.slice(7).startsWith("127.");
  return false;
}

/**
 * Checks an `Authorization: Bearer <token>` header against the expected token in constant time (both sides are
 * hashed first, so lengths leak nothing). No expected token = every request is allowed.
 */
export function isAuthorized(header: string | undefined, expected: string | undefined): boolean {
  if (expected === undefined) return true;
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? "");
  if (match === null) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(match[1] as string), digest(expected));
}
