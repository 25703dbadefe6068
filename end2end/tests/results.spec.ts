import { test, expect } from "@playwright/test";
import { mailTo, uniqueEmail, waitForIslands, PASSWORD, DEMO_LAB_TOKEN } from "./support";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

const lab = { Authorization: `Bearer ${DEMO_LAB_TOKEN}` };
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

test("the lab publishes a report; the patient follows the e-mail, sees Nouveau, opens the PDF and sees it was opened", async ({ page, request }) => {
  const email = uniqueEmail("results");
  const reference = `E2E-${Date.now()}`;
  // The lab system creates the record and prints the code on the report.
  const created = await request.put(`/api/lab/v1/patients/${reference}`, {
    headers: lab,
    data: { last_name: "Martin", first_names: "Marie", birth_date: "1985-03-14", sex: "F" },
  });
  expect(created.status()).toBe(201);
  const code: string = (await created.json()).activation_code;

  // The patient signs up, confirms, signs in and links the record with the code.
  await page.goto("/inscription");
  await waitForIslands(page);
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await page.getByLabel("Nom", { exact: true }).fill("Martin");
  await page.getByLabel("Prénom", { exact: true }).fill("Marie");
  await page.getByLabel("Date de naissance").fill("1985-03-14");
  await page.getByLabel("J'accepte les conditions d'utilisation").check();
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  const confirm = await mailTo(request, email, "Confirmez votre adresse");
  await page.goto(confirm.links.find((l) => l.includes("/verifier-email?jeton="))!);
  await page.getByRole("button", { name: "Confirmer mon adresse e-mail" }).click();
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/mon-compte/);
  await page.goto("/activation");
  await waitForIslands(page);
  await page.getByLabel("Code d'activation").pressSequentially(code);
  await page.getByLabel("Date de naissance du patient").fill("1985-03-14");
  await page.getByLabel("Moi-même").check();
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page).toHaveURL(/\/mon-compte\?rattache=1/);

  // The lab publishes the report: the e-mail names no one and links to it.
  const published = await request.put(`/api/lab/v1/reports/CR-${reference}`, {
    headers: lab,
    data: { patient: reference, sampled_on: "2026-01-10", status: "complete", title: "Bilan sanguin", pdf_base64: PDF.toString("base64") },
  });
  expect(published.status()).toBe(201);
  const notice = await mailTo(request, email, "Un nouveau compte rendu est disponible");
  expect(notice.subject).not.toContain("Martin");
  const link = notice.links.find((l) => l.includes("/mes-resultats/"))!;

  await page.locator(".site-menu > summary").click();
  await page.getByRole("link", { name: "Mes résultats" }).click();
  await expect(page.getByRole("heading", { name: "Mes résultats" })).toBeVisible();
  await expect(page.getByText("Nouveau", { exact: true })).toBeVisible();

  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Bilan sanguin" })).toBeVisible();
  const open = page.getByRole("link", { name: /Ouvrir le compte rendu \(PDF, 1 ko\)/ });
  const pdf = await page.request.get((await open.getAttribute("href"))!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect(pdf.headers()["cache-control"]).toBe("no-store");
  expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
  await expect(page.getByRole("link", { name: "Télécharger" })).toBeVisible();

  await page.reload();
  await expect(page.getByText(/vous \(ouvert, version 1\)/)).toBeVisible();
  await page.goto("/mes-resultats");
  await expect(page.getByText("Nouveau", { exact: true })).toHaveCount(0);
});
