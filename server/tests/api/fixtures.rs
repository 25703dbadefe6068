//! The people and reference data of the tests, made the way the product makes them: rows
//! through the app's own stores, journeys through HTTP. A test reads like the product:
//! `app.structures()`, `app.biologist_of("86BV01")`, `app.support_agent()`, `app.patient()`.
//! Test files share these fixtures only; none exports helpers to another.

use crate::helpers::*;
use sesame_app::accounts::store::{self as accounts, Activation, NewInvited};
use sesame_app::domain::access_request::{Profile, Rights, SiteScope};
use sesame_app::domain::account::{AccountStatus, UserKind};
use sesame_app::domain::date::Date;
use sesame_app::professional::store::{self as professionals, ProAccess};
use sesame_app::structures::import;
use sesame_testkit::ReceivedMail;

/// The test accounts' authenticator secret (base32).
pub(crate) const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// Someone signed in, in their own browser (the browser is what a test acts with: an
/// actor derefs to it).
pub(crate) struct Actor {
    /// Account id.
    pub(crate) id: i64,
    /// Address.
    pub(crate) email: String,
    /// Their browser, signed in (second factor included).
    pub(crate) browser: reqwest::Client,
}

impl std::ops::Deref for Actor {
    type Target = reqwest::Client;

    fn deref(&self) -> &reqwest::Client {
        &self.browser
    }
}

/// The reference data of [`TestApp::structures`].
pub(crate) struct Structures {
    /// Sites of 86BV01 (open, with an approver), by id.
    pub(crate) open_sites: Vec<i64>,
    /// The approver (biologist) of 86BV01, Jeanne Lefort.
    pub(crate) approver: i64,
    /// The approver of 33BX04, Paul Girard (used to try naming another structure's approver).
    pub(crate) other_approver: i64,
}

/// A complete access request's fields, to adjust.
pub(crate) fn request(profile: &str, code: &str, email: &str) -> Vec<(String, String)> {
    vec![
        ("profile".into(), profile.into()),
        ("rights_profile".into(), profile.into()),
        ("correspondent_code".into(), code.into()),
        ("last_name".into(), "Moreau".into()),
        ("first_name".into(), "Lucie".into()),
        ("email".into(), email.into()),
        ("phone".into(), "05 49 12 34 56".into()),
        ("sites_mode".into(), "all".into()),
    ]
}

impl TestApp {
    // --- Reference data -------------------------------------------------------------

    /// Loads five structures — 86BV01 (open, three sites, biologist Jeanne Lefort), 16CHB2
    /// (opens in two months), 17ATL3 (open, no approver), 33BX04 (open, biologist Paul
    /// Girard) — through the same import as `sesame structures import`.
    pub(crate) async fn structures(&self) -> Structures {
        let csv = "correspondent_code,structure_name,site_name,city,postcode,departement\n\
            86BV01,Laboratoire BioVienne,BioVienne Poitiers Centre,Poitiers,86000,86\n\
            86BV01,Laboratoire BioVienne,BioVienne Châtellerault,Châtellerault,86100,86\n\
            86BV01,Laboratoire BioVienne,BioVienne Niort,Niort,79000,79\n\
            16CHB2,Laboratoire Charente Biologie,Charente Biologie Angoulême,Angoulême,16000,16\n\
            17ATL3,Laboratoire Atlantique Analyses,Atlantique La Rochelle,La Rochelle,17000,17\n\
            33BX04,Laboratoire Bordeaux Bio,Bordeaux Bio Centre,Bordeaux,33000,33\n";
        sesame_app::structures::store::import_structures(
            &self.db,
            &import::parse_structures(csv).unwrap(),
            self.state().now(),
        )
        .await
        .unwrap();
        let today = self.state().today();
        let past = Date { day: 1, ..today }.add_months(-1).iso();
        let future = Date { day: 1, ..today }.add_months(2).iso();
        let rollout = format!("departement,opens_on\n86,{past}\n79,{past}\n17,{past}\n33,{past}\n16,{future}\n");
        sesame_app::structures::store::import_rollout(&self.db, &import::parse_rollout(&rollout).unwrap())
            .await
            .unwrap();
        let approver = self.biologist("jeanne.lefort@labo.test", "Jeanne", "Lefort", "86BV01").await;
        let other_approver = self.biologist("paul.girard@labo.test", "Paul", "Girard", "33BX04").await;
        let open_sites = self.sites_of("86BV01").await;
        Structures { open_sites, approver, other_approver }
    }

