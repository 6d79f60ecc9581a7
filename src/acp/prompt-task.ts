import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { ContentBlock } from "@agentclientprotocol/sdk";

/** Characters of one attached file put into the task (the loop explores the repository itself for the rest). */
export const MAX_ATTACHED_CHARS = 6_000;
/** Files of one prompt that are read and attached; further ones are only named. */
export const MAX_ATTACHED_FILES = 4;

/** The issue a prompt becomes: title, body (the prompt's text and attached files), and what was left out. */
export interface PromptIssue {
  title: string;
  body: string;
  /** Why parts of the prompt were not used (images, files outside the workspace, unreadable files). */
  notes: string[];
}

/** Reads a file through the editor (its buffer, unsaved edits included); `path` is absolute. */
export type ReadThroughEditor = (path: string) => Promise<string>;

/** The workspace-relative path of a `file://` URI inside `cwd`, or undefined (another scheme, or outside). */
export function workspacePath(uri: string, cwd: string): string | undefined {
  let path: string;
  try {
    path = uri.startsWith("file:") ? fileURLToPath(uri) : uri;
  } catch {
    return undefined;
  }
  if (!isAbsolute(path)) return undefined;
  const inside = relative(resolve(cwd), resolve(path));
  if (inside === "" || inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside)) return undefined;
  return inside.split(sep).join("/");
}

function capped(text: string): string {
  return text.length <= MAX_ATTACHED_CHARS
    ? text
    : `${text.slice(0, MAX_ATTACHED_CHARS)}\n[… cut at ${MAX_ATTACHED_CHARS} characters]`;
}

function fenced(path: string, content: string): string {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = "`".repeat(longest + 1);
  return `### ${path}\n${fence}\n${capped(content)}\n${fence}`;
}

/**
 * Turns an ACP prompt into the issue Tanuki's loop fixes. Text blocks are the request (first non-empty line =
 * title). Files the user attached are included: embedded resources as sent, resource links to files of the
 * workspace read through the editor with `read` (so unsaved edits count), at most {@link MAX_ATTACHED_FILES}, each
 * capped at {@link MAX_ATTACHED_CHARS}. Links outside the workspace, images and audio are left out and noted. The
 * text is raw: the loop's intake sanitizes it and treats it as data like any issue.
 *
 * @returns undefined when the prompt has no text at all (nothing to fix)
 */
export async function issueFromPrompt(
  blocks: readonly ContentBlock[],
  cwd: string,
  read: ReadThroughEditor,
): Promise<PromptIssue | undefined> {
  const text: string[] = [];
  const files: string[] = [];
  const notes: string[] = [];
  for (const block of blocks) {
    if (block.type === "text") {
      text.push(block.text);
    } else if (block.type === "resource") {
      const resource = block.resource;
      const path = workspacePath(resource.uri, cwd) ?? resource.uri;
      if ("text" in resource && files.length < MAX_ATTACHED_FILES) files.push(fenced(path, resource.text));
      else notes.push(`${path}: not attached (${"text" in resource ? "too many files" : "binary content"})`);
    } else if (block.type === "resource_link") {
      const path = workspacePath(block.uri, cwd);
      if (path === undefined) {
        notes.push(`${block.name}: not read (outside the workspace)`);
      } else if (files.length >= MAX_ATTACHED_FILES) {
        notes.push(`${path}: not read (more than ${MAX_ATTACHED_FILES} files attached)`);
      } else {
        try {
          files.push(fenced(path, await read(resolve(cwd, path))));
        } catch (error) {
          notes.push(`${path}: could not be read (${(error as Error).message})`);
        }
      }
    } else {
      notes.push(`${block.type} content is not used`);
    }
  }
  const lines = text.join("\n").replace(/\r\n?/g, "\n").split("\n");
  const first = lines.findIndex((line) => line.trim() !== "");
  if (first === -1) return undefined;
  const title = (lines[first] ?? "").replace(/^#+\s*/, "").trim();
  const rest = lines
    .slice(first + 1)
    .join("\n")
    .trim();
  const sections = [rest === "" ? title : rest];
  if (files.length > 0) sections.push(`## Files the user attached\n\n${files.join("\n\n")}`);
  return { title, body: sections.join("\n\n"), notes };
}
