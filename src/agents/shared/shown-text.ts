import type { Edit } from "../../core/edit.js";
import { fenceLookalikes, restoreFenceLookalikes } from "../../intake/delimit.js";

/**
 * Edits as they apply to the real files: a file that contains a fence look-alike (`<untrusted-data`) is shown with
 * it escaped (`&lt;untrusted-data`, so it cannot close the data fence), and a model copies that escaped text into
 * SEARCH and REPLACE. For files that were shown escaped, the escaping is undone in the edit's texts, so SEARCH
 * matches and REPLACE writes the real text back. Files that also contain a literal `&lt;untrusted-data` are left
 * alone (the escaping is ambiguous there).
 *
 * @param contentOf  the content the agent was shown for a path (undefined for files it was not shown)
 */
export function restoreShownText(edits: readonly Edit[], contentOf: (path: string) => string | undefined): Edit[] {
  return edits.map((edit) => {
    const content = contentOf(edit.path);
    if (content === undefined) return edit;
    const { real, escaped } = fenceLookalikes(content);
    if (!real || escaped) return edit;
    return edit.kind === "write-file"
      ? { ...edit, content: restoreFenceLookalikes(edit.content) }
      : { ...edit, search: restoreFenceLookalikes(edit.search), replace: restoreFenceLookalikes(edit.replace) };
  });
}
