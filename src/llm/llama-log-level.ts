import { LlamaLogLevel } from "node-llama-cpp";

/** Maps node-llama-cpp's log levels to Tanuki's four. */
export function toLogLevel(level: LlamaLogLevel): "debug" | "info" | "warn" | "error" {
  switch (level) {
    case LlamaLogLevel.fatal:
    case LlamaLogLevel.error:
      return "error";
    case LlamaLogLevel.warn:
      return "warn";
    case LlamaLogLevel.info:
    case LlamaLogLevel.log:
      return "info";
    default:
      return "debug";
  }
}
