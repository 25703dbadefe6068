//! The e-mails of an address change made by support: the confirmation link to the new
//! address, and the notices to the old one (asked, then done).

use crate::i18n::Lang;
use crate::platform::mail::Mail;
use crate::platform::mail::template::{Message, greeting};

/// To the new address: confirm it with this link.
pub fn confirm_new_address(lang: Lang, to: &str, first_name: &str, link: &str) -> Mail {
    Message {
        subject: lang.t("Confirmez votre nouvelle adresse e-mail", "Confirm your new e-mail address").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![lang
            .t(
                "Le support a enregistré cette adresse comme nouvelle adresse de votre compte Sésame. Confirmez-la pour qu'elle remplace l'ancienne.",
                "Support recorded this address as your Sésame account's new address. Confirm it so that it replaces the old one.",
            )
            .into()],
        button: Some((lang.t("Confirmer cette adresse", "Confirm this address").into(), link.into())),
        ..Default::default()
    }
    .render(lang, to, "change_email")
}

/// To the current address, at once: a change nobody asked for is noticed. `new_masked` is
/// the new address, partly hidden.
pub fn address_change_requested(lang: Lang, to: &str, first_name: &str, new_masked: &str) -> Mail {
    Message {
        subject: lang
            .t("Changement d'adresse e-mail demandé sur votre compte", "E-mail address change asked on your account")
            .into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            match lang {
                Lang::Fr => format!(
                    "Le support a enregistré une nouvelle adresse e-mail pour votre compte Sésame : {new_masked}. Elle remplacera celle-ci dès qu'elle sera confirmée, et vos sessions seront alors fermées."
                ),
                Lang::En => format!(
                    "Support recorded a new e-mail address for your Sésame account: {new_masked}. It will replace this one once confirmed, and your sessions will then be signed out."
                ),
            },
            lang.t(
                "Si vous n'avez rien demandé, contactez le support sans attendre : ce changement est visible dans « Mon compte ».",
                "If you did not ask for this, contact support at once: this change shows in “My account”.",
            )
            .into(),
        ],
        ..Default::default()
    }
    .render(lang, to, "email_change_notice")
}

/// To the former address, once the new one is confirmed.
pub fn address_changed(lang: Lang, to: &str, first_name: &str, new_masked: &str) -> Mail {
    Message {
        subject: lang.t("L'adresse e-mail de votre compte a changé", "Your account's e-mail address changed").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            match lang {
                Lang::Fr => format!(
                    "Votre compte Sésame utilise désormais l'adresse {new_masked} ; celle-ci ne sert plus pour vous connecter. Toutes vos sessions ont été fermées."
                ),
                Lang::En => format!(
                    "Your Sésame account now uses the address {new_masked}; this one no longer signs in. All your sessions were signed out."
                ),
            },
            lang.t(
                "Si vous n'avez rien demandé, contactez le support sans attendre.",
                "If you did not ask for this, contact support at once.",
            )
            .into(),
        ],
        ..Default::default()
    }
    .render(lang, to, "email_changed_notice")
}
