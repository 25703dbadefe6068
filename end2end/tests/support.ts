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

/** Signs in through the real form (and the second factor when asked). */
export async function signIn(page: Page, email: string, password: string, totpSecret?: string): Promise<void> {
  await page.goto("/connexion");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  if (totpSecret) {
    await expect(page).toHaveURL(/\/connexion\/code/);
    await page.getByLabel("Code de vérification").fill(await totp(totpSecret));
    await page.getByRole("button", { name: "Valider" }).click();
  }
  await expect(page).not.toHaveURL(/\/connexion/);
}

/** A name made of letters only, unique for this run. */
export function uniqueName(prefix: string): string {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  let s = "";
  for (let i = 0; i < 6; i++) s += letters[Math.floor(Math.random() * 26)];
  return `${prefix}${s}`;
}
