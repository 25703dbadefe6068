import { test, expect } from "@playwright/test";
import { mailTo, uniqueEmail, waitForIslands, PASSWORD } from "./support";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

// Demo records (printed by the set-up command): Camille Bernard's own, and Lucas Martin's
// (a child), each usable once per fresh database.
const CAMILLE = { code: "T1V9-K0M3-XAZ", birth: "1992-01-20" };
const LUCAS = { code: "B3H1-R0Q8-ZDE", birth: "2016-06-02" };

test("a patient signs up on a phone, verifies, signs in and links two records", async ({ page, request }) => {
  const email = uniqueEmail("camille");

  await page.goto("/inscription");
  await waitForIslands(page);
  // Validation as you type: a bad address is flagged when leaving the field.
  await page.getByLabel("Adresse e-mail").fill("camille.exemple.fr");
  await page.getByLabel("Mot de passe").focus();
  await expect(page.locator("#email-error")).toContainText("@");
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill("abc");
  await expect(page.locator("#password-strength")).toContainText(/faible/i);
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await page.getByLabel("Nom", { exact: true }).fill("Bernard");
  await page.getByLabel("Prénom", { exact: true }).fill("Camille");
  await page.getByLabel("Date de naissance").fill(CAMILLE.birth);
  await page.getByLabel("J'accepte les conditions d'utilisation").check();
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  await expect(page.getByRole("heading", { name: "Vérifiez vos e-mails" })).toBeVisible();

  const mail = await mailTo(request, email, "Confirmez votre adresse");
  const link = mail.links.find((l) => l.includes("/verifier-email?jeton="));
  expect(link).toBeTruthy();
  await page.goto(link!);
  await page.getByRole("button", { name: "Confirmer mon adresse e-mail" }).click();
  await expect(page).toHaveURL(/\/connexion\?verifie=1/);

  await page.getByLabel("Adresse e-mail").fill(email.toUpperCase());
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/mon-compte/);
  await expect(page.getByRole("heading", { name: "Mes profils" })).toBeVisible();

  await page.getByRole("link", { name: "Rattacher un dossier" }).click();
  await expect(page).toHaveURL(/\/activation/);
  await waitForIslands(page);
  const code = page.getByLabel("Code d'activation");
  await expect(code).toHaveAttribute("autocapitalize", "characters");
  await expect(code).toHaveAttribute("autocomplete", "one-time-code");
  await expect(code).toHaveAttribute("spellcheck", "false");
  await expect(code).toHaveAttribute("autocorrect", "off");
  await expect(code).toHaveAttribute("inputmode", "text");
  // Lower case, o for 0, l for 1, spaces: normalised and grouped as typed.
  const forgiving = CAMILLE.code.toLowerCase().replace(/-/g, " ").replace(/0/g, "o").replace(/1/g, "l");
  await code.pressSequentially(forgiving);
  await expect(code).toHaveValue(CAMILLE.code);
  await expect(page.getByText("Code complet et cohérent.")).toBeVisible();
  // One mistyped character is caught before anything is sent.
  const last = CAMILLE.code.slice(-1);
  await code.press("Backspace");
  await code.pressSequentially(last === "Z" ? "Y" : "Z");
  await expect(page.locator("#code-error")).toContainText("Un caractère a été mal saisi");
  await code.press("Backspace");
  await code.pressSequentially(last);
  await expect(page.locator("#code-error")).toBeEmpty();
  await page.getByLabel("Date de naissance du patient").fill(CAMILLE.birth);
  await page.getByLabel("Moi-même").check();
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page).toHaveURL(/\/mon-compte\?rattache=1/);
  await expect(page.getByText("Le dossier est rattaché à votre compte.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Camille Bernard" })).toBeVisible();

  // A second record, for a child.
  await page.getByRole("link", { name: "Rattacher un dossier" }).click();
  await waitForIslands(page);
  await page.getByLabel("Code d'activation").pressSequentially(LUCAS.code.toLowerCase());
  await expect(page.getByLabel("Code d'activation")).toHaveValue(LUCAS.code);
  await page.getByLabel("Date de naissance du patient").fill(LUCAS.birth);
  await page.getByLabel("Mon enfant").check();
  await expect(page.getByLabel("Nom du patient", { exact: true })).toBeVisible();
  await page.getByLabel("Nom du patient", { exact: true }).fill("Martin");
  await page.getByLabel("Prénom du patient", { exact: true }).fill("Lucas");
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page).toHaveURL(/\/mon-compte/);
  await expect(page.getByRole("heading", { name: "Lucas Martin" })).toBeVisible();
  await expect(page.getByText("Mon enfant")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Camille Bernard" })).toBeVisible();
});
