import type { RootCauseAnalysis } from "../core/finding.js";
import type { RunResult } from "../core/run-result.js";
import type { GitHubPort } from "../github/github-port.js";
import type { JobRunner, ReviewJobResult } from "../jobs/job-runner.js";

/** A JobRunner that can be released. */
export type DisposableJobRunner = JobRunner & { dispose(): Promise<void> };

/**
 * What one Action run produced, for its outputs, job summary and report files: the engine's answers (recorded from
 * the JobRunner) and what was published (recorded from the GitHub port).
 */
export class JobRecorder {
  readonly runs: RunResult[] = [];
  readonly reviews: ReviewJobResult[] = [];
  readonly analyses: RootCauseAnalysis[] = [];
  readonly pullRequests: { number: number; url: string }[] = [];
  readonly postedReviews: { id: number; url: string }[] = [];
  /** Task ids of the fix runs (their trace files are named after them). */
  readonly taskIds: string[] = [];

  /** `runner`, recording every answer. */
  wrapRunner(runner: JobRunner): JobRunner {
    return {
      fix: async (input) => {
        this.taskIds.push(input.task.id);
        return this.keep(this.runs, await runner.fix(input));
      },
      review: async (input) => this.keep(this.reviews, await runner.review(input)),
      analyzeFailure: async (input) => this.keep(this.analyses, await runner.analyzeFailure(input)),
      fixFailure: async (input) => {
        this.taskIds.push(input.task.id);
        return this.keep(this.runs, await runner.fixFailure(input));
      },
    };
  }

  /** `port`, recording the pull requests it opens and the reviews it posts. */
  wrapGitHub(port: GitHubPort): GitHubPort {
    const recorder = this;
    return new Proxy(port, {
      get(target, prop, receiver) {
        if (prop === "createPullRequest") {
          return async (...args: Parameters<GitHubPort["createPullRequest"]>) =>
            recorder.keep(recorder.pullRequests, await target.createPullRequest(...args));
        }
        if (prop === "createReview") {
          return async (...args: Parameters<GitHubPort["createReview"]>) =>
            recorder.keep(recorder.postedReviews, await target.createReview(...args));
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  private keep<T>(list: T[], value: T): T {
    list.push(value);
    return value;
  }
}

/**
 * A JobRunner built on its first call: an event that starts no job (a refused command, a comment without one)
 * never loads the model. `dispose` releases it when it was built.
 */
export function lazyJobRunner(create: () => Promise<DisposableJobRunner>): DisposableJobRunner {
  let built: Promise<DisposableJobRunner> | undefined;
  const get = () => {
    built ??= create();
    return built;
  };
  return {
    fix: async (input) => (await get()).fix(input),
    review: async (input) => (await get()).review(input),
    analyzeFailure: async (input) => (await get()).analyzeFailure(input),
    fixFailure: async (input) => (await get()).fixFailure(input),
    dispose: async () => {
      if (built) await (await built.catch(() => undefined))?.dispose();
    },
  };
}
