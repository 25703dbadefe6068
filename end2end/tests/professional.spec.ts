import { test, expect, type Browser } from "@playwright/test";
import { APPROVER, DEMO_PASSWORD, PASSWORD, SUPPORT, mailTo, signIn, uniqueEmail, uniqueName, waitForIslands } from "./support";

const TABLET = { viewport: { width: 1024, height: 768 }, hasTouch: true };
const DESKTOP = { viewport: { width: 1366, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

async function requestAccess(browser: Browser, lastName: string, email: string) {
  const context = await browser.newContext({ ...PHONE, locale: "fr-FR" });
  const page = await context.newPage();
  await page.goto("/demande-acces");
  await waitForIslands(page);
  await page.getByRole("radio", { name: "Collaborateur" }).check();
  await page.getByLabel("Code correspondant").fill("86BV01");
  await expect(page.getByText("Laboratoire BioVienne")).toBeVisible();
  await page.getByLabel("Résultats").check();
  await page.getByLabel("Approbateur").selectOption({ label: APPROVER.name });
  await page.getByRole("radio", { name: "Une sélection de sites" }).check();
  await page.getByLabel(/BioVienne Poitiers Centre/).check();
  await page.getByLabel(/BioVienne Châtellerault/).check();
  await page.getByLabel(/BioVienne Niort/).check();
  await page.getByLabel("Nom", { exact: true }).fill(lastName);
  await page.getByLabel("Prénom", { exact: true }).fill("Lucie");
  await page.getByLabel("Adresse e-mail professionnelle").fill(email);
  await page.getByLabel("Téléphone").fill("05 49 12 34 56");
  await page.getByRole("button", { name: "Envoyer" }).click();
  await expect(page.getByRole("heading", { name: "Votre demande est envoyée" })).toBeVisible();
  await context.close();
}

test("from the request to an active collaborator who sees Résultats for two sites", async ({ browser, request }) => {
  const lastName = uniqueName("Moreau");
  const email = uniqueEmail("lucie");
  await requestAccess(browser, lastName, email);

  // The approver, on a tablet, keeps two of the three sites and approves.
  const approverContext = await browser.newContext({ ...TABLET, locale: "fr-FR" });
  const approver = await approverContext.newPage();
  await signIn(approver, APPROVER.email, DEMO_PASSWORD);
  await expect(approver.getByRole("link", { name: /Approbation des comptes/ }).first()).toBeVisible();
  await approver.goto("/approbation-des-comptes");
  const card = approver.getByRole("article", { name: `Lucie ${lastName}` });
  await expect(card).toBeVisible();
  await expect(card.getByText("Résultats —")).toBeVisible();
  await card.getByText("Ajuster les droits ou les sites").click();
  await card.getByLabel(/BioVienne Niort/).uncheck();
  await card.getByRole("button", { name: "Approuver", exact: true }).click();
  await expect(approver.getByText(`La demande de Lucie ${lastName} est approuvée`)).toBeVisible();
  await approverContext.close();

  // Support validates; the approver's change is shown.
  const supportContext = await browser.newContext({ ...DESKTOP, locale: "fr-FR" });
  const support = await supportContext.newPage();
  await signIn(support, SUPPORT.email, DEMO_PASSWORD, SUPPORT.totpSecret);
  await support.goto("/support/demandes");
  const pending = support.getByRole("article", { name: `Lucie ${lastName}` });
  await expect(pending.getByText(`Modifié et approuvé par ${APPROVER.name}`)).toBeVisible();
  await pending.getByRole("button", { name: "Valider" }).click();
  await expect(support.getByText(`La demande de Lucie ${lastName} est validée`)).toBeVisible();
  await supportContext.close();

  // The provisional code arrives at the SMTP test server.
  const mail = await mailTo(request, email, "code d'accès provisoire");
  const code = mail.text.split("\n").map((l) => l.trim()).find((l) => /^[0-9A-Z*~$=]{4}-[0-9A-Z*~$=]{4}-[0-9A-Z*~$=]{3}$/.test(l));
  expect(code).toBeTruthy();

  // First sign-in: e-mail, code, password, terms.
  const context = await browser.newContext({ ...DESKTOP, locale: "fr-FR" });
  const page = await context.newPage();
  await page.goto("/premiere-connexion");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Code d'accès provisoire").fill(code!.toLowerCase());
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await page.getByLabel("J'accepte les conditions d'utilisation").check();
  await page.getByRole("button", { name: "Activer mon compte" }).click();
  await expect(page).toHaveURL(/\/mon-compte/);
  await expect(page.getByText("Votre compte est activé")).toBeVisible();
  const main = page.locator("main");
  await expect(main.getByRole("link", { name: "Résultats" })).toBeVisible();
  await expect(main.getByRole("link", { name: "Factures" })).toHaveCount(0);
  await main.getByRole("link", { name: "Résultats" }).click();
  await expect(page.getByRole("heading", { name: "Résultats" })).toBeVisible();
  // Her two sites, named on the page and offered as filters; the third nowhere.
  const yourSites = page.getByText(/^Vos sites :/);
  await expect(yourSites).toContainText("BioVienne Poitiers Centre");
  await expect(yourSites).toContainText("BioVienne Châtellerault");
  await expect(page.getByLabel("Site", { exact: true }).locator("option")).toHaveCount(3);
  await expect(page.getByText(/BioVienne Niort/)).toHaveCount(0);
  const invoices = await page.goto("/factures");
  expect(invoices?.status()).toBe(403);
  await context.close();
});

test("a refused request tells the requester why", async ({ browser, request }) => {
  const lastName = uniqueName("Refus");
  const email = uniqueEmail("refus");
  await requestAccess(browser, lastName, email);
  const context = await browser.newContext({ ...TABLET, locale: "fr-FR" });
  const approver = await context.newPage();
  await signIn(approver, APPROVER.email, DEMO_PASSWORD);
  await approver.goto("/approbation-des-comptes");
  const card = approver.getByRole("article", { name: `Lucie ${lastName}` });
  await card.getByText("Ne pas approuver…").click();
  await card.getByLabel("Motif du refus").fill("Vous ne faites pas partie de notre laboratoire.");
  await card.getByRole("button", { name: "Refuser" }).click();
  await expect(approver.getByText(`La demande de Lucie ${lastName} est refusée`)).toBeVisible();
  const mail = await mailTo(request, email, "pas été acceptée");
  expect(mail.text).toContain("Vous ne faites pas partie de notre laboratoire.");
  await context.close();
});
