import { applyPatch, parsePatch, type StructuredPatch } from "diff";
import type { StructuredCall } from "../../src/llm/chat-model.js";
import { isTestFile as loopIsTestFile } from "../../src/testing/test-files.js";
import { type Script, ScriptedModel } from "./scripted-model.js";

/**
 * A scripted model that answers like a perfect model from a unified patch (the "gold" patch of a task, as in
 * SWE-bench), so success paths of the loop run in CI on real fixtures without a real model.
 *
 * How to use it:
 *
 * ```ts
 * const patch = await readFile("fixture/fix.patch", "utf8");     // `git diff` output: source and test hunks
 * const { model } = createPatchModel(patch, { readBase: (p) => readFileOrUndefined(join(repo, p)) });
 * const result = await runFix(task, config, { ...deps, model });
 * expect(result.outcome).toBe("fixed");
 * ```
 *
 * What it answers (script keys are schema names, so specialists and custom roster ids get the same answers):
 * - `PlannerOutput`: one step per changed non-test file (extra files join the last step), agent `tanuki-coder`;
 * - `CritiqueOutput`: chooses candidate 0;
 * - `CoderOutput`: for the files named in the step (the `Files:` line of the coder's prompt), the patch's hunks as
 *   SEARCH/REPLACE edits (SEARCH = the hunk's old lines, REPLACE = its new lines), or `write-file` edits for new
 *   files (and with `editStyle: "write-file"`). When the answer schema cannot hold all edits at once (its
 *   `maxItems`/`maxLength`), it sends what fits and sets `more: true` (when the schema has that field), so the
 *   loop's continuation calls are exercised. Asked again for a step it already answered (a repair round or a later
 *   attempt), it sends `write-file` edits with the files' full patched content, which apply to any state;
 * - `TesterOutput`: the same for the patch's test files, with the first added test's name;
 * - `ReviewerOutput`: approve, no findings; `RcaOutput`: a plain analysis; `AggregatorOutput`: a title.
 *
 * Strictness (default on): a SEARCH text that does not occur in the coder's or tester's prompt throws a
 * ModelError, because a real model could not copy it (e.g. the prompt showed the wrong window of a large file).
 * Turn it off with `requireSearchInPrompt: false`. Override any answer by editing the returned `script`.
 */
export interface PatchModelOptions {
  /** Base-commit content of a repository file; undefined when the file does not exist on the base. */
  readBase: (path: string) => string | undefined;
  /** Which patch files the tester writes. Default: the loop's `isTestFile`. */
  isTestFile?: (path: string) => boolean;
  /** `search-replace` (default): one edit per hunk; `write-file`: each file's whole patched content. */
  editStyle?: "search-replace" | "write-file";
  /** Throw when a SEARCH text is not in the prompt (default true). */
  requireSearchInPrompt?: boolean;
  /** Plan summary. Default `Apply the change to <files>`. */
  summary?: string;
  /** PR title. Default `Fix the issue`. */
  title?: string;
}

/** One file of a patch, resolved against the base. */
export interface PatchFile {
  path: string;
  isTest: boolean;
  /** True when the file does not exist on the base. */
  isNew: boolean;
  /** SEARCH/REPLACE pairs, one per hunk, in file order (empty for new files). */
  hunks: { search: string; replace: string }[];
  /** Full content after the patch. */
  newContent: string;
}

type EditItem = { kind: "search-replace" | "write-file"; path: string; search: string; replace: string };

