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
