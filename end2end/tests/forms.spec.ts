import { test, expect, type Page } from "@playwright/test";
import { DEMO_PASSWORD, PASSWORD, SUPPORT, mailTo, signIn, uniqueEmail, waitForIslands } from "./support";

// What a person meets on every form: nothing announced as invalid before anything is typed,
// every error the server finds shown next to its field (with JavaScript and without), the
// terms' message in French next to the checkbox, and the privacy notice one link away.

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

async function noFieldAnnouncedInvalid(page: Page, path: string, island: boolean) {
  await page.goto(path);
  if (island) await waitForIslands(page);
  await expect(page.locator("main form").first()).toBeVisible();
  await expect(page.locator('[aria-invalid="true"]'), path).toHaveCount(0);
}

test.describe("on a phone", () => {
  test.use(PHONE);

  test("no public form announces a field as invalid before anything is typed", async ({ page }) => {
    for (const [path, island] of [
      ["/inscription", true],
      ["/connexion", false],
      ["/mot-de-passe-oublie", false],
      ["/premiere-connexion", false],
      ["/demande-acces", true],
    ] as const) {
      await noFieldAnnouncedInvalid(page, path, island);
    }
    await signIn(page, "marie.martin@demo.sesame.test", DEMO_PASSWORD);
    await noFieldAnnouncedInvalid(page, "/activation", true);
    await noFieldAnnouncedInvalid(page, "/mon-compte/mot-de-passe", true);
  });

  test("every form that collects personal data links the privacy notice", async ({ page }) => {
    for (const path of ["/inscription", "/connexion", "/mot-de-passe-oublie", "/premiere-connexion", "/demande-acces"]) {
      await page.goto(path);
      await expect(page.locator("form").getByRole("link", { name: "Comment nous utilisons vos données" }).first(), path).toHaveAttribute(
        "href",
        "/confidentialite",
      );
    }
    await signIn(page, "marie.martin@demo.sesame.test", DEMO_PASSWORD);
    await page.goto("/activation");
    await expect(page.locator("form").getByRole("link", { name: "Comment nous utilisons vos données" })).toBeVisible();
  });

  test("a first-time visitor with a code is offered an account, then comes back to the code", async ({ page, request }) => {
    const email = uniqueEmail("premiere");
    await page.goto("/");
    await page.getByRole("link", { name: "J'ai un code d'activation" }).click();
    await expect(page).toHaveURL(/\/activation$/);
    await expect(page.getByText("session a expiré")).toHaveCount(0);
    await expect(page.getByText("il vous faut un compte Sésame")).toBeVisible();
    const create = page.getByRole("link", { name: "Créer mon compte" });
    const signInLink = page.getByRole("link", { name: "Se connecter" }).last();
    await expect(create).toBeVisible();
    await expect(signInLink).toBeVisible();
    // "Créer mon compte" comes first.
    const order = await page.locator("main a.button").allTextContents();
    expect(order.indexOf("Créer mon compte")).toBeLessThan(order.indexOf("Se connecter"));

    await create.click();
    await expect(page).toHaveURL(/\/inscription\?suite=/);
    await waitForIslands(page);
    await page.getByLabel("Adresse e-mail").fill(email);
    await page.getByLabel("Mot de passe").fill(PASSWORD);
    await page.getByLabel("Nom", { exact: true }).fill("Lemaire");
    await page.getByLabel("Prénom", { exact: true }).fill("Inès");
    await page.getByLabel("Date de naissance").fill("1990-04-04");
    await page.getByLabel("J'accepte les conditions d'utilisation").check();
    await page.getByRole("button", { name: "Créer mon compte" }).click();
    await expect(page.getByRole("heading", { name: "Vérifiez vos e-mails" })).toBeVisible();
    const mail = await mailTo(request, email, "Confirmez votre adresse");
    await page.goto(mail.links.find((l) => l.includes("/verifier-email?jeton="))!);
    await page.getByRole("button", { name: "Confirmer mon adresse e-mail" }).click();
    await expect(page).toHaveURL(/\/connexion\?verifie=1&suite=/);
    await page.getByLabel("Adresse e-mail").fill(email);
    await page.getByLabel("Mot de passe", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await expect(page).toHaveURL(/\/activation$/);
    await expect(page.getByLabel("Code d'activation")).toBeVisible();
  });

  test("with JavaScript, each rule only the server checks shows next to its field", async ({ page }) => {
    await page.goto("/inscription");
    await waitForIslands(page);
    const fill = async (email: string, password: string, birth: string) => {
      await page.getByLabel("Adresse e-mail").fill(email);
      await page.getByLabel("Mot de passe").fill(password);
      await page.getByLabel("Nom", { exact: true }).fill("Durand");
      await page.getByLabel("Prénom", { exact: true }).fill("Léo");
      await page.getByLabel("Date de naissance").fill(birth);
    };
    // A common password passes the browser's rules but not the server's list.
    await fill(uniqueEmail("commun"), "Password123!", "1990-01-01");
    await page.getByLabel("J'accepte les conditions d'utilisation").check();
    await page.getByRole("button", { name: "Créer mon compte" }).click();
    await expect(page.locator("#password-error")).toContainText("plus utilisés");
    await expect(page.getByLabel("Mot de passe")).toHaveAttribute("aria-invalid", "true");
    // A birth date in the future.
    await fill(uniqueEmail("futur"), PASSWORD, "2090-01-01");
    await page.getByRole("button", { name: "Créer mon compte" }).click();
    await expect(page.locator("#birth_date-error")).not.toBeEmpty();
    await expect(page.locator("#password-error")).toBeEmpty();
    // An address that already has an account: answered like any other, revealing nothing.
    await fill("marie.martin@demo.sesame.test", PASSWORD, "1990-01-01");
    await page.getByRole("button", { name: "Créer mon compte" }).click();
    await expect(page.getByRole("heading", { name: "Vérifiez vos e-mails" })).toBeVisible();
  });

  test("a name is checked as it is typed by the server's own rule, with the server's words", async ({ page }) => {
    await page.goto("/inscription");
    await waitForIslands(page);
    const last = page.getByLabel("Nom", { exact: true });
    await last.fill("evil.example");
    await last.blur();
    await expect(page.locator("#last_name-error")).toHaveText(
      "Ce nom contient des caractères qu'un nom ne contient pas (chiffres, @, /, :…).",
    );
    await expect(last).toHaveAttribute("aria-invalid", "true");
    await last.fill("Le Gall-Dupont");
    await expect(page.locator("#last_name-error")).toBeEmpty();
  });

  test.describe("before the WebAssembly arrives", () => {
    // The service worker would fetch the WebAssembly out of the page's sight (and from its cache).
    test.use({ serviceWorkers: "block" });

    /** Holds the page's WebAssembly back until the returned function is called: on a slow
     * phone, people type into the server-rendered form before it arrives. */
    async function holdWebAssembly(page: Page): Promise<() => Promise<void>> {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      await page.route("**/*.wasm", async (route) => {
        await released;
        await route.continue();
      });
      return async () => {
        await expect(page.locator("[data-island-ready='1']")).toHaveCount(0);
        release();
        await waitForIslands(page);
        await page.unroute("**/*.wasm");
      };
    }

    test("what is typed, ticked and chosen before the WebAssembly arrives stays, and is judged as it is", async ({ page }) => {
      // A password typed early: moving on (here to the terms) judges it, not an empty one —
      // no "required" message appears and shifts the checkbox from under the tap.
      let arrive = await holdWebAssembly(page);
      await page.goto("/premiere-connexion");
      await page.getByLabel("Mot de passe").fill(PASSWORD);
      await arrive();
      await page.getByLabel("J'accepte les conditions d'utilisation").check();
      await expect(page.getByLabel("J'accepte les conditions d'utilisation")).toBeChecked();
      await expect(page.getByLabel("Mot de passe")).toHaveValue(PASSWORD);
      await expect(page.locator("#password-error")).toBeEmpty();
      await expect(page.getByLabel("Mot de passe")).toHaveAttribute("aria-invalid", "false");
      await expect(page.locator("#password-strength")).toContainText("Bon");

      // A name typed early is judged as typed, with the server's words.
      arrive = await holdWebAssembly(page);
      await page.goto("/inscription");
      const last = page.getByLabel("Nom", { exact: true });
      await last.fill("evil.example");
      await arrive();
      await last.blur();
      await expect(page.locator("#last_name-error")).toHaveText(
        "Ce nom contient des caractères qu'un nom ne contient pas (chiffres, @, /, :…).",
      );

      // A profile chosen, a right ticked and a structure's code typed early: all kept, and
      // the structure looked up as if the code were just typed.
      arrive = await holdWebAssembly(page);
      await page.goto("/demande-acces");
      await page.getByRole("radio", { name: "Collaborateur" }).check();
      await page.getByLabel("Résultats").check();
      await page.getByLabel("Code correspondant").fill("86BV01");
      await arrive();
      await expect(page.getByText("Laboratoire BioVienne")).toBeVisible();
      await expect(page.getByRole("radio", { name: "Collaborateur" })).toBeChecked();
      await expect(page.getByLabel("Résultats")).toBeChecked();
      await expect(page.getByLabel("Code correspondant")).toHaveValue("86BV01");
      await expect(page.getByRole("button", { name: "Envoyer" })).toBeEnabled();

      // An activation code typed early is kept (grouped), and a child's record keeps the
      // patient's names on show.
      await signIn(page, "marie.martin@demo.sesame.test", DEMO_PASSWORD);
      arrive = await holdWebAssembly(page);
      await page.goto("/activation");
      await page.getByLabel("Code d'activation").fill("k7qf 9m2x 4tx");
      await page.getByLabel("Mon enfant").check();
      await arrive();
      await expect(page.getByLabel("Code d'activation")).toHaveValue("K7QF-9M2X-4TX");
      await expect(page.getByLabel("Mon enfant")).toBeChecked();
      await expect(page.getByLabel("Nom du patient", { exact: true })).toBeVisible();
      await expect(page.getByLabel("Prénom du patient", { exact: true })).toBeVisible();
    });
  });

  test("terms not accepted: the French message next to the checkbox, with and without JavaScript", async ({ page, browser }) => {
    await page.goto("/inscription");
    await waitForIslands(page);
    await page.getByLabel("Adresse e-mail").fill(uniqueEmail("conditions"));
    await page.getByLabel("Mot de passe").fill(PASSWORD);
    await page.getByLabel("Nom", { exact: true }).fill("Durand");
    await page.getByLabel("Prénom", { exact: true }).fill("Léo");
    await page.getByLabel("Date de naissance").fill("1990-01-01");
    await page.getByRole("button", { name: "Créer mon compte" }).click();
    await expect(page.locator("#terms-error")).toContainText("acceptez les conditions d'utilisation");
    await expect(page.getByLabel("J'accepte les conditions d'utilisation")).toHaveAttribute("aria-invalid", "true");

    const noJs = await browser.newContext({ ...PHONE, javaScriptEnabled: false, locale: "fr-FR" });
    const plain = await noJs.newPage();
    await plain.goto("/inscription");
    await plain.getByLabel("Adresse e-mail").fill(uniqueEmail("sansjs"));
    await plain.getByLabel("Mot de passe").fill(PASSWORD);
    await plain.getByLabel("Nom", { exact: true }).fill("Durand");
    await plain.getByLabel("Prénom", { exact: true }).fill("Léo");
    await plain.getByLabel("Date de naissance").fill("1990-01-01");
    await plain.getByRole("button", { name: "Créer mon compte" }).click();
    await expect(plain.locator("#terms-error")).toContainText("acceptez les conditions d'utilisation");
    await noJs.close();
  });
});

test.describe("in the back office", () => {
  test.use({ viewport: { width: 1366, height: 900 } });

  test("no back-office form announces a field as invalid before anything is typed", async ({ page }) => {
    await signIn(page, SUPPORT.email, DEMO_PASSWORD, SUPPORT.totpSecret);
    await noFieldAnnouncedInvalid(page, "/admin/utilisateurs/nouveau", false);
    await page.goto("/admin/utilisateurs?q=lefort");
    await page.getByRole("link", { name: /Lefort Jeanne/ }).click();
    await expect(page.getByRole("heading", { name: /Jeanne Lefort/ })).toBeVisible();
    await expect(page.locator('[aria-invalid="true"]')).toHaveCount(0);
  });
});
