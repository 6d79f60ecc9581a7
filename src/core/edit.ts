/**
 * Structured edits returned by the coder and tester agents and applied by the workspace.
 * The shape follows the SEARCH/REPLACE edit format popularised by Aider (https://aider.chat/docs/more/edit-formats.html),
 * expressed as JSON so a JSON-schema grammar can constrain it.
 */
export type Edit =
  | {
      kind: "search-replace";
      /** Repository-relative POSIX path. */
      path: string;
      /** Text to find. Matched exactly first, then tolerating whitespace/indentation drift. Empty = insert at end. */
      search: string;
      /** Replacement text. */
      replace: string;
    }
  | {
      kind: "write-file";
      /** Repository-relative POSIX path. Created (with parent folders) or overwritten. */
      path: string;
      content: string;
    };

/** Outcome of applying one edit. */
export type EditOutcome =
  | {
      edit: Edit;
      status: "applied" /** how the search text was found */;
      match: "exact" | "whitespace" | "indentation" | "new-file" | "overwrite";
    }
  | {
      edit: Edit;
      status: "no-match" /** message for the coder: what was not found and the closest lines, if any */;
      message: string;
    }
  | { edit: Edit; status: "refused" /** path-policy reason */; message: string };

/** Outcome of applying a batch of edits. */
export interface ApplyReport {
  outcomes: EditOutcome[];
  /** Repository-relative paths actually changed. */
  changedPaths: string[];
}
