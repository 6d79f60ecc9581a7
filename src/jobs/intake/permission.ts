import { PERMISSION_LEVELS, type Permission } from "../../config/repo-config.js";

/** True when `actual` is at least `minimum` in GitHub's order none < read < triage < write < maintain < admin. */
export function hasPermission(actual: Permission, minimum: Permission): boolean {
  return PERMISSION_LEVELS.indexOf(actual) >= PERMISSION_LEVELS.indexOf(minimum);
}

/** A GitHub account as webhook payloads describe it. */
export interface Actor {
  login: string;
  type?: string;
}

/**
 * Bots never trigger anything: GitHub's `Bot` accounts (Tanuki itself included, whose login ends in `[bot]`) and
 * any login with the `[bot]` suffix.
 */
export function isBot(actor: Actor | null | undefined): boolean {
  if (!actor) return true;
  return actor.type === "Bot" || actor.login.endsWith("[bot]");
}
