import type { Finding } from "../core/finding.js";
import type { CheckAnnotation } from "./github-port.js";

/**
 * Reviewer findings as check run annotations: `blocking` and `major` are failures, `minor` warnings, `nit`
 * notices. The title carries the severity; the message the explanation and, when proposed, the suggestion.
 */
export function findingsToAnnotations(findings: Finding[]): CheckAnnotation[] {
  return findings
    .filter((f) => f.resolved !== true)
    .map((f) => ({
      path: f.file,
      startLine: Math.max(1, f.line),
      endLine: Math.max(1, f.line),
      level:
        f.severity === "blocking" || f.severity === "major" ? "failure" : f.severity === "minor" ? "warning" : "notice",
      title: `Tanuki: ${f.severity}`,
      message: f.suggestion ? `${f.explanation}\n\nSuggested:\n${f.suggestion}` : f.explanation,
    }));
}
