import { test, expect, type Page } from "@playwright/test";
import { mailTo, uniqueEmail, waitForIslands } from "./support";

// Demo structures (printed by the set-up command): 86BV01 is open with three sites and an
// approver (Jeanne Lefort), 17ATL3 is open without any approver, 16CHB2 is not open yet.
const APPROVER_EMAIL = "jeanne.lefort@demo.sesame.test";

async function fillIdentity(page: Page, email: string) {
  await page.getByLabel("Nom", { exact: true }).fill("Moreau");
  await page.getByLabel("Prénom", { exact: true }).fill("Lucie");
  await page.getByLabel("Adresse e-mail professionnelle").fill(email);
  await page.getByLabel("Téléphone").fill("05 49 12 34 56");
}

test.describe("on a tablet", () => {
  test.use({ viewport: { width: 1024, height: 768 }, hasTouch: true });

  test("a biologist asks with the defaults: both rights, all sites", async ({ page, request }) => {
    const email = uniqueEmail("biologiste");
    await page.goto("/demande-acces");
    await waitForIslands(page);
    await page.getByRole("radio", { name: "Biologiste" }).check();
    await expect(page.getByLabel("Résultats")).toBeChecked();
    await expect(page.getByLabel("Factures")).toBeChecked();
    await page.getByLabel("Code correspondant").fill("86 bv 01");
    await expect(page.getByText("Laboratoire BioVienne")).toBeVisible();
    await expect(page.getByText(/BioVienne Niort/).first()).toBeVisible();
    await expect(page.getByRole("radio", { name: "Tous les sites" })).toBeChecked();
    await fillIdentity(page, email);
    await page.getByRole("button", { name: "Envoyer" }).click();
    await expect(page.getByRole("heading", { name: "Votre demande est envoyée" })).toBeVisible();
    await expect(page.getByText("transmise à notre support")).toBeVisible();
    const mail = await mailTo(request, email, "bien reçue");
    expect(mail.text).toContain("Laboratoire BioVienne");
  });

  test("a collaborator asks for Results, picks the approver and two of three sites", async ({ page, request }) => {
    const email = uniqueEmail("collaborateur");
    await page.goto("/demande-acces");
    await waitForIslands(page);
    await page.getByRole("radio", { name: "Biologiste" }).check();
    await page.getByRole("radio", { name: "Collaborateur" }).check();
    // Switching the profile resets the rights to the profile's defaults: none.
    await expect(page.getByLabel("Résultats")).not.toBeChecked();
    await expect(page.getByLabel("Factures")).not.toBeChecked();
    await page.getByLabel("Code correspondant").fill("86BV01");
    await expect(page.getByText("Laboratoire BioVienne")).toBeVisible();
    await expect(page.getByLabel("Approbateur")).toBeHidden();
    await page.getByLabel("Résultats").check();
    await expect(page.getByLabel("Approbateur")).toBeVisible();
    await page.getByLabel("Approbateur").selectOption({ label: "Jeanne Lefort" });
    await page.getByRole("radio", { name: "Une sélection de sites" }).check();
    await page.getByLabel(/BioVienne Poitiers Centre/).check();
    await page.getByLabel(/BioVienne Niort/).check();
    await fillIdentity(page, email);
    await page.getByRole("button", { name: "Envoyer" }).click();
    await expect(page.getByRole("heading", { name: "Votre demande est envoyée" })).toBeVisible();
    await expect(page.getByText("transmise à l'approbateur")).toBeVisible();
    const toApprover = await mailTo(request, APPROVER_EMAIL, "attend votre approbation", "BioVienne Niort, BioVienne Poitiers Centre");
    expect(toApprover.text).toContain("Lucie Moreau");
    await mailTo(request, email, "bien reçue");
  });
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("without a registered approver, rights are refused but a request without rights goes through", async ({ page }) => {
    await page.goto("/demande-acces");
    await waitForIslands(page);
    await page.getByRole("radio", { name: "Collaborateur" }).check();
    await page.getByLabel("Code correspondant").fill("17atl3");
    await expect(page.getByText("Laboratoire Atlantique Analyses")).toBeVisible();
    await page.getByLabel("Résultats").check();
    await expect(page.getByText("le biologiste responsable doit d'abord s'inscrire").first()).toBeVisible();
    await fillIdentity(page, uniqueEmail("sans-approbateur"));
    await page.getByRole("button", { name: "Envoyer" }).click();
    await expect(page.locator("#rights-error")).toContainText("doit d'abord s'inscrire");
    await page.getByLabel("Résultats").uncheck();
    await page.getByRole("button", { name: "Envoyer" }).click();
    await expect(page.getByRole("heading", { name: "Votre demande est envoyée" })).toBeVisible();
  });

  test("a structure whose département is not open yet says when it opens", async ({ page }) => {
    await page.goto("/demande-acces");
    await waitForIslands(page);
    await page.getByRole("radio", { name: "Biologiste" }).check();
    await page.getByLabel("Code correspondant").fill("16CHB2");
    await expect(page.getByText(/ouvriront en \p{L}+ \d{4}/u)).toBeVisible();
    await expect(page.getByRole("button", { name: "Envoyer" })).toBeDisabled();
  });

  test("an unknown code says so", async ({ page }) => {
    await page.goto("/demande-acces");
    await waitForIslands(page);
    await page.getByLabel("Code correspondant").fill("ZZ99ZZ");
    await expect(page.locator("#correspondent_code-error")).toContainText("inconnu");
  });
});

test.describe("without JavaScript", () => {
  test.use({ viewport: { width: 1024, height: 768 }, javaScriptEnabled: false });

  test("the collaborator path works with plain forms", async ({ page, request }) => {
    const email = uniqueEmail("sans-js");
    await page.goto("/demande-acces");
    await page.getByRole("radio", { name: "Collaborateur" }).check();
    await page.getByLabel("Code correspondant").fill("86bv01");
    await page.getByRole("button", { name: "Afficher ma structure et ses sites" }).click();
    await expect(page.getByText("Laboratoire BioVienne")).toBeVisible();
    await expect(page.getByRole("radio", { name: "Collaborateur" })).toBeChecked();
    await expect(page.getByLabel("Résultats")).not.toBeChecked();
    await page.getByLabel("Résultats").check();
    await page.getByLabel("Approbateur").selectOption({ label: "Jeanne Lefort" });
    await page.getByRole("radio", { name: "Une sélection de sites" }).check();
    await page.getByLabel(/BioVienne Poitiers Centre/).check();
    await page.getByLabel(/BioVienne Châtellerault/).check();
    await fillIdentity(page, email);
    await page.getByRole("button", { name: "Envoyer" }).click();
    await expect(page.getByRole("heading", { name: "Votre demande est envoyée" })).toBeVisible();
    const toApprover = await mailTo(request, APPROVER_EMAIL, "attend votre approbation", "BioVienne Châtellerault, BioVienne Poitiers Centre");
    expect(toApprover.text).toContain("Lucie Moreau");
  });
});
