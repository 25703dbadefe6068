//! The owner of `app_meta` (where it records that it was loaded): the demo data set, loaded
//! once on a fresh database, so that every journey can be tried at once. Codes are fixed
//! (with valid check characters) so they can be printed every time.

use sesame_app::accounts::store::{self as users, Activation, NewInvited, NewPatient};
use sesame_app::activation::store::{self as records, NewRecord};
use sesame_app::domain::access_request::{Profile, Rights, SiteScope};
use sesame_app::domain::account::{AccountStatus, UserKind};
use sesame_app::domain::activation_code::ActivationCode;
use sesame_app::domain::date::Date;
use sesame_app::domain::structure::CorrespondentCode;
use sesame_app::platform::AppState;
use sesame_app::platform::clock::DAY;
use sesame_app::professional::store::{self as professionals, ProAccess};
use sesame_app::structures::import::SiteLine;
use sesame_app::structures::store as structures;
use sqlx::Row;

/// Every demo account is active, its address verified and the terms accepted.
const ACTIVE: Activation = Activation {
    from: &[AccountStatus::Unverified, AccountStatus::InvitationSent],
    to: Some(AccountStatus::Active),
    terms: true,
};

/// Password of every demo account (development only).
pub const DEMO_PASSWORD: &str = "Demo-Sesame-2026!";

/// Authenticator key of the demo support agent (the back-office requires a second factor):
/// add it to an authenticator app, or compute codes from it in browser tests.
pub const DEMO_TOTP_SECRET: &str = "KRSXG5CTMVZWC3LFMRSW233NN5XGK3TP";

/// The demo lab system's bearer token for `/api/lab/v1` (development only, public like the
/// demo passwords).
pub const DEMO_LAB_TOKEN: &str = "sesame_lab_demo_not_secret_0000000000000000000000000000";

/// What the demo data set contains, to print.
#[derive(Debug, Default)]
pub struct DemoSummary {
    /// Whether it was loaded now (false: it already was).
    pub loaded_now: bool,
    /// (role, e-mail) of each demo account.
    pub accounts: Vec<(String, String)>,
    /// (patient, birth date, activation code) of each demo record.
    pub codes: Vec<(String, String, String)>,
    /// Other facts worth printing (structures, correspondent codes…).
    pub notes: Vec<String>,
}

impl DemoSummary {
    /// Prints the demo accounts and codes for the person who started Sésame.
    pub fn print(&self) {
        println!();
        println!("== Sésame demo data ({})", if self.loaded_now { "loaded now" } else { "already loaded" });
        println!("   Every demo account's password: {DEMO_PASSWORD}");
        for (role, email) in &self.accounts {
            println!("   {role:<34} {email}");
        }
        if !self.codes.is_empty() {
            println!("   Activation codes (patient, date of birth, code):");
            for (who, birth, code) in &self.codes {
                println!("   {who:<34} {birth}  {code}");
            }
        }
        println!("   Authenticator key of the support agent (second factor): {DEMO_TOTP_SECRET}");
        println!("   Lab system API token (docs/LAB-API.md): {DEMO_LAB_TOKEN}");
        for note in &self.notes {
            println!("   {note}");
        }
        println!();
    }
}

/// A demo account.
pub struct DemoAccount {
    /// What it is for (printed).
    pub role: &'static str,
    /// Address.
    pub email: &'static str,
    /// patient | professional | support.
    pub kind: &'static str,
    /// Last name.
    pub last_name: &'static str,
    /// First name.
    pub first_name: &'static str,
    /// Back-office administrator.
    pub is_admin: bool,
    /// Birth date (patients).
    pub birth_date: Option<&'static str>,
}

