import { test, expect, type APIRequestContext, type Page } from "@playwright/test";
import { APPROVER, DEMO_PASSWORD, mailTo, signIn, uniqueEmail, waitForIslands, PASSWORD, DEMO_LAB_TOKEN } from "./support";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

const lab = { Authorization: `Bearer ${DEMO_LAB_TOKEN}` };
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

/** A NIR with its key, unique for this run (a woman born in March 1985 in the Vienne). */
function uniqueNir(): string {
  const body = `2850386${String(Date.now() % 1_000_000).padStart(6, "0")}`;
  const key = 97n - (BigInt(body) % 97n);
  return body + String(key).padStart(2, "0");
}

/** The lab creates a record (with a NIR when given); a new patient signs up on the phone,
 * confirms the address, signs in and links the record with the printed code. */
async function linkedPatient(page: Page, request: APIRequestContext, reference: string, nir?: string): Promise<string> {
  const email = uniqueEmail("results");
  const created = await request.put(`/api/lab/v1/patients/${reference}`, {
    headers: lab,
    data: { last_name: "Martin", first_names: "Marie", birth_date: "1985-03-14", sex: "F", ...(nir ? { nir } : {}) },
  });
  expect(created.status()).toBe(201);
  const code: string = (await created.json()).activation_code;

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
  return email;
}

test("the lab publishes a report; the patient follows the e-mail, sees Nouveau, opens the PDF and sees it was opened", async ({ page, request }) => {
  const reference = `E2E-${Date.now()}`;
  const email = await linkedPatient(page, request, reference);

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

test("a biologist finds the patient by NIR and opens the report; the patient sees who; a collaborator of another site does not", async ({ page, request, browser }) => {
  const reference = `E2E-NIR-${Date.now()}`;
  const nir = uniqueNir();
  await linkedPatient(page, request, reference, nir);

  // A collaborator whose Results right covers one site only: the report goes to another.
  const collaboratorContext = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "fr-FR" });
  const collaborator = await collaboratorContext.newPage();
  await signIn(collaborator, "collaborateur4@demo.sesame.test", DEMO_PASSWORD);
  await collaborator.goto("/resultats");
  const ownSites = (await collaborator.getByText(/^Vos sites :/).textContent())!;
  const structure = await (await request.get("/api/lab/v1/structures/86BV01", { headers: lab })).json();
  const other = structure.sites.find((s: { name: string }) => !ownSites.includes(s.name));
  const published = await request.put(`/api/lab/v1/reports/CR-${reference}`, {
    headers: lab,
    data: {
      patient: reference, prescriber: { correspondent_code: "86BV01", site_id: other.id },
      sampled_on: "2026-02-03", status: "complete", title: "Bilan thyroïdien", pdf_base64: PDF.toString("base64"),
    },
  });
  expect(published.status()).toBe(201);

  // The biologist (all sites), on a desktop, searches by NIR and names and opens the report.
  const biologistContext = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "fr-FR" });
  const biologist = await biologistContext.newPage();
  await signIn(biologist, APPROVER.email, DEMO_PASSWORD);
  await biologist.goto("/resultats");
  await biologist.getByRole("link", { name: "Rechercher un patient" }).click();
  await biologist.getByLabel(/Numéro de sécurité sociale \(NIR\)/).fill(nir);
  await biologist.getByLabel(/^Nom/).fill("MARTIN");
  await biologist.getByLabel(/^Prénom/).fill("marie");
  await biologist.getByRole("button", { name: "Rechercher" }).click();
  await expect(biologist.getByText("1 fiche trouvée")).toBeVisible();
  await biologist.getByRole("link", { name: /Marie Martin/ }).click();
  const open = biologist.getByRole("link", { name: /Bilan thyroïdien \(PDF, 1 ko\)/ });
  await expect(open).toBeVisible();
  const pdf = await biologist.request.get((await open.getAttribute("href"))!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["cache-control"]).toBe("no-store");

  // The patient sees the biologist's name in the report's history.
  await page.goto("/mes-resultats");
  await page.getByRole("link", { name: "Bilan thyroïdien" }).click();
  await expect(page.getByText(`${APPROVER.name} — Laboratoire BioVienne`)).toBeVisible();

  // The collaborator of another site neither lists it nor finds the patient.
  await collaborator.goto("/resultats");
  await expect(collaborator.getByText("Bilan thyroïdien")).toHaveCount(0);
  await collaborator.goto("/resultats/recherche");
  await collaborator.getByLabel(/Numéro de sécurité sociale \(NIR\)/).fill(nir);
  await collaborator.getByLabel(/^Nom/).fill("Martin");
  await collaborator.getByLabel(/^Prénom/).fill("Marie");
  await collaborator.getByRole("button", { name: "Rechercher" }).click();
  await expect(collaborator.getByText("0 fiche trouvée")).toBeVisible();
  await biologistContext.close();
  await collaboratorContext.close();
});
