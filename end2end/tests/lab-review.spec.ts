import { test, expect } from "@playwright/test";
import { DEMO_PASSWORD, PASSWORD, SUPPORT, mailTo, signIn, uniqueEmail, waitForIslands } from "./support";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

// Demo record DEMO-0003: Hélène Marie Durand, born Lefèvre, 30/11/1950.
const HELENE = { code: "P0W7-N1E4-GCT", birth: "1950-11-30" };

test("a name mismatch goes to the lab's review, and support links the record", async ({ browser, page, request }) => {
  // The patient signs up under her used name, which is not the lab's.
  const email = uniqueEmail("helene");
  await page.goto("/inscription");
  await waitForIslands(page);
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await page.getByLabel("Nom", { exact: true }).fill("Dupuis");
  await page.getByLabel("Prénom", { exact: true }).fill("Hélène");
  await page.getByLabel("Date de naissance").fill(HELENE.birth);
  await page.getByLabel("J'accepte les conditions d'utilisation").check();
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  const mail = await mailTo(request, email, "Confirmez votre adresse");
  await page.goto(mail.links.find((l) => l.includes("/verifier-email?jeton="))!);
  await page.getByRole("button", { name: "Confirmer mon adresse e-mail" }).click();
  await signIn(page, email, PASSWORD);

  await page.goto("/activation");
  await waitForIslands(page);
  await page.getByLabel("Code d'activation").pressSequentially(HELENE.code);
  await page.getByLabel("Date de naissance du patient").fill(HELENE.birth);
  await page.getByLabel("Moi-même").check();
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page.getByText("votre demande est transmise au laboratoire")).toBeVisible();
  await page.goto("/mon-compte");
  await expect(page.getByText("En vérification par le laboratoire")).toBeVisible();

  // Support compares the names and links the record.
  const supportContext = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "fr-FR" });
  const support = await supportContext.newPage();
  await signIn(support, SUPPORT.email, DEMO_PASSWORD, SUPPORT.totpSecret);
  await support.getByRole("link", { name: /Vérifications/ }).click();
  await expect(support).toHaveURL(/\/support\/verifications/);
  const card = support.getByRole("listitem", { name: "Hélène Dupuis" });
  await expect(card.getByText("Hélène Marie Durand")).toBeVisible();
  await card.getByRole("button", { name: "Rattacher le dossier" }).click();
  await expect(support.getByText("Le dossier est rattaché ; la personne est prévenue par e-mail.")).toBeVisible();
  await supportContext.close();

  // The patient is told, and sees the record.
  await mailTo(request, email, "rattaché à votre compte");
  await page.reload();
  await expect(page.getByText("Rattaché", { exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Hélène Marie Durand" })).toBeVisible();
});
