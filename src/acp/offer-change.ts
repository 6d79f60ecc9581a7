import { isAbsolute, relative, resolve, sep } from "node:path";
import type { PermissionOption, ToolCallContent, ToolCallLocation } from "@agentclientprotocol/sdk";
import { filePatches } from "../diff/file-patches.js";
import type { EditorClient } from "./editor-client.js";

/** Permission option ids of the change offer. */
export const APPLY_ONCE = "apply";
export const APPLY_ALWAYS = "apply-always";
export const DECLINE = "decline";

const PERMISSION_OPTIONS: PermissionOption[] = [
  { optionId: APPLY_ONCE, name: "Apply the change", kind: "allow_once" },
  { optionId: APPLY_ALWAYS, name: "Always apply in this session", kind: "allow_always" },
  { optionId: DECLINE, name: "Don't apply", kind: "reject_once" },
];

/** One file of the change, resolved against the editor's current content. */
interface PlannedFile {
  path: string;
  absolute: string;
  /** Editor's content now ("" for a file that does not exist yet). */
  oldText: string;
  /** Content after the change; undefined for a deletion. */
  newText?: string;
}

/** What {@link offerChange} did. Paths are workspace-relative. */
export interface OfferOutcome {
  /** `applied`: every appliable file was written; `declined`: the user said no; `cancelled`: the prompt was. */
  status: "applied" | "declined" | "cancelled" | "nothing";
  /** The user chose "always apply" for the session. */
  alwaysAllow: boolean;
  written: string[];
  deleted: string[];
  /** Files left as they are, and why (changed in the editor since, binary, no terminal to delete with, …). */
  skipped: { path: string; reason: string }[];
}

/** Options of {@link offerChange}. */
export interface OfferOptions {
  /** Unified diff of the change against the commit the run started from (the best attempt's). */
  diff: string;
  /** The session's workspace root (absolute). */
  cwd: string;
  client: EditorClient;
  /** The prompt's signal: aborting it withdraws the permission request and stops writing. */
  signal: AbortSignal;
  /** Title of the edit tool call, e.g. "Apply the fix (tests pass)". */
  title: string;
  /** Prefix of this offer's tool call ids (unique per prompt). */
  idPrefix: string;
  /** Skip the permission request (the user chose "always apply" earlier in the session). */
  preapproved: boolean;
}

/** `path` (repository-relative, from a diff) as an absolute path inside `cwd`, or undefined when it would leave it. */
function insideWorkspace(cwd: string, path: string): string | undefined {
  if (isAbsolute(path)) return undefined;
  const absolute = resolve(cwd, path);
  const rel = relative(resolve(cwd), absolute);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return absolute;
}

/**
 * Offers a change made in Tanuki's work copy to the editor, through the client and with its permission:
 *
 * 1. reads each changed file through the editor (`fs/read_text_file`: its buffer, unsaved edits included; one
 *    `read` tool call) and applies that file's hunks to it; a file whose changed lines were edited since is
 *    skipped, never overwritten;
 * 2. shows the result as one `edit` tool call with a diff per file and asks `session/request_permission`
 *    (apply once, always in this session, or don't), unless `preapproved`;
 * 3. writes each file through the editor (`fs/write_text_file`), and removes deleted files with `rm` in an editor
 *    terminal (no shell) when the editor has one, else leaves them and says so.
 *
 * Never throws for a file it cannot handle (it is skipped with the reason); a cancelled prompt (signal, or the
 * client answering `cancelled`) stops before the next write.
 *
 * @throws the client's error when a read or write request fails as a whole (the connection is gone)
 */
