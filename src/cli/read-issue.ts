import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError } from "../core/errors.js";

/** An issue as given on the command line, before sanitizing. */
export interface RawIssue {
  title: string;
  body: string;
}

/**
 * Turn the `--issue` argument into a title and body. `@path` reads a file (Markdown); anything else is the
 * issue text itself. The title is the first non-empty line (a leading Markdown `#` heading marker removed);
 * the body is the rest, or the whole text when there is only one line.
 *
 * @param value the flag's value
 * @param cwd folder `@path` is resolved against
 * @throws UsageError when the text is empty or the file cannot be read
 */
export async function readIssueArgument(value: string, cwd: string): Promise<RawIssue> {
  let text = value;
  if (value.startsWith("@")) {
    const path = resolve(cwd, value.slice(1));
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      throw new UsageError(`Cannot read the issue file ${path}: ${(error as Error).message}`, { cause: error });
    }
  }
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const first = lines.findIndex((line) => line.trim() !== "");
  if (first === -1) throw new UsageError('The issue text is empty: pass --issue "what is wrong" or --issue @issue.md');
  const title = (lines[first] ?? "").replace(/^#+\s*/, "").trim();
  const rest = lines
    .slice(first + 1)
    .join("\n")
    .trim();
  return { title, body: rest === "" ? title : rest };
}
