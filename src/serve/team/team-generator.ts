import { choosePlan } from "../../agents/critic/choose-plan.js";
import { CRITIQUE_TASK } from "../../agents/critic/critique-task.js";
import { PLAN_TASK } from "../../agents/planner/plan-task.js";
import { REVIEW_TASK } from "../../agents/reviewer/review-task.js";
import { AGENT_IDS, canCode, DEFAULT_ROSTER, getRosterEntry, type RosterEntry } from "../../agents/roster.js";
import { fitRosterToContext } from "../../agents/shared/fit-to-context.js";
import { isInvalidAnswer } from "../../agents/shared/invalid-answer-error.js";
import { type AgentResult, runAgent } from "../../agents/shared/run-agent.js";
import type { Finding } from "../../core/finding.js";
import type { Plan, PlanDecision } from "../../core/plan.js";
import type { ChatModel } from "../../llm/chat-model.js";
import type { TextGenerationRequest, TextGenerationResult } from "../../llm/llama-cpp-options.js";
import type { ServeGenerator } from "../serve-generator.js";
import { coderMessages, renderAnswer, teamIssue } from "./team-brief.js";

/** The model id under which `tanuki serve` answers with the whole agent team. */
export const TEAM_MODEL_ID = "tanuki-team";

/** Options of {@link TeamGenerator}. */
export interface TeamOptions {
  /** Candidate plans the planner proposes (then the critic chooses). Default 2. */
  plans?: number;
  /** Coder rounds at most: a blocking review finding sends the answer back while rounds are left. Default 2. */
  rounds?: number;
  /** Agents; default the built-in roster, answer caps fitted to the model's context. */
  roster?: readonly RosterEntry[];
}

/** Counts of one team answer, reported in the result's `meta.team`. */
interface TeamCounts {
  /** Model calls of every agent (a repair call counts). */
  calls: number;
  plans: number;
  rounds: number;
  /** Blocking findings still open when the answer was returned. */
  openFindings: number;
}

/**
 * `tanuki-team` as a served model: a {@link ServeGenerator} whose answers come from Tanuki's agents. Requests for
 * any other model id go straight to `inner`.
 *
 * One answer: the planner proposes `plans` candidate plans for the user's last message (the conversation before it
 * is the briefing), the critic chooses one (`choosePlan`), the coder answers through `inner` with the client's own
 * messages, tools and format plus the chosen plan, and the adversarial reviewer attacks that answer; a blocking
 * finding sends it back to the coder with the findings, up to `rounds` coder calls. Each step is reported through
 * `onReasoning` as it happens (clients show it as reasoning); the answer (text or tool calls) is released only
 * after the review, so a rejected draft never reaches the client. Usage adds up every internal call.
 *
 * A planner or critic answer that stays invalid after its repair call is skipped (the coder then works from the
 * request alone or from the smaller plan); a reviewer answer that stays invalid counts as no finding. Model errors
 * and cancellation propagate.
 */
export class TeamGenerator implements ServeGenerator {
  readonly name: string;
  readonly completeText?: ServeGenerator["completeText"];
  readonly embed?: ServeGenerator["embed"];
  readonly infillSupported?: boolean;
  private readonly roster: readonly RosterEntry[];

  /**
   * @param inner  the generator the coder answers through (and that serves every other model id)
   * @param model  the ChatModel the planner, critic and reviewer call (structured answers)
   */
  constructor(
    private readonly inner: ServeGenerator,
    private readonly model: ChatModel,
    private readonly options: TeamOptions = {},
  ) {
    this.name = inner.name;
    this.completeText = inner.completeText?.bind(inner);
    this.embed = inner.embed?.bind(inner);
    this.infillSupported = inner.infillSupported;
    this.roster = fitRosterToContext(options.roster ?? DEFAULT_ROSTER, model.contextSize);
  }

  get contextSize(): number | undefined {
    return this.inner.contextSize;
  }

  adapterFor(agent: string) {
    return this.inner.adapterFor?.(agent);
  }

