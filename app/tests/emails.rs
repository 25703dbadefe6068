//! Every e-mail Sésame sends, in French and in English, rendered through the real layout
//! and compared with its reviewed snapshot (`tests/snapshots/`). A wording or layout change
//! shows up as a diff to review: `INSTA_UPDATE=always cargo test -p sesame-app --features
//! ssr --test emails`, then read and commit the `.snap` files.
#![cfg(feature = "ssr")]

use sesame_app::domain::access_request::RequestState;
use sesame_app::i18n::Lang;
use sesame_app::platform::mail::Mail;
use sesame_app::{
    access_request, accounts, activation, admin, approval, help, invitations, lab_review, my_data, reports,
    second_factor, shared_accounts, support,
};

const TO: &str = "marie.durand@exemple.fr";
const LINK: &str = "https://sesame.example.org/lien?jeton=JETON";

/// One snapshot per e-mail and language: headers, then both bodies.
fn shown(mail: &Mail) -> String {
    format!(
        "to: {}\nsubject: {}\ntemplate: {}\n--- text\n{}--- html\n{}",
        mail.to, mail.subject, mail.template, mail.text, mail.html
    )
}

/// Every e-mail, built with the same fixed inputs.
fn every_email(lang: Lang) -> Vec<(&'static str, Mail)> {
    use second_factor::emails::Change;
    vec![
        ("verify_email", accounts::emails::verification(lang, TO, "Marie", LINK)),
        ("already_registered", accounts::emails::already_registered(lang, TO, "Marie", LINK, LINK)),
        ("reset_password", accounts::emails::reset(lang, TO, "Marie", LINK)),
        ("reset_no_account", accounts::emails::reset_no_account(lang, TO, LINK)),
        ("password_changed", accounts::emails::password_changed(lang, TO, "Marie", LINK)),
        ("inactivity_warning", accounts::emails::inactivity_warning(lang, TO, "Marie", LINK)),
        ("link_review_requested", activation::emails::review_requested(lang, TO, "Marie", LINK)),
        ("link_review_linked", lab_review::emails::linked(lang, TO, "Marie", LINK)),
        ("link_review_refused", lab_review::emails::refused(lang, TO, "Marie", "Nom différent", LINK)),
        (
            "access_request_received_to_approver",
            access_request::emails::received(
                lang,
                TO,
                "Lucie",
                "Laboratoire BioVienne",
                RequestState::PendingApprover,
                Some("Jeanne Lefort"),
            ),
        ),
        (
            "access_request_received_to_support",
            access_request::emails::received(
                lang,
                TO,
                "Lucie",
                "Laboratoire BioVienne",
                RequestState::PendingSupport,
                None,
            ),
        ),
        (
            "access_request_awaiting_approver",
            access_request::emails::awaiting_approver(
                lang,
                TO,
                "Jeanne",
                "Lucie Moreau",
                "Résultats",
                "BioVienne Poitiers Centre",
                LINK,
            ),
        ),
        ("access_request_address_in_use", access_request::emails::address_has_account(lang, TO, "Lucie", LINK, LINK)),
        ("access_request_in_progress", access_request::emails::request_in_progress(lang, TO, "Lucie")),
        (
            "access_request_approved",
            approval::emails::approved(lang, TO, "Lucie", "Jeanne Lefort", "Résultats", "tous les sites"),
        ),
        ("access_request_refused", approval::emails::refused(lang, TO, "Lucie", "Jeanne Lefort", "Pas dans l'équipe")),
        (
            "access_rights_changed",
            approval::emails::rights_changed(
                lang,
                TO,
                "Lucie",
                "Jeanne Lefort",
                "Résultats, Factures",
                "tous les sites",
            ),
        ),
        ("access_code", support::emails::access_code(lang, TO, "Lucie", "7K2M-9QXR-4TV", LINK)),
        ("access_code_reminder", support::emails::access_code_reminder(lang, TO, "Lucie", "7K2M-9QXR-4TV", LINK)),
        ("invitation", invitations::emails::invitation(lang, TO, "Inès", LINK, 0)),
        ("invitation_reminder", invitations::emails::invitation(lang, TO, "Inès", LINK, 2)),
        ("change_email", admin::emails::confirm_new_address(lang, TO, "Marie", LINK)),
        ("email_change_notice", admin::emails::address_change_requested(lang, TO, "Marie", "n•••@e•••.fr")),
        ("email_changed_notice", admin::emails::address_changed(lang, TO, "Marie", "n•••@e•••.fr")),
        ("second_factor_enabled", second_factor::emails::changed(lang, TO, "Marie", Change::Enabled, LINK)),
        ("second_factor_disabled", second_factor::emails::changed(lang, TO, "Marie", Change::Disabled, LINK)),
        ("second_factor_reset", second_factor::emails::changed(lang, TO, "Marie", Change::Reset, LINK)),
        ("sign_in_code", second_factor::emails::sign_in_code(lang, TO, "Marie", "482913")),
        ("report_available", reports::emails::report_available(lang, TO, "Marie", false, LINK)),
        ("report_completed", reports::emails::report_available(lang, TO, "Marie", true, LINK)),
        ("result_available", reports::emails::document_for_professional(lang, TO, "Lucie", false, LINK)),
        ("invoice_available", reports::emails::document_for_professional(lang, TO, "Lucie", true, LINK)),
        ("documents_digest", reports::emails::digest(lang, TO, "Lucie", 3, 1, LINK)),
        ("shared_creation_code", shared_accounts::emails::creation_code(lang, TO, "Claire", "482913")),
        (
            "shared_confirm_address",
            shared_accounts::emails::confirm_address(
                lang,
                TO,
                "Secrétariat, clinique du Château",
                "Claire Dupont",
                LINK,
            ),
        ),
        ("shared_address_taken", shared_accounts::emails::address_taken(lang, TO, LINK)),
        (
            "shared_request_received",
            shared_accounts::emails::request_received(lang, TO, "Claire", "Secrétariat", RequestState::PendingApprover),
        ),
        (
            "shared_created_to_creator",
            shared_accounts::emails::created_to_creator(lang, TO, "Claire", "Secrétariat", LINK),
        ),
        ("shared_created_to_shared", shared_accounts::emails::created_to_shared(lang, TO, "Secrétariat", LINK)),
        ("shared_invited", shared_accounts::emails::invited(lang, TO, "Lucie", "Secrétariat", "Claire Dupont", LINK)),
        ("shared_removed", shared_accounts::emails::removed(lang, TO, "Lucie", "Secrétariat")),
        ("shared_no_password", shared_accounts::emails::no_password(lang, TO, LINK)),
        ("help_confirm_message", help::emails::confirm_message(lang, TO, LINK)),
        (
            "help_reply",
            help::emails::reply(
                lang,
                TO,
                "Marie",
                "Mon code d'activation est refusé",
                "Premier paragraphe.\n\nSecond paragraphe.",
            ),
        ),
        ("help_address_reminder", help::emails::address_reminder(lang, TO, "Marie", LINK)),
        ("address_in_use", my_data::emails::address_in_use(lang, TO)),
        (
            "data_export_ready",
            my_data::emails::export_ready(
                lang,
                TO,
                "Marie",
                "https://sesame.example.org/mon-compte/export",
                "11/12/2026 à 14:05",
            ),
        ),
    ]
}

#[test]
fn every_email_in_french() {
    for (name, mail) in every_email(Lang::Fr) {
        insta::assert_snapshot!(format!("{name}_fr"), shown(&mail));
    }
}

#[test]
fn every_email_in_english() {
    for (name, mail) in every_email(Lang::En) {
        insta::assert_snapshot!(format!("{name}_en"), shown(&mail));
    }
}

#[test]
fn both_bodies_say_the_same() {
    for lang in [Lang::Fr, Lang::En] {
        for (name, mail) in every_email(lang) {
            assert!(!mail.text.trim().is_empty() && !mail.html.trim().is_empty(), "{name}: an empty body");
            assert!(mail.html.contains(&format!("<html lang=\"{}\">", lang.code())), "{name}");
            for link in mail.text.split_whitespace().filter(|w| w.starts_with("https://")) {
                assert!(mail.html.contains(&link.replace('&', "&amp;")), "{name}: {link} missing from the HTML body");
            }
        }
    }
}
