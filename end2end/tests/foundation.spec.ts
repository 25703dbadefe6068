import { test, expect } from "@playwright/test";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

test("the home page renders in French", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Vos analyses");
  await expect(page.getByRole("link", { name: "Créer mon compte" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Mentions légales" })).toBeVisible();
});

test("pages without an island download no WebAssembly; a form's islands hydrate; styles need no request", async ({ page }) => {
  const fetched: string[] = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  for (const path of ["/", "/connexion", "/aide"]) {
    fetched.length = 0;
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    expect(fetched.filter((p) => p.endsWith(".wasm") || p.startsWith("/pkg/")), path).toEqual([]);
    expect(fetched.filter((p) => p.endsWith(".css")), path).toEqual([]);
    // Styled all the same: the inline stylesheet applies.
    const background = await page.evaluate(() => getComputedStyle(document.querySelector("header")!).backgroundColor);
    expect(background, path).not.toBe("rgba(0, 0, 0, 0)");
  }
  // Each form page downloads the WebAssembly of its own group of islands only, and it hydrates.
  for (const [path, group] of [
    ["/inscription", "accounts"],
    ["/demande-acces", "access"],
  ] as const) {
    fetched.length = 0;
    await page.goto(path);
    await expect(page.locator("[data-island-ready='1']").first(), path).toBeAttached({ timeout: 30_000 });
    const wasm = fetched.filter((p) => p.endsWith(".wasm"));
    expect(wasm, path).toHaveLength(1);
    expect(wasm[0], path).toMatch(new RegExp(`^/pkg/islands-${group}\\.[0-9a-f]{16}\\.wasm$`));
    expect(fetched.filter((p) => p.endsWith(".css")), path).toEqual([]);
  }
});

test("switching to English works, and back", async ({ page }) => {
  await page.goto("/connexion");
  await page.getByRole("button", { name: /anglais|English/ }).click();
  await expect(page).toHaveURL(/\/connexion$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByLabel("E-mail address")).toBeVisible();
  await page.getByRole("button", { name: /French|Français/ }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
});

test("the web manifest is valid and its icons exist", async ({ request }) => {
  const res = await request.get("/manifest.webmanifest");
  expect(res.status()).toBe(200);
  const manifest = await res.json();
  expect(manifest.name).toContain("Sésame");
  expect(manifest.display).toBe("standalone");
  expect(manifest.start_url).toBe("/");
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  for (const [size, purpose] of [["192x192", "any"], ["512x512", "any"], ["192x192", "maskable"], ["512x512", "maskable"]]) {
    const icon = manifest.icons.find((i: { sizes: string; purpose: string }) => i.sizes === size && i.purpose === purpose);
    expect(icon, `${size} ${purpose}`).toBeTruthy();
    const png = await request.get(icon.src);
    expect(png.status()).toBe(200);
    const bytes = await png.body();
    expect(bytes.subarray(1, 4).toString()).toBe("PNG");
    expect(`${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`).toBe(size);
  }
});

test("the service worker shows the offline page when the network is gone", async ({ page, context }) => {
  await page.goto("/");
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // Once the worker controls the page, pages are still fetched from the network…
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await context.setOffline(true);
  // …and when it is gone, a navigation shows the cached offline page.
  await page.goto("/connexion").catch(() => undefined);
  await expect(page.getByRole("heading", { name: "Vous êtes hors connexion" })).toBeVisible();
  await context.setOffline(false);
  await page.goto("/connexion");
  await expect(page.getByRole("heading", { name: "Se connecter" })).toBeVisible();
});

test("a cross-origin POST to a server function is refused", async ({ request, page }) => {
  const evil = await request.post("/api/langue", {
    headers: { Origin: "https://evil.example" },
    form: { lang: "en", back: "/" },
    maxRedirects: 0,
  });
  expect(evil.status()).toBe(403);
  // The same switch from our own page works.
  await page.goto("/");
  await page.getByRole("button", { name: /anglais|English/ }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
});

test("unknown pages answer 404 with a way forward", async ({ page }) => {
  const response = await page.goto("/nulle-part");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page introuvable" })).toBeVisible();
  await page.getByRole("link", { name: "Revenir à l'accueil" }).click();
  await expect(page).toHaveURL(/\/$/);
});
