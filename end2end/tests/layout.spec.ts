import { test, expect, type Page } from "@playwright/test";
import { APPROVER, DEMO_PASSWORD, SUPPORT, signIn, uniqueEmail, waitForIslands } from "./support";

// On the devices Sésame is for: a header that folds, an approval page a biologist can scan,
// lists readable on a phone, forms in the order people fill them.

const PHONE = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true };
const TABLET = { viewport: { width: 768, height: 1024 }, hasTouch: true };

async function nothingWiderThanTheScreen(page: Page, path: string) {
  await page.goto(path);
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll, `${path} scrolls sideways`).toBeLessThanOrEqual(width);
}

for (const [device, options] of [["phone", PHONE], ["tablet", TABLET]] as const) {
  test.describe(`on a ${device}`, () => {
    test.use(options);

    test("the header takes one line, its menu opens, the current page is marked", async ({ page }) => {
      await signIn(page, APPROVER.email, DEMO_PASSWORD);
      await page.goto("/approbation-des-comptes");
      const header = page.locator(".site-header");
      const height = (await header.boundingBox())!.height;
      expect(height).toBeLessThanOrEqual(64);
      const link = page.getByRole("link", { name: /Approbation des comptes/ }).first();
      // Folded below 960 px: phones and tablets held upright.
      await expect(link).toBeHidden();
      await page.locator(".site-menu > summary").click();
      await expect(link).toBeVisible();
      await expect(link).toHaveAttribute("aria-current", "page");
    });

    test("no page scrolls sideways", async ({ page }) => {
      for (const path of ["/", "/connexion", "/inscription", "/demande-acces", "/premiere-connexion", "/confidentialite"]) {
        await nothingWiderThanTheScreen(page, path);
      }
      await signIn(page, SUPPORT.email, DEMO_PASSWORD, SUPPORT.totpSecret);
      for (const path of ["/support/demandes", "/support/structures", "/support/documents?reference=CR-2026-1104", "/admin/utilisateurs", "/mon-compte/securite", "/mon-compte/confirmer"]) {
        await nothingWiderThanTheScreen(page, path);
      }
      await page.goto("/deconnexion");
      await page.getByRole("button", { name: "Se déconnecter" }).click();
      await signIn(page, APPROVER.email, DEMO_PASSWORD);
      for (const path of ["/resultats", "/resultats/recherche", "/factures"]) {
        await nothingWiderThanTheScreen(page, path);
      }
    });
  });
}

test.describe("on a phone", () => {
  test.use(PHONE);

  test("the menu opens without JavaScript too", async ({ browser }) => {
    const context = await browser.newContext({ ...PHONE, javaScriptEnabled: false, locale: "fr-FR" });
    const page = await context.newPage();
    await page.goto("/");
    await expect(page.getByRole("link", { name: "Créer un compte" })).toBeHidden();
    await page.locator(".site-menu > summary").click();
    await expect(page.getByRole("link", { name: "Créer un compte" })).toBeVisible();
    await context.close();
  });

  test("the approval page with six collaborators stays under three screens until an edit opens", async ({ page }) => {
    await signIn(page, APPROVER.email, DEMO_PASSWORD);
    await page.goto("/approbation-des-comptes");
    await expect(page.locator(".collaborators > li")).toHaveCount(6);
    // Requests other tests left waiting come on top; without them, the page fits in three
    // screens (it took twenty before, for six collaborators).
    const height = await page.evaluate(() => {
      const pending = [...document.querySelectorAll("main .cards, main .bulk-bar")];
      return document.documentElement.scrollHeight - pending.reduce((h, e) => h + e.getBoundingClientRect().height, 0);
    });
    expect(height).toBeLessThanOrEqual(3 * 640);
    // An edit opens on demand, with the rights and the sites.
    const row = page.getByRole("listitem", { name: "Chloé Dumas" });
    await row.getByText("Modifier les droits").click();
    await expect(row.getByLabel("Résultats")).toBeVisible();
    await expect(row.getByRole("button", { name: "Enregistrer les droits" })).toBeVisible();
    // Bulk approval sits apart from the cards.
    await expect(page.getByRole("heading", { name: "Approbation groupée" }).or(page.getByText("Aucune demande n'attend votre décision."))).toBeVisible();
  });

  test("list rows keep their status on a phone", async ({ page }) => {
    await signIn(page, SUPPORT.email, DEMO_PASSWORD, SUPPORT.totpSecret);
    await page.goto("/admin/utilisateurs?q=lefort");
    const row = page.locator("tbody tr").first();
    const status = row.locator(".tag").last();
    await expect(status).toBeVisible();
    const box = (await status.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    await expect(row).toContainText("jeanne.lefort@demo.sesame.test");
  });

  test("the access request is filled in the order it is asked", async ({ page }) => {
    await page.goto("/demande-acces");
    await waitForIslands(page);
    await page.getByRole("radio", { name: "Collaborateur" }).check();
    await page.getByLabel("Code correspondant").fill("86BV01");
    await expect(page.getByText("Laboratoire BioVienne")).toBeVisible();
    await page.getByLabel("Résultats").check();
    const y = async (locator: ReturnType<Page["locator"]>) => (await locator.boundingBox())!.y;
    const order = [
      await y(page.getByRole("radio", { name: "Collaborateur" })),
      await y(page.getByLabel("Code correspondant")),
      await y(page.getByText("Laboratoire BioVienne")),
      await y(page.getByLabel("Nom", { exact: true })),
      await y(page.getByLabel("Adresse e-mail professionnelle")),
      await y(page.getByLabel("Téléphone")),
      await y(page.getByLabel("Résultats")),
      await y(page.getByLabel("Approbateur")),
      await y(page.getByRole("radio", { name: "Tous les sites" })),
      await y(page.getByRole("button", { name: "Envoyer" })),
    ];
    for (let i = 1; i < order.length; i++) expect(order[i], `field ${i}`).toBeGreaterThan(order[i - 1]);
  });

  test("the language switch's accessible name starts with its visible text", async ({ page }) => {
    await page.goto("/");
    const button = page.getByRole("button", { name: /^English/ });
    await expect(button).toBeVisible();
    await expect(button).toHaveText("English");
  });

  test("a signed-in person's home shows what they can do, not sign-up offers", async ({ page }) => {
    await signIn(page, "marie.martin@demo.sesame.test", DEMO_PASSWORD);
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Mes profils" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Créer mon compte" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Faire ma demande d'accès" })).toHaveCount(0);
  });

  test("an own record with a child's birth date asks whether it is the child's", async ({ page }) => {
    await signIn(page, "marie.martin@demo.sesame.test", DEMO_PASSWORD);
    await page.goto("/activation");
    await waitForIslands(page);
    await page.getByLabel("Moi-même").check();
    await page.getByLabel("Date de naissance du patient").fill("2016-06-02");
    await expect(page.getByText("Est-ce le dossier de votre enfant ?")).toBeVisible();
    await expect(page.getByLabel("C'est bien mon dossier")).toBeVisible();
    await page.getByLabel("Mon enfant").check();
    await expect(page.getByText("Est-ce le dossier de votre enfant ?")).toHaveCount(0);
    void uniqueEmail;
  });
});