    /// The site ids of a structure, in id order.
    pub(crate) async fn sites_of(&self, code: &str) -> Vec<i64> {
        sqlx::query_scalar(
            "SELECT s.id FROM sites s JOIN structures t ON t.id = s.structure_id WHERE t.correspondent_code = $1 ORDER BY s.id",
        )
        .bind(code)
        .fetch_all(self.db.pool())
        .await
        .unwrap()
    }

    // --- Accounts, made through the stores -------------------------------------------

    async fn invited(&self, email: &str, kind: UserKind, first: &str, last: &str, is_admin: bool) -> i64 {
        let mut tx = self.db.begin().await.unwrap();
        let who = NewInvited {
            email,
            last_name: last,
            first_name: first,
            kind,
            is_admin,
            lang: "fr",
            invitation_lifecycle: false,
        };
        let id = accounts::insert_invited(&mut tx, &who, self.state().now()).await.unwrap();
        tx.commit().await.unwrap();
        id
    }

    async fn activate_with_password(&self, id: i64) {
        let hash = self.state().hasher.hash(PASSWORD.to_string()).await.unwrap();
        let mut tx = self.db.begin().await.unwrap();
        let activation =
            Activation { from: &[AccountStatus::InvitationSent], to: Some(AccountStatus::Active), terms: true };
        assert!(accounts::set_password_and_activate(&mut tx, id, &hash, activation, self.state().now()).await.unwrap());
        tx.commit().await.unwrap();
    }

    /// An active account with the test password (support agents enrolled with the test
    /// authenticator); returns its id.
    pub(crate) async fn account(&self, email: &str, kind: UserKind, first: &str, last: &str) -> i64 {
        let id = self.invited(email, kind, first, last, false).await;
        self.activate_with_password(id).await;
        if kind == UserKind::Support {
            self.enrol(id).await;
        }
        id
    }

    /// An active administrator (a support account with the admin role), enrolled.
    pub(crate) async fn admin_account(&self, email: &str, first: &str, last: &str) -> i64 {
        let id = self.invited(email, UserKind::Support, first, last, true).await;
        self.activate_with_password(id).await;
        self.enrol(id).await;
        id
    }

