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

  it("keeps at most maxBytes of stdout and stderr together and flags the rest as dropped", () => {
    const collector = new OutputCollector(10);
    collector.push(frame(1, "12345678"));
    collector.push(frame(2, "abcdef"));
    collector.push(frame(1, "more"));
    expect(collector.result()).toEqual({ stdout: "12345678", stderr: "ab", truncated: true });
  });

  it("is not truncated when the output is exactly the cap", () => {
    const collector = new OutputCollector(4);
    collector.push(frame(1, "1234"));
    collector.push(frame(2, ""));
    expect(collector.result()).toEqual({ stdout: "1234", stderr: "", truncated: false });
  });
});
