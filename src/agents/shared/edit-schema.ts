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
      .max(scaled(160, scale, 16)),
    search: z.string().max(scaled(1500, scale, 8)),
    replace: z.string().max(scaled(2500, scale, 8)),
  });
}
export type EditItem = z.infer<ReturnType<typeof editItemSchema>>;

/** Most edits in one answer, before scaling. */
export const MAX_EDITS = 4;

/** Converts model edit items into domain edits, dropping exact duplicates and normalising `./` and `\` in paths. */
export function toEdits(items: readonly EditItem[]): Edit[] {
  const seen = new Set<string>();
  const edits: Edit[] = [];
  for (const item of items) {
    const path = item.path
      .trim()
      .replaceAll("\\", "/")
      .replace(/^(\.\/)+/, "");
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
