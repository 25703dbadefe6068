import { test, expect } from "@playwright/test";
import { DEMO_PASSWORD, PASSWORD, SUPPORT, mailTo, signIn, uniqueEmail, uniqueName, waitForIslands } from "./support";

test.use({ viewport: { width: 1366, height: 900 } });

test("support invites a user, who accepts and becomes active, then is deactivated", async ({ browser, page, request }) => {
  const email = uniqueEmail("invite");
  const lastName = uniqueName("Garnier");

  await signIn(page, SUPPORT.email, DEMO_PASSWORD, SUPPORT.totpSecret);
  await page.goto("/admin/utilisateurs");
  await page.getByRole("link", { name: "Créer un utilisateur" }).click();
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Nom", { exact: true }).fill(lastName);
  await page.getByLabel("Prénom", { exact: true }).fill("Claire");
  await page.getByLabel("Fonction").fill("Secrétaire médicale");
  await page.getByRole("radio", { name: "Professionnel de laboratoire" }).check();
  await page.getByLabel("Structure").selectOption({ label: "86BV01 — Laboratoire BioVienne" });
  await page.getByRole("radio", { name: "Collaborateur" }).check();
  await page.getByRole("button", { name: "Créer et envoyer l'invitation" }).click();
  await expect(page.getByText("Le compte est créé et l'invitation envoyée.")).toBeVisible();
  await expect(page.getByText("Invitation envoyée").first()).toBeVisible();

  // The invitation arrives; the person chooses a password, signs in, accepts the terms.
  const mail = await mailTo(request, email, "invité");
  const link = mail.links.find((l) => l.includes("/invitation?jeton="))!;
  const personContext = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "fr-FR" });
  const person = await personContext.newPage();
  await person.goto(link);
  await waitForIslands(person);
  await person.getByLabel("Mot de passe").fill(PASSWORD);
  await person.getByRole("button", { name: "Choisir mon mot de passe" }).click();
  await expect(person).toHaveURL(/\/connexion\?invitation=1/);
  // A professional: the password, then the code e-mailed at sign-in, then the terms.
  await signIn(person, email, PASSWORD);
  await expect(person).toHaveURL(/\/bienvenue/);
  await person.getByLabel("J'accepte les conditions d'utilisation").check();
  await person.getByRole("button", { name: "Accéder à Sésame" }).click();
  await expect(person).toHaveURL(/\/mon-compte/);

  // The list shows them under the "Actif" status filter.
  await page.goto("/admin/utilisateurs");
  await page.getByLabel("Rechercher").fill(lastName.toLowerCase());
  await page.getByLabel("Statut").selectOption({ label: "Actif" });
  await page.getByRole("button", { name: "Filtrer" }).click();
  const row = page.getByRole("row", { name: new RegExp(lastName) });
  await expect(row).toBeVisible();
  await expect(row.getByText("Actif")).toBeVisible();

  // Support deactivates them: their open session is refused on the next page load.
  await row.getByRole("link", { name: new RegExp(lastName) }).click();
  await page.getByLabel("Motif").fill("Départ de la structure");
  await page.getByRole("button", { name: "Désactiver" }).click();
  await expect(page.getByText("Le compte est désactivé")).toBeVisible();
  const refused = await person.reload();
  expect(refused?.status()).toBe(401);
  // Their session ended: they are told so.
  await expect(person.getByRole("heading", { name: "Session expirée" })).toBeVisible();
  await personContext.close();
});
