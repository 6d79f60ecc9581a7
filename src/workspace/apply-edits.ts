import type { ApplyReport, Edit, EditOutcome } from "../core/edit.js";
import { findClosestRegion } from "./closest-region.js";
import { replaceOnce } from "./find-match.js";
import { checkEditPath } from "./path-policy.js";
import { SafeTree } from "./safe-fs.js";
import type { PathPolicy } from "./workspace.js";

/**
 * Apply edits to the files under `root`, in order. Each edit is checked against the path policy
 * ({@link checkEditPath}), then:
 * - `write-file` creates the file (and its parent folders) or overwrites it (`match: "new-file" | "overwrite"`);
 * - `search-replace` with an empty (or blank) `search` creates a missing file with `replace` (`"new-file"`), or
 *   appends `replace` to an existing one (`"exact"`; a newline is added first if the file does not end with one);
 * - `search-replace` otherwise replaces the single occurrence of `search` found by {@link replaceOnce} (exact, then
 *   tolerant of line endings, trailing whitespace and indentation drift; idea from Aider's flexible SEARCH/REPLACE
 *   matching, https://aider.chat/docs/more/edit-formats.html). Several occurrences give a `no-match` outcome asking
 *   for more context; none gives a `no-match` outcome naming the file and showing its closest lines.
 *
 * A refused or unmatched edit does not stop the later ones, which see the effects of the earlier ones.
 * Never throws for a bad edit: policy refusals and I/O failures (unreadable file, permission denied) are outcomes.
 *
 * @param root  absolute path of the repository work copy
 * @returns one outcome per edit, in order, and `changedPaths`: repository-relative paths whose content differs
 *   after the batch from before it (a file changed and changed back is not listed), in first-touched order
 */
export async function applyEdits(root: string, edits: Edit[], policy: PathPolicy): Promise<ApplyReport> {
  const outcomes: EditOutcome[] = [];
  /** Content before the batch (undefined: the file did not exist), keyed by relative path, in first-touched order. */
  const before = new Map<string, { resolved: string; content: string | undefined }>();
  const tree = await SafeTree.open(root);

  for (const edit of edits) {
    const check = await checkEditPath(root, edit.path, policy);
    if (!check.ok) {
      outcomes.push({ edit, status: "refused", message: check.reason });
      continue;
    }
    try {
      const current = await readText(tree, check.resolved);
      if (!before.has(check.relative)) before.set(check.relative, { resolved: check.resolved, content: current });
      const result = planEdit(edit, check.relative, current);
      if (result.status === "applied" && result.content !== current) await tree.write(check.resolved, result.content);
      outcomes.push(
        result.status === "applied"
          ? { edit, status: "applied", match: result.match }
          : { edit, status: "no-match", message: result.message },
      );
    } catch (error) {
      outcomes.push({ edit, status: "refused", message: `${check.relative}: ${(error as Error).message}` });
    }
  }

  const changedPaths: string[] = [];
  for (const [relative, { resolved, content }] of before) {
    const after = await readText(tree, resolved).catch(() => undefined);
    if (after !== content) changedPaths.push(relative);
  }
  return { outcomes, changedPaths };
}

type Planned =
  | { status: "applied"; content: string; match: Extract<EditOutcome, { status: "applied" }>["match"] }
  | { status: "no-match"; message: string };

/** Compute the new content of one file for one edit (pure). */
function planEdit(edit: Edit, path: string, current: string | undefined): Planned {
  if (edit.kind === "write-file") {
    return { status: "applied", content: edit.content, match: current === undefined ? "new-file" : "overwrite" };
  }
  if (edit.search.trim() === "") {
    if (current === undefined) return { status: "applied", content: edit.replace, match: "new-file" };
    const separator = current === "" || current.endsWith("\n") ? "" : "\n";
    return { status: "applied", content: current + separator + edit.replace, match: "exact" };
  }
  if (current === undefined) {
    return {
      status: "no-match",
      message: `${path} does not exist, so the SEARCH text cannot be found in it. To create the file, use an empty SEARCH or a write-file edit.`,
    };
  }
  const result = replaceOnce(current, edit.search, edit.replace);
  if (result.kind === "replaced") return { status: "applied", content: result.content, match: result.match };
  if (result.kind === "ambiguous") {
    const lines = result.lineNumbers.slice(0, 10).join(", ");
    return {
      status: "no-match",
      message: `The SEARCH text is ambiguous: it matches ${result.lineNumbers.length} places in ${path} (starting at lines ${lines}). Include more surrounding lines so it matches exactly one place.`,
    };
  }
  return { status: "no-match", message: noMatchMessage(path, current, edit.search, edit.replace) };
}

function noMatchMessage(path: string, content: string, search: string, replace: string): string {
  const parts = [`The SEARCH text was not found in ${path}.`];
  const region = findClosestRegion(content, search);
  if (region) {
    parts.push(
      `The closest lines in ${path} (from line ${region.startLine}) are:\n${region.excerpt}`,
      "SEARCH must repeat the file's lines exactly (differences in indentation and trailing spaces are tolerated).",
    );
  } else {
    parts.push(`No lines of ${path} resemble it; read the file again before editing it.`);
  }
  if (replace.trim() !== "" && content.includes(replace)) {
    parts.push("Note: the REPLACE text is already in the file; this edit may have been applied already.");
  }
  return parts.join("\n");
}

/** Largest file an edit may change, bytes: an edit rewrites the whole file, which must be read whole first. */
export const MAX_EDITABLE_BYTES = 8 * 1024 * 1024;

/**
 * File content as UTF-8, or undefined when it does not exist (read symlink-safely, see SafeTree).
 * @throws Error when the file is larger than {@link MAX_EDITABLE_BYTES}
 */
async function readText(tree: SafeTree, rel: string): Promise<string | undefined> {
  const read = await tree.read(rel, MAX_EDITABLE_BYTES);
  if (read?.truncated)
    throw new Error(`the file is ${read.size} bytes, larger than the ${MAX_EDITABLE_BYTES} bytes an edit may rewrite`);
  return read?.content;
}