/// The demo accounts.
pub fn accounts() -> Vec<DemoAccount> {
    vec![
        DemoAccount {
            role: "Patient (Marie Martin)",
            email: "marie.martin@demo.sesame.test",
            kind: "patient",
            last_name: "Martin",
            first_name: "Marie",
            is_admin: false,
            birth_date: Some("1985-03-14"),
        },
        DemoAccount {
            role: "Support agent, administrator",
            email: "support@demo.sesame.test",
            kind: "support",
            last_name: "Support",
            first_name: "Sam",
            is_admin: true,
            birth_date: None,
        },
        DemoAccount {
            role: "Biologist, approver of 86BV01",
            email: "jeanne.lefort@demo.sesame.test",
            kind: "professional",
            last_name: "Lefort",
            first_name: "Jeanne",
            is_admin: false,
            birth_date: None,
        },
    ]
}

/// The demo collaborators of 86BV01: (first name, last name, Results, Invoices, all sites).
pub const COLLABORATORS: &[(&str, &str, bool, bool, bool)] = &[
    ("Amélie", "Bonnet", true, false, true),
    ("Bruno", "Caron", true, true, true),
    ("Chloé", "Dumas", false, true, false),
    ("David", "Fabre", true, false, false),
    ("Élodie", "Gautier", false, false, true),
    ("Fabien", "Henry", true, true, false),
];

