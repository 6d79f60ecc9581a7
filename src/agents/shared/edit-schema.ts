import { z } from "zod";
import type { Edit } from "../../core/edit.js";
import { scaled } from "./answer-size.js";

/**
 * One edit as the model writes it: a flat object (one shape for both kinds keeps the grammar small).
 * `search-replace`: `search` is copied from the current file, `replace` replaces it (empty `search` = append).
 * `write-file`: `replace` is the whole new content, `search` is empty.
 */
export function editItemSchema(scale: number) {
  return z.object({
    kind: z.enum(["search-replace", "write-file"]),
    path: z
      .string()
      .min(1)
      .max(scaled(200, scale, 40)),
    search: z.string().max(scaled(4_000, scale, 8)),
    replace: z.string().max(scaled(8_000, scale, 8)),
  });
}
export type EditItem = z.infer<ReturnType<typeof editItemSchema>>;

/** Most edits in one answer (more go into a follow-up call with `more`). */
export const MAX_EDITS = 8;
/** Most line ranges one answer may ask to read. */
export const MAX_READS = 3;

/**
 * The fields every edit answer (coder, tester) shares: the edits, lines to read before the next call, and whether
 * more edits follow in another call (both optional: absent = nothing to read, no more edits). Each text is sized so that one edit alone may take the whole answer
 * (`fitEachString`); the number of edits is not scaled.
 */
export function editAnswerFields(scale: number, maxEdits: number) {
  return {
    edits: z.array(editItemSchema(scale)).max(maxEdits),
    read: z
      .array(
        z.object({
          path: z
            .string()
            .min(1)
            .max(scaled(200, scale, 40)),
          startLine: z.number(),
          endLine: z.number(),
        }),
      )
      .max(MAX_READS)
      .optional(),
    more: z.boolean().optional(),
  };
}

/** What a coder or tester asked for besides its edits: lines to see, and whether it has more edits to send. */
export interface FollowUp {
  /** Line ranges to show in the next call (1-based, inclusive), paths repository-relative. */
  read: { path: string; startLine: number; endLine: number }[];
  /** True when the agent has more edits for this step and wants another call. */
  more: boolean;
}

/** The follow-up part of an edit answer, paths normalised, line numbers whole and ordered. */
export function toFollowUp(answer: { read?: FollowUp["read"] | undefined; more?: boolean | undefined }): FollowUp {
  return {
    read: (answer.read ?? [])
      .filter((request) => Number.isFinite(request.startLine) && Number.isFinite(request.endLine))
      .map((request) => {
        const start = Math.max(1, Math.floor(Math.min(request.startLine, request.endLine)));
        const end = Math.max(start, Math.floor(Math.max(request.startLine, request.endLine)));
        return { path: cleanPath(request.path), startLine: start, endLine: end };
      }),
    more: answer.more ?? false,
  };
}

/** Repository-relative path as the model wrote it, trimmed, `\` as `/`, without leading `./`. */
function cleanPath(path: string): string {
  return path
    .trim()
    .replaceAll("\\", "/")
    .replace(/^(\.\/)+/, "");
}

/** Converts model edit items into domain edits, dropping exact duplicates and normalising `./` and `\` in paths. */
export function toEdits(items: readonly EditItem[]): Edit[] {
  const seen = new Set<string>();
  const edits: Edit[] = [];
  for (const item of items) {
    const path = cleanPath(item.path);
    const edit: Edit =
      item.kind === "write-file"
        ? { kind: "write-file", path, content: item.replace }
        : { kind: "search-replace", path, search: item.search, replace: item.replace };
    const key = JSON.stringify(edit);
    if (seen.has(key)) continue;
    seen.add(key);
    edits.push(edit);
  }
  return edits;
}
