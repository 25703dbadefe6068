// First paint of the form pages on Lighthouse's slow-phone profile, in Debian's Chromium:
// 150 ms round trip, 1.6 Mbps down, 750 kbps up, CPU slowed ×4, cache off. A real trace,
// not a simulation: each page is loaded five times from a fresh context and the median is
// printed, with the largest contentful paint and when the WebAssembly finished arriving.
// Usage: node end2end/perf/first-paint.mjs http://127.0.0.1:3000
import { chromium } from "@playwright/test";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const pages = ["/inscription", "/activation", "/connexion", "/demande-acces"];
const runs = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
});
for (const path of pages) {
  const fcp = [], lcp = [], wasm = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    await page.addInitScript(() => {
      window.__lcp = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__lcp = e.startTime;
      }).observe({ type: "largest-contentful-paint", buffered: true });
    });
    await page.goto(base + path, { waitUntil: "load" });
    await page.waitForTimeout(2500);
    const t = await page.evaluate(() => ({
      fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1,
      lcp: window.__lcp,
      wasm: performance.getEntriesByType("resource").find((r) => r.name.endsWith(".wasm"))?.responseEnd ?? -1,
    }));
    fcp.push(t.fcp);
    lcp.push(t.lcp);
    wasm.push(t.wasm);
    await context.close();
  }
  const ms = (x) => (x < 0 ? "none" : `${Math.round(x)} ms`);
  console.log(
    `first paint ${path.padEnd(15)} FCP ${ms(median(fcp)).padStart(7)}  LCP ${ms(median(lcp)).padStart(7)}  ` +
      `WebAssembly arrived ${ms(median(wasm))}  (median of ${runs}, slow 4G, CPU ×4)`,
  );
}
await browser.close();