    /// An active biologist of a structure, without a password yet (an approver that a
    /// request names); returns the id.
    pub(crate) async fn biologist(&self, email: &str, first: &str, last: &str, code: &str) -> i64 {
        let id = self.invited(email, UserKind::Professional, first, last, false).await;
        let mut tx = self.db.begin().await.unwrap();
        let now = self.state().now();
        assert!(
            accounts::transition(&mut tx, id, AccountStatus::InvitationSent, AccountStatus::Active, now).await.unwrap()
        );
        let code = sesame_app::domain::structure::CorrespondentCode::parse(code).unwrap();
        let structure = sesame_app::structures::store::find_by_code(&self.db, &code).await.unwrap().unwrap();
        let access = ProAccess {
            user_id: id,
            structure_id: structure.id,
            profile: Profile::Biologist,
            rights: Rights { results: true, invoices: true },
            scope: SiteScope::All,
        };
        professionals::set_access(&mut tx, &access, now).await.unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// Enrols the test authenticator for an account.
    pub(crate) async fn enrol(&self, user_id: i64) {
        let sealed = self.state().seal_secret(TOTP_SECRET.as_bytes()).unwrap();
        let mut tx = self.db.begin().await.unwrap();
        accounts::set_pending_totp(&mut tx, user_id, &sealed).await.unwrap();
        accounts::enable_totp(&mut tx, user_id, 0, self.state().now()).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// Gives the test password to an existing account.
    pub(crate) async fn set_password(&self, user_id: i64) {
        let hash = self.state().hasher.hash(PASSWORD.to_string()).await.unwrap();
        let mut tx = self.db.begin().await.unwrap();
        accounts::set_password(&mut tx, user_id, &hash, self.state().now()).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// The current code of the test authenticator, after moving the clock to a fresh step.
    pub(crate) fn totp_now(&self) -> String {
        self.clock.advance(31_000);
        sesame_app::platform::totp::code_at(TOTP_SECRET, (self.state().now() / 1000) as u64).unwrap()
    }

    /// The id of the account with this address.
    pub(crate) async fn user_id(&self, email: &str) -> i64 {
        accounts::find_by_email_key(&self.db, &email.to_lowercase()).await.unwrap().unwrap().id
    }

    /// The status (stored form) of the account with this address.
    pub(crate) async fn status_of(&self, email: &str) -> String {
        accounts::find_by_email_key(&self.db, &email.to_lowercase()).await.unwrap().unwrap().status.as_str().to_string()
    }

    // --- Signed-in people ------------------------------------------------------------

    /// A new browser signed in as `email`, with its second factor when one is asked: the
    /// authenticator's code for accounts enrolled with the test secret, else the code
    /// e-mailed at sign-in.
    pub(crate) async fn browser_as(&self, email: &str) -> reqwest::Client {
        let c = self.new_browser();
        self.sign_in_with(&c, email).await;
        c
    }

    /// Signs `client` in as `email` (see [`TestApp::browser_as`]).
    pub(crate) async fn sign_in_with(&self, c: &reqwest::Client, email: &str) {
        let seen = self.sign_in_codes_sent(email);
        let r = submit_with(c, &self.base, "/connexion", "/api/connexion", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(r.status(), 303, "sign-in of {email}");
        if location(&r).starts_with("/connexion/code") {
            let user = accounts::find_by_email_key(&self.db, &email.to_lowercase()).await.unwrap().unwrap();
            let enrolled = accounts::second_factor(&self.db, user.id).await.unwrap().totp_enabled_at.is_some();
            let code = if enrolled { self.totp_now() } else { self.sign_in_code(email, seen).await };
            let r = submit_with(c, &self.base, "/connexion/code", "/api/connexion-code", &[("code", &code)]).await;
            assert_eq!(r.status(), 303, "second factor of {email}");
        }
    }

    async fn actor(&self, id: i64, email: &str) -> Actor {
        Actor { id, email: email.to_string(), browser: self.browser_as(email).await }
    }

    /// A support agent (not an administrator), signed in with their authenticator.
    pub(crate) async fn support_agent(&self) -> Actor {
        let email = "agent@sesame.test";
        let id = self.account(email, UserKind::Support, "Sam", "Support").await;
        self.actor(id, email).await
    }

    /// An administrator, signed in with their authenticator.
    pub(crate) async fn administrator(&self) -> Actor {
        let email = "admin@sesame.test";
        let id = self.admin_account(email, "Ada", "Admin").await;
        self.actor(id, email).await
    }

    /// An active professional of a structure with the given rights, on every site (`None`)
    /// or on the chosen ones, told of new documents one by one (`each`) or in a digest.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn professional(
        &self,
        email: &str,
        code: &str,
        results: bool,
        invoices: bool,
        sites: Option<&[i64]>,
        each: bool,
    ) -> i64 {
        let id = self.account(email, UserKind::Professional, "Prénom", "Pro").await;
        let parsed = sesame_app::domain::structure::CorrespondentCode::parse(code).unwrap();
        let structure = sesame_app::structures::store::find_by_code(&self.db, &parsed).await.unwrap().unwrap();
        let mut tx = self.db.begin().await.unwrap();
        let access = ProAccess {
            user_id: id,
            structure_id: structure.id,
            profile: Profile::Collaborator,
            rights: Rights { results, invoices },
            scope: match sites {
                None => SiteScope::All,
                Some(ids) => SiteScope::Selected(ids.to_vec()),
            },
        };
        professionals::set_access(&mut tx, &access, self.state().now()).await.unwrap();
        accounts::set_notice_mode(&mut tx, id, each, self.state().now()).await.unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// The biologist (an approver) of a structure, given the test password and signed in
    /// (with a code e-mailed at sign-in): the one [`TestApp::structures`] loaded for it
    /// (Jeanne Lefort for 86BV01), else a new one.
    pub(crate) async fn biologist_of(&self, code: &str) -> Actor {
        let parsed = sesame_app::domain::structure::CorrespondentCode::parse(code).unwrap();
        let structure = sesame_app::structures::store::find_by_code(&self.db, &parsed).await.unwrap().unwrap();
        let existing = professionals::members(&self.db, structure.id)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.profile == Profile::Biologist && m.status == AccountStatus::Active);
        let id = match existing {
            Some(m) => m.user_id,
            None => {
                let email = format!("biologiste.{}@labo.test", code.to_lowercase());
                self.biologist(&email, "Bernard", "Biologiste", code).await
            }
        };
        self.set_password(id).await;
        let email = accounts::find_by_id(&self.db, id).await.unwrap().unwrap().email;
        self.actor(id, &email).await
    }

    /// A patient who signed up, confirmed the address and signed in, in the app's own
    /// browser (`app.client`); a second patient needs [`TestApp::verified_patient`] with
    /// another browser.
    pub(crate) async fn patient(&self) -> Actor {
        let email = "camille.bernard@exemple.fr";
        self.verified_patient(email, "Bernard", "Camille", "1992-01-20").await;
        Actor { id: self.user_id(email).await, email: email.into(), browser: self.client.clone() }
    }

    // --- Journeys through HTTP -------------------------------------------------------

    /// Signs up through the form posted without JavaScript.
    pub(crate) async fn sign_up(&self, email: &str, last: &str, first: &str, birth: &str) -> reqwest::Response {
        self.submit(
            "/inscription",
            "/api/inscription",
            &[
                ("email", email),
                ("password", PASSWORD),
                ("last_name", last),
                ("first_name", first),
                ("birth_date", birth),
                ("terms", "on"),
                ("website", ""),
            ],
        )
        .await
    }

    /// Signs up, confirms the address through the mailed link, and signs in (in the app's
    /// own browser).
    pub(crate) async fn verified_patient(&self, email: &str, last: &str, first: &str, birth: &str) {
        let r = self.sign_up(email, last, first, birth).await;
        assert_eq!(r.status(), 303, "sign-up redirects");
        let mail = self.mail_to(email, "Confirmez").await;
        let link = self.link_in(&mail, "/verifier-email?jeton=");
        let token = link.split("jeton=").nth(1).unwrap().to_string();
        let r =
            self.submit(&format!("/verifier-email?jeton={token}"), "/api/verifier-email", &[("token", &token)]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/connexion?verifie=1");
        let r = self.sign_in(email, PASSWORD).await;
        assert_eq!(r.status(), 303, "signed in");
    }

    /// Signs in through the plain form, in the app's own browser.
    pub(crate) async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.submit("/connexion", "/api/connexion", &[("email", email), ("password", password)]).await
    }

    /// Signs in through the plain form, in browser `c` (another device, another address).
    pub(crate) async fn sign_in_from(&self, c: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
        submit_with(c, &self.base, "/connexion", "/api/connexion", &[("email", email), ("password", password)]).await
    }

    /// Creates a lab record (as `sesame dossiers import` does) and returns its activation
    /// code, grouped as printed.
    pub(crate) async fn record(
        &self,
        reference: &str,
        last: &str,
        birth_name: &str,
        first: &str,
        birth: &str,
    ) -> String {
        let state = self.state();
        let r = sesame_app::activation::store::NewRecord::parse(reference, last, birth_name, first, birth, "F", "")
            .unwrap();
        let mut tx = state.db.begin().await.unwrap();
        let (_, code) = sesame_app::activation::store::create(state, &mut tx, &r).await.unwrap();
        tx.commit().await.unwrap();
        code.grouped()
    }

    /// Posts the activation form as a browser without JavaScript does.
    pub(crate) async fn activate(&self, fields: &[(&str, &str)]) -> reqwest::Response {
        self.submit("/activation", "/api/activation", fields).await
    }

    /// How many record links have this status.
    pub(crate) async fn links(&self, status: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM record_links WHERE status = $1")
            .bind(status)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// Support (`admin`'s browser) invites a support account; returns its id.
    pub(crate) async fn invite(&self, admin: &reqwest::Client, email: &str) -> i64 {
        let (status, body) = call_with(
            admin,
            &self.base,
            "/api/admin-creer",
            &[
                ("email", email),
                ("last_name", "Invité"),
                ("first_name", "Inès"),
                ("kind", "support"),
                ("job_title", "Secrétaire"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        self.user_id(email).await
    }

    /// The token of an invitation e-mail's link.
    pub(crate) fn token_of(&self, mail: &ReceivedMail) -> String {
        self.link_in(mail, "/invitation?jeton=").split("jeton=").nth(1).unwrap().to_string()
    }

    /// Sends a collaborator's request for Results on the given sites (all when empty),
    /// naming `approver`; returns its id.
    pub(crate) async fn collaborator_request(&self, email: &str, code: &str, approver: i64, sites: &[i64]) -> i64 {
        let mut fields = request("collaborator", code, email);
        fields.retain(|(k, _)| k != "sites_mode");
        fields.push(("results".into(), "on".into()));
        fields.push(("approver".into(), approver.to_string()));
        fields.push(("sites_mode".into(), if sites.is_empty() { "all".into() } else { "some".into() }));
        for s in sites {
            fields.push(("sites[]".into(), s.to_string()));
        }
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let c = self.new_browser();
        let (status, body) = call_with(&c, &self.base, "/api/demande-acces", &refs).await;
        assert_eq!(status, 200, "{body}");
        sqlx::query_scalar("SELECT id FROM access_requests WHERE email_key = $1")
            .bind(email.to_lowercase())
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }
}
