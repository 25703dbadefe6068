import { expect, type Page, type APIRequestContext } from "@playwright/test";

/** A mail as the SMTP sink reports it. */
export interface Mail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  links: string[];
}

const mailUrl = () => process.env.SESAME_E2E_MAIL_URL ?? "http://127.0.0.1:2680";

/** Waits for a mail to `to` whose subject contains `subject` (and whose text contains
 * `containing`), from the real SMTP sink. */
export async function mailTo(
  request: APIRequestContext,
  to: string,
  subject: string,
  containing = "",
  timeoutMs = 20_000,
): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await request.get(`${mailUrl()}/messages`);
    const all = (await res.json()) as Mail[];
    const found = all.filter(
      (m) => m.to.some((t) => t.toLowerCase() === to.toLowerCase()) && m.subject.includes(subject) && m.text.includes(containing),
    );
    if (found.length > 0) return found[found.length - 1];
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no mail to ${to} with subject containing “${subject}”`);
}

/** A unique address for one test run. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@exemple.fr`;
}

/** Waits until the page's interactive islands are hydrated (WebAssembly loaded). */
export async function waitForIslands(page: Page): Promise<void> {
  await expect(page.locator("[data-island-ready='1']").first()).toBeAttached({ timeout: 30_000 });
}

/** The demo password printed by the set-up command. */
export const DEMO_PASSWORD = "Demo-Sesame-2026!";
/** A strong password for new accounts. */
export const PASSWORD = "Vienne-Bleu-73!";

/** The demo support agent (an administrator with a second factor). */
export const SUPPORT = { email: "support@demo.sesame.test", totpSecret: "KRSXG5CTMVZWC3LFMRSW233NN5XGK3TP" };
/** The demo biologist, approver of 86BV01. */
export const APPROVER = { email: "jeanne.lefort@demo.sesame.test", name: "Jeanne Lefort" };

function base32Decode(s: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of s.replace(/[\s=]/g, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

let lastStep = -1;

/** A TOTP code (RFC 6238) for a base32 secret, never twice from the same 30-second step
 * (the server accepts a code once). */
export async function totp(secret: string): Promise<string> {
  const { createHmac } = await import("node:crypto");
  let step = Math.floor(Date.now() / 30_000);
  if (step <= lastStep) {
    await new Promise((r) => setTimeout(r, (lastStep + 1) * 30_000 - Date.now() + 200));
    step = Math.floor(Date.now() / 30_000);
  }
  lastStep = step;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const o = h[19] & 15;
  const code = (((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1_000_000;
  return code.toString().padStart(6, "0");
}

/** Sign-in codes e-mailed to `to` so far (professionals' second factor). */
export async function signInCodesSent(request: APIRequestContext, to: string): Promise<number> {
  const res = await request.get(`${mailUrl()}/messages`);
  const all = (await res.json()) as Mail[];
  return all.filter((m) => m.to.some((t) => t.toLowerCase() === to.toLowerCase()) && m.subject.includes("code de connexion")).length;
}

/** The sign-in code e-mailed to `to` after the first `seen` ones. */
export async function signInCode(request: APIRequestContext, to: string, seen: number): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const res = await request.get(`${mailUrl()}/messages`);
    const all = ((await res.json()) as Mail[]).filter(
      (m) => m.to.some((t) => t.toLowerCase() === to.toLowerCase()) && m.subject.includes("code de connexion"),
    );
    if (all.length > seen) {
      const code = all[seen].text.match(/\b\d{6}\b/);
      if (code) return code[0];
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no sign-in code e-mailed to ${to}`);
}

/** Signs in through the real form, then gives the second factor when asked: the
 * authenticator app's code when its secret is known, else the code e-mailed at sign-in
 * (read from the SMTP sink). */
export async function signIn(page: Page, email: string, password: string, totpSecret?: string): Promise<void> {
  const request = page.context().request;
  const seen = await signInCodesSent(request, email);
  if (!page.url().includes("/connexion")) await page.goto("/connexion");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).not.toHaveURL(/\/connexion$/);
  if (page.url().includes("/connexion/code")) {
    const code = totpSecret ? await totp(totpSecret) : await signInCode(request, email, seen);
    await page.getByLabel("Code de vérification").fill(code);
    await page.getByRole("button", { name: "Valider" }).click();
    // An authenticator code works once: if another test used this 30-second step, wait
    // for the next one (the server refuses a replay, as it should).
    if (totpSecret) {
      await page.waitForLoadState();
      if (page.url().includes("/connexion/code")) {
        await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 300));
        await page.getByLabel("Code de vérification").fill(await totp(totpSecret));
        await page.getByRole("button", { name: "Valider" }).click();
      }
    }
  }
  await expect(page).not.toHaveURL(/\/connexion/);
}

/** Signs in (see `signIn`) and waits for `target` to load. */
export async function signInTo(page: Page, target: RegExp, email: string, password: string, totpSecret?: string): Promise<void> {
  await signIn(page, email, password, totpSecret);
  await expect(page).toHaveURL(target);
}

/** A name made of letters only, unique for this run. */
export function uniqueName(prefix: string): string {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  let s = "";
  for (let i = 0; i < 6; i++) s += letters[Math.floor(Math.random() * 26)];
  return `${prefix}${s}`;
}

/** The demo lab system's token (printed by the set-up command; development only). */
export const DEMO_LAB_TOKEN = "sesame_lab_demo_not_secret_0000000000000000000000000000";