  async generateText(request: TextGenerationRequest): Promise<TextGenerationResult> {
    if (request.agent !== TEAM_MODEL_ID) return this.inner.generateText(request);
    const started = performance.now();
    const usage = { promptTokens: 0, completionTokens: 0 };
    const counts: TeamCounts = { calls: 0, plans: 0, rounds: 0, openFindings: 0 };
    let reasoning = "";
    const report = (line: string) => {
      reasoning += `${line}\n`;
      request.onReasoning?.(`${line}\n`);
    };
    const count = <T>(result: AgentResult<T>): T => {
      usage.promptTokens += result.usage.promptTokens;
      usage.completionTokens += result.usage.completionTokens;
      counts.calls += result.calls;
      return result.value;
    };
    const { issue, briefing } = teamIssue(request.messages);
    const plan = await this.plan(request, issue, briefing, report, count, counts);
    const reviewer = getRosterEntry(this.roster, AGENT_IDS.reviewer);
    const rounds = Math.max(1, this.options.rounds ?? 2);
    let findings: Finding[] = [];
    let answer: TextGenerationResult | undefined;
    for (let round = 1; round <= rounds; round += 1) {
      report(`Coder: writing the answer${round > 1 ? ` again (round ${round} of ${rounds})` : ""}…`);
      answer = await this.inner.generateText({
        ...request,
        agent: AGENT_IDS.coder,
        messages: coderMessages(request.messages, plan, findings),
        onTextChunk: undefined,
        onToolCall: undefined,
        onReasoning: undefined,
      });
      counts.rounds = round;
      counts.calls += 1;
      usage.promptTokens += answer.usage.promptTokens;
      usage.completionTokens += answer.usage.completionTokens;
      report("Reviewer: attacking the answer…");
      let blocking: Finding[] = [];
      try {
        const review = count(
          await runAgent(
            this.model,
            reviewer,
            REVIEW_TASK,
            { issue, diff: renderAnswer(answer.text, answer.toolCalls) },
            request.signal,
          ),
        );
        blocking = review.findings.filter((finding) => finding.severity === "blocking");
        report(`Reviewer: ${review.verdict}, ${review.findings.length} finding(s), ${blocking.length} blocking.`);
        for (const finding of blocking) report(`  blocking: ${finding.explanation}`);
      } catch (error) {
        if (!isInvalidAnswer(error)) throw error;
        report("Reviewer: no valid review; the answer goes out unreviewed.");
      }
      findings = blocking;
      if (blocking.length === 0) break;
      if (round === rounds) report(`Budget of ${rounds} coder round(s) spent; answering with the findings open.`);
    }
    counts.openFindings = findings.length;
    const final = answer as TextGenerationResult;
    if (final.text !== "") request.onTextChunk?.(final.text);
    for (const [index, call] of (final.toolCalls ?? []).entries()) {
      request.onToolCall?.({ index, name: call.name });
      request.onToolCall?.({ index, name: call.name, arguments: call.arguments });
    }
    return {
      ...final,
      reasoning,
      usage,
      durationMs: performance.now() - started,
      meta: { ...final.meta, team: counts },
    };
  }

  /** Planner (K candidates) and critic; a plan with no steps when none was valid. */
  private async plan(
    request: TextGenerationRequest,
    issue: ReturnType<typeof teamIssue>["issue"],
    briefing: string,
    report: (line: string) => void,
    count: <T>(result: AgentResult<T>) => T,
    counts: TeamCounts,
  ): Promise<Plan> {
    const planner = getRosterEntry(this.roster, AGENT_IDS.planner);
    const agents = this.roster.filter(canCode).map((entry) => ({ id: entry.id, description: entry.description }));
    const wanted = Math.max(1, this.options.plans ?? 2);
    const candidates: Plan[] = [];
    report(`Planner: proposing ${wanted} candidate plan(s)…`);
    for (let index = 0; index < wanted; index += 1) {
      try {
        const input = {
          issue,
          briefing,
          agents,
          candidateIndex: index,
          earlierSummaries: candidates.map((p) => p.summary),
        };
        const plan = count(await runAgent(this.model, planner, PLAN_TASK, input, request.signal));
        candidates.push(plan);
        report(`  plan ${index + 1}: ${plan.summary}`);
      } catch (error) {
        if (!isInvalidAnswer(error)) throw error;
        report(`  plan ${index + 1}: no valid answer, skipped`);
      }
    }
    counts.plans = candidates.length;
    if (candidates.length === 0) return { summary: "Answer the request directly.", steps: [] };
    let decision: PlanDecision;
    if (candidates.length === 1) {
      decision = choosePlan(candidates, { critiques: [], chosenIndex: 0, reasons: "Only one candidate plan." });
    } else {
      report("Critic: comparing the plans…");
      try {
        decision = count(
          await runAgent(this.model, planner, CRITIQUE_TASK, { issue, briefing, candidates }, request.signal),
        );
      } catch (error) {
        if (!isInvalidAnswer(error)) throw error;
        decision = choosePlan(candidates, { critiques: [], chosenIndex: -1, reasons: "The critique failed." });
      }
    }
    report(`Critic: chose plan ${decision.chosenIndex + 1}: ${decision.reasons}`);
    return decision.candidates[decision.chosenIndex] as Plan;
  }
}
