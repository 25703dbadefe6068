import { test, expect } from "@playwright/test";
import { DEMO_PASSWORD, PASSWORD, SUPPORT, mailTo, signIn, uniqueEmail, waitForIslands } from "./support";

test.use({ viewport: { width: 390, height: 844 } });

test("a patient whose code is refused reads the help, writes to support, and reads the answer in their mailbox", async ({
  browser,
  page,
  request,
}) => {
  const email = uniqueEmail("aide");

  // A patient account.
  await page.goto("/inscription");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await page.getByLabel("Nom", { exact: true }).fill("Roux");
  await page.getByLabel("Prénom", { exact: true }).fill("Léa");
  await page.getByLabel("Date de naissance").fill("1990-04-12");
  await page.getByLabel("J'accepte les conditions d'utilisation").check();
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  const confirm = await mailTo(request, email, "Confirmez votre adresse");
  await page.goto(confirm.links.find((l) => l.includes("/verifier-email?jeton="))!);
  await page.getByRole("button", { name: "Confirmer mon adresse e-mail" }).click();
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/mon-compte/);

  // A demo code with someone else's birth date: refused, with the way forward.
  await page.goto("/activation");
  await waitForIslands(page);
  await page.getByLabel("Code d'activation").fill("T1V9-K0M3-XAZ");
  await page.getByLabel("Date de naissance du patient").fill("1990-04-12");
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page.getByText("ne correspond pas").first()).toBeVisible();
  await page.getByRole("link", { name: "Mon code d'activation est refusé : que faire ?" }).click();
  await expect(page).toHaveURL(/\/aide\?sujet=code-refuse/);

  // The self-service answer first, then the form.
  await expect(page.getByRole("heading", { name: "Mon code d'activation est refusé" })).toBeVisible();
  await expect(page.getByText("Utilisez le code de votre compte rendu le plus récent")).toBeVisible();
  await expect(page.getByRole("link", { name: "Saisir le code d'activation" })).toBeVisible();
  await page.getByRole("link", { name: "Écrire au support" }).click();
  const message = `Code refusé malgré trois essais (${Date.now()})`;
  await page.getByLabel("Votre message").fill(message);
  await page.getByRole("button", { name: "Envoyer au support" }).click();
  await expect(page.getByText("Votre message est transmis au support")).toBeVisible();

  // Support reads it with the account's recent events and answers by e-mail.
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "fr-FR" });
  const agent = await context.newPage();
  await agent.goto("/connexion");
  await signIn(agent, SUPPORT.email, DEMO_PASSWORD, SUPPORT.totpSecret);
  await agent.goto("/support/messages");
  await agent.getByRole("row", { name: new RegExp(message.slice(0, 20)) }).getByRole("link").first().click();
  await expect(agent.getByText(message)).toBeVisible();
  await expect(agent.getByRole("heading", { name: "Événements récents du compte" })).toBeVisible();
  await expect(agent.getByText(/code\(s\) d'activation saisi\(s\)/)).toBeVisible();
  const answer = `Le code T1V9 appartient à un autre dossier : demandez un nouveau code à l'accueil (${Date.now()}).`;
  await agent.getByLabel("Réponse").fill(answer);
  await agent.getByRole("button", { name: "Répondre par e-mail" }).click();
  await expect(agent.getByText("La réponse est envoyée par e-mail.")).toBeVisible();

  // The patient reads the answer in the SMTP sink.
  const reply = await mailTo(request, email, "Réponse du support", "demandez un nouveau code");
  expect(reply.text).toContain(answer);
  await context.close();
});
