import { test, expect, type Page, type APIRequestContext } from "@playwright/test";
import { DEMO_PASSWORD, SUPPORT, mailTo, signIn, uniqueEmail, uniqueName, waitForIslands } from "./support";

test.use({ viewport: { width: 1366, height: 900 } });

const CREATOR = "collaborateur5@demo.sesame.test"; // Élodie Gautier, 86BV01
const MEMBER = "collaborateur6@demo.sesame.test"; // Fabien Henry, 86BV01

/** The six-digit code of the newest mail to `to` whose subject has `subject`. */
async function codeFrom(request: APIRequestContext, to: string, subject: string): Promise<string> {
  const mail = await mailTo(request, to, subject);
  const code = mail.text.match(/\b\d{6}\b/);
  if (!code) throw new Error(`no code in the mail to ${to}`);
  return code[0];
}

async function newPage(browser: import("@playwright/test").Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "fr-FR" });
  return context.newPage();
}

test("a collaborator creates a shared account with an e-mailed code; support validates; a member joins and switches to it", async ({
  browser,
  page,
  request,
}) => {
  const shared = uniqueEmail("secretariat");
  const description = `Secrétariat ${uniqueName("Service")}, Poitiers`;

  // Signed out, the page explains why an individual account comes first.
  await page.goto("/comptes-partages/nouveau");
  await expect(page.getByText("Connectez-vous d'abord avec votre compte professionnel individuel")).toBeVisible();
  await page.getByRole("link", { name: "Se connecter" }).last().click();
  await signIn(page, CREATOR, DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/comptes-partages\/nouveau/);

  // The code e-mailed to one's own address.
  await page.getByRole("button", { name: "Recevoir le code" }).click();
  const code = await codeFrom(request, CREATOR, "code pour créer un compte partagé");
  await page.getByLabel("Code reçu par e-mail").fill(code);
  await page.getByRole("button", { name: "Valider" }).click();

  // The form: identifiers are checked with their key as they are typed.
  await waitForIslands(page);
  await page.getByLabel("Adresse e-mail du compte partagé").fill(shared);
  await page.getByLabel("Description du compte").fill(description);
  await page.getByLabel("Type d'identifiant").selectOption("finess");
  const identifier = page.getByLabel("Identifiant établissement");
  await identifier.fill("330781197");
  await identifier.blur();
  await expect(page.getByText("Ce numéro FINESS n'est pas valide")).toBeVisible();
  await identifier.fill("330781196");
  await expect(page.getByText("Ce numéro FINESS n'est pas valide")).toBeHidden();
  await page.getByLabel("Raison sociale").fill("Laboratoire BioVienne SAS");
  await page.getByLabel("Adresse", { exact: true }).fill("12 rue de la Cathédrale");
  await page.getByLabel("Code postal").fill("86000");
  await expect(page.getByLabel("Département")).toHaveValue("86");
  await page.getByLabel("Ville").fill("Poitiers");
  await page.getByLabel("Téléphone professionnel").fill("05 49 12 34 56");
  await expect(page.getByLabel("Deuxième numéro", { exact: true })).toBeHidden();
  await page.getByLabel("J'ajoute un deuxième numéro").check();
  await page.getByLabel("Deuxième numéro", { exact: true }).fill("05 49 12 34 57");
  await expect(page.getByLabel("Nom", { exact: true })).toHaveValue("Gautier");
  await page.getByLabel("Profession", { exact: true }).selectOption({ label: "Médecin" });
  await page.getByLabel("Identifiant RPPS").fill("10003473013");
  await expect(page.getByLabel("Je souhaite dématérialiser tous mes échanges et ne plus recevoir de papier")).toBeChecked();
  await expect(page.getByLabel("Je souhaite que l'adresse apparaisse dans l'annuaire des correspondants")).toBeChecked();
  await page.getByRole("button", { name: "Envoyer la demande" }).click();
  await expect(page).toHaveURL(/\/comptes-partages\?demande=envoyee/);
  await expect(page.getByText("Votre demande de compte partagé est envoyée")).toBeVisible();

  // Whoever reads the shared mailbox confirms its address.
  const confirm = await mailTo(request, shared, "Confirmez l'adresse");
  const reader = await newPage(browser);
  await reader.goto(confirm.links.find((l) => l.includes("/comptes-partages/confirmer?jeton="))!);
  await reader.getByRole("button", { name: "Confirmer l'adresse" }).click();
  await expect(reader.getByText("L'adresse du compte partagé est confirmée")).toBeVisible();

  // Support validates it from the shared-accounts queue.
  const support = await newPage(browser);
  await signIn(support, SUPPORT.email, DEMO_PASSWORD, SUPPORT.totpSecret);
  await support.goto("/support/demandes");
  await support.getByLabel("Type de demande").selectOption({ label: "Comptes partagés" });
  await support.getByRole("button", { name: "Filtrer" }).click();
  const card = support.getByRole("article", { name: description });
  await expect(card.getByText("Adresse confirmée")).toBeVisible();
  await card.getByRole("button", { name: "Valider" }).click();
  await expect(support.getByText(`Le compte partagé « ${description} » est créé`)).toBeVisible();
  await mailTo(request, CREATOR, "Votre compte partagé est créé");

  // The responsible adds a colleague of the structure.
  await page.goto("/comptes-partages");
  await page.getByRole("link", { name: "Membres et informations" }).first().click();
  await page.getByLabel("Adresse e-mail du membre").fill(MEMBER);
  await page.getByRole("button", { name: "Ajouter un membre" }).click();
  await expect(page.getByText(`Invitation enregistrée pour ${MEMBER}`)).toBeVisible();

  // The colleague accepts from their own account, then switches from the header.
  const member = await newPage(browser);
  await signIn(member, MEMBER, DEMO_PASSWORD);
  await member.goto("/comptes-partages");
  const invitation = member.getByRole("listitem").filter({ hasText: description });
  await invitation.getByRole("button", { name: "Accepter l'invitation" }).click();
  await expect(member.getByText("Vous êtes membre du compte partagé")).toBeVisible();
  await member.locator("summary", { hasText: "Fabien Henry" }).click();
  await expect(member.getByText("Changer de compte", { exact: true })).toBeVisible();
  await member.locator(".account-menu").getByRole("button", { name: description }).click();
  await expect(member.getByText(`Vous agissez pour le compte partagé « ${description} »`).first()).toBeVisible();
  // Switching back is one click.
  await member.getByRole("button", { name: "Revenir à mon compte" }).first().click();
  await expect(member.getByText("Vous agissez pour le compte partagé")).toBeHidden();
});
