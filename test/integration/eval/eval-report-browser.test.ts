import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { compareResults } from "../../../src/eval/compare-results.js";
import { renderReport } from "../../../src/eval/render-report.js";
import { summarize } from "../../../src/eval/summarize.js";
import { describeIfAvailable } from "../../helpers/requirements.js";
import { resultFor } from "../../unit/eval/eval-results.js";

/** Debian's Chromium (`apt-get install chromium`), or the browser named by TANUKI_CHROMIUM. */
const CHROMIUM = process.env.TANUKI_CHROMIUM ?? "/usr/bin/chromium";

const describeBrowser = describeIfAvailable(existsSync(CHROMIUM), `Chromium at ${CHROMIUM} (apt-get install chromium)`);

describeBrowser("report.html in headless Chromium", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tanuki-eval-report-"));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("opens offline from disk, draws its charts with the inlined library, and shows the summary numbers", async () => {
    const b = Array.from({ length: 20 }, (_, i) =>
      resultFor(`acme__widgets-${i}`, i < 7, {
        repo: i % 2 ? "acme/widgets" : "acme/gadgets",
        tanukiSaysFixed: i < 8,
        wallMs: 60_000 + i * 1_000,
        tokens: { total: 10_000 + i * 100, byAgent: {} },
        runDir: `tasks/acme__widgets-${i}`,
      }),
    );
    const hostile = resultFor("x-<script>alert(1)</script>", false, { error: "</script><img src=x onerror=alert(2)>" });
    const results = [...b, hostile];
    const a = results.map((r, i) => ({ ...r, resolved: i < 3 }));
    const page = await renderReport({
      title: "Tanuki evaluation",
      summary: summarize(results),
      results,
      comparison: compareResults({ label: "before", results: a }, { label: "after", results }),
    });
    const file = join(dir, "report.html");
    await writeFile(file, page);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
      const errors: string[] = [];
      const requests: string[] = [];
      tab.on("pageerror", (error) => errors.push(error.message));
      tab.on("dialog", (dialog) => errors.push(`dialog: ${dialog.message()}`));
      tab.on("request", (request) => requests.push(request.url()));
      await tab.goto(pathToFileURL(file).href);
      // Page-side expressions as text: the test project is type-checked without the DOM library.
      await tab.waitForFunction(
        'typeof Chart !== "undefined" && !!Chart.getChart("chart-repos") && !!Chart.getChart("chart-comparison")',
      );
      await tab.screenshot({ path: join(dir, "report.png"), fullPage: true });

      const summary = (await tab.locator("#summary").textContent()) ?? "";
      expect(summary).toContain("7 / 21");
      expect(summary).toContain("33.3%");
      expect(summary).toMatch(/95% CI 17\.\d%–5\d\.\d%/);
      expect(summary).toContain("87.5%");
      const comparison = (await tab.locator("#comparison").textContent()) ?? "";
      expect(comparison).toContain("only A 0, only B 4");
      expect(comparison).toContain("p = 0.125");
      expect(await tab.locator("#tasks tbody tr").count()).toBe(21);
      expect((await tab.locator("#tasks").textContent()) ?? "").toContain("x-<script>alert(1)</script>");
      const drawn = await tab.evaluate(
        '(() => { const c = document.getElementById("chart-repos"); return c.width > 0 && c.height > 0; })()',
      );
      expect(drawn).toBe(true);
      expect(errors).toEqual([]);
      expect(requests.every((url) => url.startsWith("file:"))).toBe(true);
      expect(existsSync(join(dir, "report.png"))).toBe(true);
      if (process.env.TANUKI_KEEP_SCREENSHOT)
        await writeFile(process.env.TANUKI_KEEP_SCREENSHOT, await tab.screenshot({ fullPage: true }));
    } finally {
      await browser.close();
    }
  });
});
