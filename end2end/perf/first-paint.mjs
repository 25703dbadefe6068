// First paint of the form pages on Lighthouse's slow-phone profile, in Debian's Chromium:
// 150 ms round trip, 1.6 Mbps down, 750 kbps up, CPU slowed ×4, cache off. A real trace,
// not a simulation. Each page is loaded `--runs` times (11 by default) from a fresh browser
// context, the pages taking turns (a page is never measured only in a quiet or a busy
// moment of the shared machine), and for each page it prints the median first contentful
// paint with its spread, when the last byte of the HTML arrived (the network's share), the
// largest contentful paint and when the WebAssembly finished arriving.
//
// Usage: node end2end/perf/first-paint.mjs http://127.0.0.1:3000 [--runs 11] [URL...]
// Extra full URLs (another site's sign-up page, say) are measured in the same turns, so
// that a comparison is made on the same machine in the same minutes.
import { chromium } from "@playwright/test";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 11;
const base = args.shift() ?? "http://127.0.0.1:3000";
const urls = ["/inscription", "/activation", "/connexion", "/demande-acces"].map((p) => base + p).concat(args);
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
});

/** One cold load of `url` on the slow-phone profile; times in ms from navigation start. */
async function load(url) {
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
  await page.goto(url, { waitUntil: "load" });
  await page.waitForTimeout(2500);
  const t = await page.evaluate(() => ({
    fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1,
    html: performance.getEntriesByType("navigation")[0]?.responseEnd ?? -1,
    lcp: window.__lcp,
    wasm: performance.getEntriesByType("resource").find((r) => r.name.endsWith(".wasm"))?.responseEnd ?? -1,
  }));
  await context.close();
  return t;
}

const samples = new Map(urls.map((u) => [u, []]));
for (let i = 0; i < runs; i++) {
  for (const url of urls) samples.get(url).push(await load(url));
}
await browser.close();

const ms = (x) => (x < 0 ? "none" : `${Math.round(x)} ms`);
for (const [url, s] of samples) {
  const fcp = sorted(s.map((t) => t.fcp));
  const name = url.startsWith(base) ? url.slice(base.length) : url;
  console.log(
    `first paint ${name.padEnd(15)} FCP ${ms(median(fcp)).padStart(7)} (${Math.round(fcp[0])}–${Math.round(fcp.at(-1))})  ` +
      `HTML in ${ms(median(s.map((t) => t.html)))}  LCP ${ms(median(s.map((t) => t.lcp)))}  ` +
      `WebAssembly arrived ${ms(median(s.map((t) => t.wasm)))}  (median of ${runs}, slow 4G, CPU ×4)`,
  );
}
