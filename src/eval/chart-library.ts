import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

let cached: Promise<string> | undefined;

/**
 * The minified UMD build of Chart.js (MIT), read from the installed package, for inlining into a self-contained
 * report page (the page must open from disk and offline, so it cannot load a script from a CDN).
 *
 * @throws Error when the chart.js package is not installed
 */
export function chartLibrarySource(): Promise<string> {
  cached ??= (async () => {
    const entry = createRequire(import.meta.url).resolve("chart.js");
    const source = await readFile(join(dirname(entry), "chart.umd.min.js"), "utf8");
    // Inlined inside <script>: a closing tag in the library text would end the element early.
    return source.replace(/<\/(script)/gi, "<\\/$1");
  })();
  return cached;
}