export async function offerChange(options: OfferOptions): Promise<OfferOutcome> {
  const { client, cwd, signal } = options;
  const outcome: OfferOutcome = { status: "nothing", alwaysAllow: false, written: [], deleted: [], skipped: [] };
  const planned: PlannedFile[] = [];
  const patches = filePatches(options.diff);
  if (patches.length === 0) return outcome;
  const readId = `${options.idPrefix}-read`;
  const locations = (paths: string[]): ToolCallLocation[] => paths.map((path) => ({ path }));
  const candidates = patches.flatMap((patch) => {
    const path = patch.newPath ?? patch.oldPath;
    if (path === undefined) return [];
    const absolute = insideWorkspace(cwd, path);
    if (absolute === undefined) {
      outcome.skipped.push({ path, reason: "outside the workspace" });
      return [];
    }
    if (patch.binary) {
      outcome.skipped.push({ path, reason: "binary file: take it from the result branch" });
      return [];
    }
    return [{ patch, path, absolute }];
  });
  await client.update({
    sessionUpdate: "tool_call",
    toolCallId: readId,
    title: `Read ${candidates.length} file(s) from the editor`,
    kind: "read",
    status: "in_progress",
    locations: locations(candidates.map((c) => c.absolute)),
  });
  for (const { patch, path, absolute } of candidates) {
    if (signal.aborted) break;
    let current: string;
    try {
      current = await client.readTextFile(absolute);
    } catch (error) {
      if (!patch.added) {
        outcome.skipped.push({ path, reason: `could not be read in the editor: ${(error as Error).message}` });
        continue;
      }
      current = "";
    }
    const changed = patch.apply(current);
    if (changed === undefined) {
      outcome.skipped.push({ path, reason: "its changed lines were edited since; apply it from the result branch" });
      continue;
    }
    if (!patch.deleted && changed === current) continue;
    planned.push({ path, absolute, oldText: current, ...(patch.deleted ? {} : { newText: changed }) });
  }
  await client.update({ sessionUpdate: "tool_call_update", toolCallId: readId, status: "completed" });
  if (signal.aborted) return { ...outcome, status: "cancelled" };

  const canDelete = client.capabilities.terminal === true;
  for (const file of planned.filter((f) => f.newText === undefined && !canDelete)) {
    outcome.skipped.push({ path: file.path, reason: "deleted by the change: the editor has no terminal to delete it" });
  }
  const writes = planned.filter((f) => f.newText !== undefined);
  const deletes = canDelete ? planned.filter((f) => f.newText === undefined) : [];
  if (writes.length + deletes.length === 0) return outcome;

  const editId = `${options.idPrefix}-edit`;
  const content: ToolCallContent[] = [
    ...writes.map(
      (file): ToolCallContent => ({
        type: "diff",
        path: file.absolute,
        oldText: file.oldText === "" ? null : file.oldText,
        newText: file.newText ?? "",
      }),
    ),
    ...deletes.map(
      (file): ToolCallContent => ({ type: "content", content: { type: "text", text: `delete ${file.path}` } }),
    ),
  ];
  const toolCall = {
    toolCallId: editId,
    title: options.title,
    kind: "edit" as const,
    status: "pending" as const,
    content,
    locations: locations([...writes, ...deletes].map((f) => f.absolute)),
  };
  await client.update({ sessionUpdate: "tool_call", ...toolCall });
  if (!options.preapproved) {
    const answer = await client.requestPermission(toolCall, PERMISSION_OPTIONS, signal);
    if (answer.outcome === "cancelled" || signal.aborted) {
      await client.update({ sessionUpdate: "tool_call_update", toolCallId: editId, status: "failed" });
      return { ...outcome, status: "cancelled" };
    }
    if (answer.optionId !== APPLY_ONCE && answer.optionId !== APPLY_ALWAYS) {
      await client.update({ sessionUpdate: "tool_call_update", toolCallId: editId, status: "failed" });
      return { ...outcome, status: "declined" };
    }
    outcome.alwaysAllow = answer.optionId === APPLY_ALWAYS;
  }
  await client.update({ sessionUpdate: "tool_call_update", toolCallId: editId, status: "in_progress" });
  for (const file of writes) {
    if (signal.aborted) break;
    await client.writeTextFile(file.absolute, file.newText ?? "");
    outcome.written.push(file.path);
  }
  if (deletes.length > 0 && !signal.aborted) await deleteThroughTerminal(options, deletes, outcome);
  const cancelled = signal.aborted;
  await client.update({
    sessionUpdate: "tool_call_update",
    toolCallId: editId,
    status: cancelled ? "failed" : "completed",
  });
  return { ...outcome, status: cancelled ? "cancelled" : "applied" };
}

/** Removes `files` with `rm -f -- <paths>` in an editor terminal (its own tool call, showing the terminal). */
async function deleteThroughTerminal(options: OfferOptions, files: PlannedFile[], outcome: OfferOutcome) {
  const paths = files.map((file) => file.path);
  const id = `${options.idPrefix}-delete`;
  await options.client.update({
    sessionUpdate: "tool_call",
    toolCallId: id,
    title: `rm ${paths.join(" ")}`,
    kind: "delete",
    status: "in_progress",
    locations: files.map((file) => ({ path: file.absolute })),
  });
  try {
    const run = await options.client.runInTerminal("rm", ["-f", "--", ...paths], options.cwd, options.signal);
    await options.client.update({
      sessionUpdate: "tool_call_update",
      toolCallId: id,
      status: run.exitCode === 0 ? "completed" : "failed",
      content: [{ type: "terminal", terminalId: run.terminalId }],
    });
    if (run.exitCode === 0) outcome.deleted.push(...paths);
    else for (const path of paths) outcome.skipped.push({ path, reason: `rm exited with ${run.exitCode}` });
  } catch (error) {
    await options.client.update({ sessionUpdate: "tool_call_update", toolCallId: id, status: "failed" });
    for (const path of paths)
      outcome.skipped.push({ path, reason: `could not be deleted: ${(error as Error).message}` });
  }
}