/// A demo structure: (correspondent code, name, sites as (name, city, postcode, département)).
pub type DemoStructure =
    (&'static str, &'static str, &'static [(&'static str, &'static str, &'static str, &'static str)]);

/// The demo structures: one open with three sites and an approver, one in a département
/// not open yet, one open without any approver.
pub const STRUCTURES: &[DemoStructure] = &[
    (
        "86BV01",
        "Laboratoire BioVienne",
        &[
            ("BioVienne Poitiers Centre", "Poitiers", "86000", "86"),
            ("BioVienne Châtellerault", "Châtellerault", "86100", "86"),
            ("BioVienne Niort", "Niort", "79000", "79"),
        ],
    ),
    ("16CHB2", "Laboratoire Charente Biologie", &[("Charente Biologie Angoulême", "Angoulême", "16000", "16")]),
    (
        "17ATL3",
        "Laboratoire Atlantique Analyses",
        &[
            ("Atlantique La Rochelle", "La Rochelle", "17000", "17"),
            ("Atlantique Rochefort", "Rochefort", "17300", "17"),
        ],
    ),
];

/// The demo calendar's opening date for a 2016 month (5, 6 or 7), around `today`.
pub fn shifted_opening(month_2016: u32, today: sesame_app::domain::date::Date) -> sesame_app::domain::date::Date {
    let first = sesame_app::domain::date::Date { year: today.year, month: today.month, day: 1 };
    match month_2016 {
        5 => first.add_months(-1),
        6 => first,
        _ => first.add_months(2),
    }
}

/// A demo patient record with its fixed code.
pub struct DemoRecord {
    /// Lab reference.
    pub reference: &'static str,
    /// Used last name.
    pub last_name: &'static str,
    /// Birth name.
    pub birth_name: &'static str,
    /// First names.
    pub first_names: &'static str,
    /// Birth date.
    pub birth_date: &'static str,
    /// Sex.
    pub sex: &'static str,
    /// The printed code.
    pub code: &'static str,
    /// Reports: (reference, status, days ago).
    pub reports: &'static [(&'static str, &'static str, i64)],
}

/// The demo records (codes mix 0/O and 1/I/L on purpose, to try the forgiving input).
pub fn records_list() -> Vec<DemoRecord> {
    vec![
        DemoRecord {
            reference: "DEMO-0001",
            last_name: "Martin",
            birth_name: "",
            first_names: "Marie",
            birth_date: "1985-03-14",
            sex: "F",
            code: "K70F-1M2X-4TX",
            reports: &[("CR-2026-1104", "complete", 18), ("CR-2026-1121", "partial", 1)],
        },
        DemoRecord {
            reference: "DEMO-0002",
            last_name: "Martin",
            birth_name: "",
            first_names: "Lucas",
            birth_date: "2016-06-02",
            sex: "M",
            code: "B3H1-R0Q8-ZDE",
            reports: &[("CR-2026-1098", "complete", 25)],
        },
        DemoRecord {
            reference: "DEMO-0003",
            last_name: "Durand",
            birth_name: "Lefèvre",
            first_names: "Hélène Marie",
            birth_date: "1950-11-30",
            sex: "F",
            code: "P0W7-N1E4-GCT",
            reports: &[("CR-2026-1110", "complete", 12)],
        },
        DemoRecord {
            reference: "DEMO-0004",
            last_name: "Bernard",
            birth_name: "",
            first_names: "Camille",
            birth_date: "1992-01-20",
            sex: "F",
            code: "T1V9-K0M3-XAZ",
            reports: &[("CR-2026-1119", "partial", 3)],
        },
        DemoRecord {
            reference: "DEMO-0005",
            last_name: "Le Gall",
            birth_name: "",
            first_names: "Jean-Pierre",
            birth_date: "1978-09-09",
            sex: "M",
            code: "H8Q2-P1Z0-RMH",
            reports: &[],
        },
    ]
}

async fn meta(state: &AppState, key: &str) -> anyhow::Result<Option<String>> {
    Ok(sqlx::query("SELECT value FROM app_meta WHERE key = $1")
        .bind(key)
        .fetch_optional(state.db.pool())
        .await?
        .map(|r| r.try_get("value"))
        .transpose()?)
}

/// Loads the demo data set unless it is already there.
pub async fn load(state: &AppState) -> anyhow::Result<DemoSummary> {
    let already = meta(state, "demo_loaded").await?.is_some();
    let mut summary = DemoSummary { loaded_now: !already, ..Default::default() };
    for a in accounts() {
        summary.accounts.push((a.role.to_string(), a.email.to_string()));
    }
    for r in records_list() {
        let who = if r.birth_name.is_empty() {
            format!("{} {}", r.first_names, r.last_name)
        } else {
            format!("{} {} (née {})", r.first_names, r.last_name, r.birth_name)
        };
        summary.codes.push((who, r.birth_date.to_string(), r.code.to_string()));
    }
    for (code, name, sites) in STRUCTURES {
        let mut departements: Vec<&str> = sites.iter().map(|s| s.3).collect();
        departements.sort_unstable();
        departements.dedup();
        summary.notes.push(format!(
            "Structure {code}: {name} ({} site(s), départements {})",
            sites.len(),
            departements.join(", ")
        ));
    }
    sesame_app::lab::store::ensure_known(&state.db, "SIL de démonstration", DEMO_LAB_TOKEN, state.now()).await?;
    if already {
        return Ok(summary);
    }

    let password_hash = state.hasher.hash(DEMO_PASSWORD.to_string()).await?;
    let now = state.now();
    let today = state.today();
    // Reference data through the same imports as `sesame structures import` (idempotent:
    // a load interrupted before its end is simply run again).
    let lines: Vec<SiteLine> = STRUCTURES
        .iter()
        .flat_map(|(code, name, sites)| {
            sites.iter().map(move |(site, city, postcode, dep)| SiteLine {
                line: 0,
                code: (*code).into(),
                structure_name: (*name).into(),
                site_name: (*site).into(),
                city: (*city).into(),
                postcode: (*postcode).into(),
                departement: (*dep).into(),
            })
        })
        .collect();
    structures::import_structures(&state.db, &lines, now).await?;
    let calendar: Vec<(u64, String, Date)> = crate::demo_calendar::CALENDAR_2016
        .iter()
        .map(|(dep, month)| (0, (*dep).to_string(), shifted_opening(*month, today)))
        .collect();
    structures::import_rollout(&state.db, &calendar).await?;
    let first_structure = {
        let code = CorrespondentCode::parse(STRUCTURES[0].0).map_err(|e| anyhow::anyhow!("demo structure: {e:?}"))?;
        structures::find_by_code(&state.db, &code).await?.ok_or_else(|| anyhow::anyhow!("demo structure missing"))?
    };
    let first_site = structures::sites(&state.db, first_structure.id)
        .await?
        .into_iter()
        .map(|s| s.id)
        .min()
        .ok_or_else(|| anyhow::anyhow!("demo structure without sites"))?;

    let mut tx = state.db.begin().await?;
    for a in accounts() {
        let kind = UserKind::parse(a.kind).ok_or_else(|| anyhow::anyhow!("demo account kind {}", a.kind))?;
        let id = match a.birth_date {
            Some(birth_date) => {
                let patient = NewPatient {
                    email: a.email,
                    email_key: &a.email.to_lowercase(),
                    password_hash: &password_hash,
                    last_name: a.last_name,
                    first_name: a.first_name,
                    birth_date,
                    lang: "fr",
                };
                users::insert_patient(&mut tx, &patient, now).await?
            }
            None => {
                let invited = NewInvited {
                    email: a.email,
                    last_name: a.last_name,
                    first_name: a.first_name,
                    kind,
                    is_admin: a.is_admin,
                    lang: "fr",
                    invitation_lifecycle: false,
                };
                users::insert_invited(&mut tx, &invited, now).await?
            }
        };
        users::set_password_and_activate(&mut tx, id, &password_hash, ACTIVE, now).await?;
        if kind == UserKind::Support {
            // The back-office requires a second factor.
            users::set_pending_totp(&mut tx, id, &state.seal_secret(DEMO_TOTP_SECRET.as_bytes())?).await?;
            users::enable_totp(&mut tx, id, 0, now).await?;
        }
        if a.email.starts_with("jeanne.lefort@") {
            // Jeanne Lefort is the biologist (and so an approver) of the first structure.
            let access = ProAccess {
                user_id: id,
                structure_id: first_structure.id,
                profile: Profile::Biologist,
                rights: Rights { results: true, invoices: true },
                scope: SiteScope::All,
            };
            professionals::set_access(&mut tx, &access, now).await?;
        }
    }
    for r in records_list() {
        let record = NewRecord::parse(r.reference, r.last_name, r.birth_name, r.first_names, r.birth_date, r.sex, "")
            .map_err(|e| anyhow::anyhow!("demo record {}: {e}", r.reference))?;
        let id = records::insert_record(state, &mut tx, &record).await?;
        let code = ActivationCode::parse(r.code).map_err(|e| anyhow::anyhow!("demo code {}: {e:?}", r.code))?;
        records::attach_code(state, &mut tx, id, &code).await?;
        for (reference, status, days_ago) in r.reports {
            sesame_app::reports::store::announce_report(&mut tx, id, reference, status, now - days_ago * DAY).await?;
        }
    }
    // Six active collaborators of the first structure, so the approval page shows a real team.
    for (i, (first, last, results, invoices, all_sites)) in COLLABORATORS.iter().enumerate() {
        let email = format!("collaborateur{}@demo.sesame.test", i + 1);
        let invited = NewInvited {
            email: &email,
            last_name: last,
            first_name: first,
            kind: UserKind::Professional,
            is_admin: false,
            lang: "fr",
            invitation_lifecycle: false,
        };
        let id = users::insert_invited(&mut tx, &invited, now).await?;
        users::set_password_and_activate(&mut tx, id, &password_hash, ACTIVE, now).await?;
        let access = ProAccess {
            user_id: id,
            structure_id: first_structure.id,
            profile: Profile::Collaborator,
            rights: Rights { results: *results, invoices: *invoices },
            scope: if *all_sites { SiteScope::All } else { SiteScope::Selected(vec![first_site]) },
        };
        professionals::set_access(&mut tx, &access, now).await?;
    }
    sqlx::query("INSERT INTO app_meta (key, value) VALUES ('demo_loaded', $1)")
        .bind(now.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(summary)
}
