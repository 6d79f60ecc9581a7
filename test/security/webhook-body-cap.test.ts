import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GITHUB_PAYLOAD_LIMIT_BYTES } from "../../src/app/capped-body.js";
import { GitHubMock } from "../helpers/app-github-mock.js";
import { type AppHarness, signBody, startAppHarness } from "../helpers/app-harness.js";
import { issueCommentCreated } from "../helpers/app-payloads.js";
import { streamBody } from "../helpers/stream-body.js";

const MiB = 1024 * 1024;

function webhookHeaders(signature: string): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-github-event": "issue_comment",
    "x-github-delivery": randomUUID(),
    "x-hub-signature-256": signature,
  };
}

/** A real `issue_comment.created` payload whose JSON text is exactly `bytes` long (padding in the comment). */
function paddedDelivery(bytes: number): string {
  const payload = issueCommentCreated({ body: "" });
  const base = JSON.stringify(payload).length;
  payload.comment.body = "x".repeat(bytes - base);
  const body = JSON.stringify(payload);
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

describe("webhook bodies over GitHub's 25 MiB payload limit (the App's real server and Probot middleware)", () => {
  let h: AppHarness;
  let github: GitHubMock;

  beforeEach(async () => {
    github = new GitHubMock();
    h = await startAppHarness({ remoteUrl: "file:///nonexistent" });
  });
  afterEach(async () => {
    await h.close();
    github.dispose();
  });

  it("answers 413 to a streamed 400 MiB unsigned body before the body ends, holding at most the limit", async () => {
    const rssBefore = process.memoryUsage().rss;
    const answer = await streamBody(h.url, 400 * MiB, webhookHeaders(`sha256=${"0".repeat(64)}`));
    const rssGrowth = process.memoryUsage().rss - rssBefore;

    expect(answer.status).toBe(413);
    expect(answer.text).toContain("Payload Too Large");
    expect(answer.bodyEnded).toBe(false);
    // What the sender got into the connection before the answer: the limit plus socket buffers, far from 400 MiB.
    expect(answer.sentBeforeAnswer).toBeGreaterThan(GITHUB_PAYLOAD_LIMIT_BYTES);
    expect(answer.sentBeforeAnswer).toBeLessThan(GITHUB_PAYLOAD_LIMIT_BYTES + 32 * MiB);
    // Buffering the body (as before) grows this process by more than 400 MiB; the cap holds at most 25 MiB.
    expect(rssGrowth).toBeLessThan(150 * MiB);
    await h.app.idle();
    github.assertDone();
  });

  it("cuts a sender that ignores the 413 and keeps streaming: the connection closes within the drain bound", async () => {
    const answer = await streamBody(h.url, 400 * MiB, webhookHeaders(`sha256=${"0".repeat(64)}`), {
      keepSending: true,
    });

    expect(answer.status).toBe(413);
    expect(answer.sentBeforeAnswer).toBeGreaterThan(GITHUB_PAYLOAD_LIMIT_BYTES);
    // The server drains at most 16 MiB after the answer, then closes; the socket buffers on both sides add a few
    // MiB more (generous bound). Without the cut the sender would get all 400 MiB in.
    expect(answer.bodyEndedBeforeClose).toBe(false);
    expect(answer.sentBeforeClose).toBeGreaterThanOrEqual(answer.sentBeforeAnswer);
    expect(answer.sentBeforeClose).toBeLessThan(GITHUB_PAYLOAD_LIMIT_BYTES + 16 * MiB + 24 * MiB);
    await h.app.idle();
    github.assertDone();
  });

  it("answers 413 to a Content-Length over the limit before reading any of the body", async () => {
    const declared = 400 * MiB;
    const answer = await streamBody(h.url, declared, webhookHeaders(`sha256=${"0".repeat(64)}`), {
      contentLength: declared,
    });
    expect(answer.status).toBe(413);
    expect(answer.bodyEnded).toBe(false);
    expect(answer.sentBeforeAnswer).toBeLessThan(declared);
    github.assertDone();
  });

  it("refuses a correctly signed delivery one byte over the limit; one at the limit is verified and handled", async () => {
    const over = paddedDelivery(GITHUB_PAYLOAD_LIMIT_BYTES + 1);
    const refused = await streamBody(h.url, Buffer.byteLength(over), webhookHeaders(signBody(over)));
    expect(refused.status).toBe(413);

    const atLimit = paddedDelivery(GITHUB_PAYLOAD_LIMIT_BYTES);
    const wrong = await fetch(h.url, {
      method: "POST",
      headers: webhookHeaders(signBody(atLimit, "not-the-secret")),
      body: atLimit,
    });
    expect(wrong.status).toBe(401);
    // A comment without a command: handled (and ignored) without any GitHub call.
    const accepted = await fetch(h.url, { method: "POST", headers: webhookHeaders(signBody(atLimit)), body: atLimit });
    expect(accepted.status).toBe(200);
    await h.app.idle();
    github.assertDone();
  });

  it("keeps serving normal deliveries after a refused one", async () => {
    await streamBody(h.url, 64 * MiB, webhookHeaders(`sha256=${"0".repeat(64)}`));
    const res = await h.deliver("issue_comment", issueCommentCreated({ body: "thanks!" }));
    expect(res.status).toBe(200);
    await h.app.idle();
    github.assertDone();
  });
});
