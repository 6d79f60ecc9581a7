import { describe, expect, it } from "vitest";
import { OutputCollector } from "../../src/sandbox/output-collector.js";

/** One frame of Docker's multiplexed exec stream: [stream, 0, 0, 0, size (uint32 BE)] + payload. */
function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("OutputCollector", () => {
  it("demultiplexes stdout and stderr frames, in order", () => {
    const collector = new OutputCollector(1024);
    collector.push(Buffer.concat([frame(1, "a"), frame(2, "E1"), frame(1, "bc"), frame(2, "E2")]));
    expect(collector.result()).toEqual({ stdout: "abc", stderr: "E1E2", truncated: false });
  });

  it("reassembles frames split anywhere, even inside the header", () => {
    const stream = Buffer.concat([frame(1, "héllo "), frame(2, "warn"), frame(1, "wörld")]);
    const collector = new OutputCollector(1024);
    for (let i = 0; i < stream.length; i++) collector.push(stream.subarray(i, i + 1));
    expect(collector.result()).toEqual({ stdout: "héllo wörld", stderr: "warn", truncated: false });
  });

  it("keeps the first and the last half of maxBytes, stdout and stderr together, and marks what was dropped", () => {
    const collector = new OutputCollector(10);
    collector.push(frame(1, "12345678"));
    collector.push(frame(2, "abcdef"));
    collector.push(frame(1, "more"));
    // Head: "12345"; the tail keeps the last 5 bytes in arrival order: "f" (stderr), "more" (stdout).
    expect(collector.result()).toEqual({
      stdout: "12345\n[… 3 bytes of output dropped …]\nmore",
      stderr: "\n[… 5 bytes of output dropped …]\nf",
      truncated: true,
    });
  });

  it("counts the dropped bytes of each stream when the tail holds both", () => {
    const collector = new OutputCollector(10);
    collector.push(frame(1, "12345"));
    collector.push(frame(1, "ab"));
    collector.push(frame(2, "cd"));
    collector.push(frame(1, "e"));
    collector.push(frame(1, "XYZ"));
    expect(collector.result()).toEqual({
      stdout: "12345\n[… 2 bytes of output dropped …]\neXYZ",
      stderr: "\n[… 1 bytes of output dropped …]\nd",
      truncated: true,
    });
  });

  it("keeps a long run's last lines (summary, traceback) however much came before", () => {
    const collector = new OutputCollector(64 * 1024);
    collector.push(frame(1, "collected 3 tests\n"));
    for (let i = 0; i < 2000; i++) collector.push(frame(1, `${"noise ".repeat(100)}\n`));
    collector.push(frame(2, "Traceback (most recent call last):\n  ValueError: boom\n"));
    collector.push(frame(1, "==== 1 failed, 2 passed in 0.12s ====\n"));
    const { stdout, stderr, truncated } = collector.result();
    expect(truncated).toBe(true);
    expect(stdout.startsWith("collected 3 tests\n")).toBe(true);
    expect(stdout.endsWith("==== 1 failed, 2 passed in 0.12s ====\n")).toBe(true);
    expect(stdout).toMatch(/\n\[… \d+ bytes of output dropped …\]\n/);
    expect(stderr).toBe("Traceback (most recent call last):\n  ValueError: boom\n");
    expect(Buffer.byteLength(stdout) + Buffer.byteLength(stderr)).toBeLessThan(64 * 1024 + 100);
  });

  it("starts the tail at a character boundary and counts the skipped bytes as dropped", () => {
    const collector = new OutputCollector(8);
    // "é" is two bytes (C3 A9): the tail (A9 C3 A9 "z") starts inside the first "é", whose last byte is skipped.
    collector.push(frame(1, "abcd" + "xé" + "é" + "z"));
    expect(collector.result().stdout).toBe("abcd\n[… 3 bytes of output dropped …]\néz");
  });

  it("keeps the same bytes whether the output comes in one frame or byte by byte", () => {
    const text = Array.from({ length: 500 }, (_, i) => `line ${i}`).join("\n");
    const whole = new OutputCollector(1000);
    whole.push(frame(1, text));
    const bytewise = new OutputCollector(1000);
    for (const byte of Buffer.from(text)) bytewise.push(frame(1, String.fromCharCode(byte)));
    expect(bytewise.result()).toEqual(whole.result());
    expect(whole.result().stdout.endsWith("line 499")).toBe(true);
  });

  it("is not truncated when the output is exactly the cap", () => {
    const collector = new OutputCollector(4);
    collector.push(frame(1, "1234"));
    collector.push(frame(2, ""));
    expect(collector.result()).toEqual({ stdout: "1234", stderr: "", truncated: false });
  });
});