function stripPrefix(name: string | undefined): string | undefined {
  if (!name || name === "/dev/null") return undefined;
  return name.replace(/^[ab]\//, "");
}

function hunkTexts(hunk: StructuredPatch["hunks"][number]): { search: string; replace: string } {
  const search: string[] = [];
  const replace: string[] = [];
  for (const line of hunk.lines) {
    const mark = line[0];
    const text = line.slice(1);
    if (mark === " " || mark === "-") search.push(text);
    if (mark === " " || mark === "+") replace.push(text);
  }
  const join = (lines: string[]) => (lines.length > 0 ? `${lines.join("\n")}\n` : "");
  return { search: join(search), replace: join(replace) };
}

/**
 * Parses a unified patch (as `git diff` writes it) into files with SEARCH/REPLACE hunks and patched content.
 * Deleted files are left out (edits cannot delete).
 *
 * @throws Error when a hunk does not apply to the base content
 */
export function parsePatchFiles(
  patch: string,
  readBase: (path: string) => string | undefined,
  isTestFile: (path: string) => boolean = loopIsTestFile,
): PatchFile[] {
  const files: PatchFile[] = [];
  for (const parsed of parsePatch(patch)) {
    const path = stripPrefix(parsed.newFileName);
    if (!path) continue;
    const base = readBase(stripPrefix(parsed.oldFileName) ?? path);
    const newContent = applyPatch(base ?? "", parsed);
    if (newContent === false) throw new Error(`patch-model: the patch for ${path} does not apply to its base`);
    files.push({
      path,
      isTest: isTestFile(path),
      isNew: base === undefined,
      hunks: base === undefined ? [] : parsed.hunks.map(hunkTexts),
      newContent,
    });
  }
  return files;
}

/** Text of the user messages of a call (where the loop puts files and the step). */
function userText(call: StructuredCall<unknown>): string {
  return call.messages
    .filter((message) => message.role === "user")
    .map((message) => message.content)
    .join("\n");
}

/** The files of the step a coding call is about: the last `Files:` line of the prompt. */
function stepFiles(call: StructuredCall<unknown>): string[] {
  const lines = [...userText(call).matchAll(/^Files: (.*)$/gm)];
  const last = lines[lines.length - 1]?.[1] ?? "";
  return last
    .split(",")
    .map((file) => file.trim())
    .filter((file) => file.length > 0);
}

/** True when the call's schema declares `field` (continuation fields exist only in newer schemas). */
function schemaHas(call: StructuredCall<unknown>, field: string): boolean {
  const shape = (call.schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape !== undefined && field in shape;
}

function fullEdits(files: readonly PatchFile[]): EditItem[] {
  return files.map((file) => ({ kind: "write-file", path: file.path, search: "", replace: file.newContent }));
}

function firstEdits(files: readonly PatchFile[], style: "search-replace" | "write-file"): EditItem[] {
  return files.flatMap((file): EditItem[] =>
    file.isNew || style === "write-file"
      ? fullEdits([file])
      : file.hunks.map((hunk) => ({ kind: "search-replace", path: file.path, ...hunk })),
  );
}

/** First added test's name in the test files' hunks, e.g. `test_zero` (Python, JS/TS, Go, Rust). */
function testNameOf(files: readonly PatchFile[]): string {
  const text = files.map((file) => file.newContent).join("\n");
  const found = text.match(
    /def (test\w*)|(?:it|test)\(\s*["'`]([^"'`]{1,100})|func (Test\w+)|#\[test\]\s*(?:async )?fn (\w+)/,
  );
  return found?.slice(1).find((name) => name !== undefined) ?? "test from the patch";
}

/**
 * Answers edit calls from a queue per step: the edits that fit the call's schema now, `more` while some are left.
 */
class EditQueue {
  private readonly pending = new Map<string, EditItem[]>();

  constructor(
    private readonly style: "search-replace" | "write-file",
    private readonly strict: boolean,
  ) {}

  answer(call: StructuredCall<unknown>, files: readonly PatchFile[], extra: Record<string, unknown>) {
    const key = files.map((file) => file.path).join("\n");
    let queue = this.pending.get(key);
    if (!queue) {
      queue = firstEdits(files, this.style);
      this.pending.set(key, queue);
    } else if (queue.length === 0) {
      queue.push(...fullEdits(files));
    }
    const withMore = schemaHas(call, "more");
    const optional = (more: boolean) => ({
      ...(withMore ? { more } : {}),
      ...(schemaHas(call, "read") ? { read: [] } : {}),
    });
    const fits = (edits: EditItem[], more: boolean) =>
      call.schema.safeParse({ ...extra, edits, ...optional(more) }).success;
    const sent: EditItem[] = [];
    if (!withMore) sent.push(...queue.splice(0));
    // Send what fits now (at least one edit: one that never fits fails validation visibly), the rest later.
    while (queue.length > 0 && (sent.length === 0 || fits([...sent, queue[0] as EditItem], queue.length > 1))) {
      sent.push(queue.shift() as EditItem);
    }
    if (this.strict) {
      const prompt = userText(call);
      for (const edit of sent) {
        if (edit.kind === "search-replace" && edit.search && !prompt.includes(edit.search)) {
          throw new Error(
            `patch-model: a real model could not copy this SEARCH for ${edit.path}, the prompt does not show it:\n${edit.search}`,
          );
        }
      }
    }
    return { ...extra, edits: sent, ...optional(queue.length > 0) };
  }
}

/**
 * The script of a perfect model for `patch` (see {@link PatchModelOptions} for what each agent answers).
 *
 * @throws Error when the patch does not apply to the base (see {@link parsePatchFiles})
 */
export function perfectModelScript(patch: string, options: PatchModelOptions): Script {
  const files = parsePatchFiles(patch, options.readBase, options.isTestFile);
  const sources = files.filter((file) => !file.isTest);
  const tests = files.filter((file) => file.isTest);
  const coderQueue = new EditQueue(options.editStyle ?? "search-replace", options.requireSearchInPrompt ?? true);
  const testerQueue = new EditQueue(options.editStyle ?? "search-replace", options.requireSearchInPrompt ?? true);
  const maxSteps = 5;
  const steps = sources.slice(0, maxSteps).map((file) => ({
    files: [file.path],
    intent: `Apply the change to ${file.path}`,
    agent: "tanuki-coder",
  }));
  const last = steps[steps.length - 1];
  if (last) last.files.push(...sources.slice(maxSteps).map((file) => file.path));
  return {
    PlannerOutput: {
      summary: options.summary ?? `Apply the change to ${sources.map((file) => file.path).join(", ") || "the tests"}`,
      steps: steps.length > 0 ? steps : [{ files: [], intent: "No source change is needed", agent: "tanuki-coder" }],
    },
    CritiqueOutput: {
      critiques: [{ planIndex: 0, strengths: "Matches the fix.", weaknesses: "None.", score: 9 }],
      chosenIndex: 0,
      reasons: "Candidate 0 is the fix.",
    },
    CoderOutput: (call: StructuredCall<unknown>) => {
      const named = new Set(stepFiles(call));
      return coderQueue.answer(
        call,
        sources.filter((file) => named.has(file.path)),
        { explanation: "Applies the reference change." },
      );
    },
    TesterOutput: (call: StructuredCall<unknown>) =>
      testerQueue.answer(call, tests, { testName: testNameOf(tests), rationale: "The issue's expected behaviour." }),
    ReviewerOutput: { verdict: "approve", summary: "The change fixes the issue.", findings: [] },
    RcaOutput: {
      symptom: "The attempt did not pass.",
      whys: ["The change was incomplete."],
      rootCause: "The change was incomplete.",
      nextAttemptAdvice: "Apply the whole change.",
    },
    AggregatorOutput: { title: options.title ?? "Fix the issue", summary: "Applies the fix and a test that pins it." },
  };
}

/**
 * A {@link ScriptedModel} over {@link perfectModelScript}; `script` may be edited before the run. `contextSize`
 * makes the model claim that context (e.g. 8,192 like `tanuki serve`), so prompts are fitted to it.
 */
export function createPatchModel(
  patch: string,
  options: PatchModelOptions & { contextSize?: number },
): { model: ScriptedModel; script: Script } {
  const script = perfectModelScript(patch, options);
  return {
    model: new ScriptedModel(script, options.contextSize !== undefined ? { contextSize: options.contextSize } : {}),
    script,
  };
}
