//! E-mails sent by support's actions.

use crate::i18n::Lang;
use crate::platform::mail::Mail;
use crate::platform::mail::template::{Message, greeting};

/// The provisional access code, at validation or when support re-issues one.
pub fn access_code(lang: Lang, to: &str, first_name: &str, code: &str, link: &str) -> Mail {
    Message {
        subject: lang.t("Votre code d'accès provisoire Sésame", "Your Sésame provisional access code").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![lang
            .t(
                "Votre demande d'accès à Sésame est validée. Voici votre code d'accès provisoire, valable 7 jours et utilisable une seule fois :",
                "Your access request to Sésame is validated. Here is your provisional access code, valid 7 days and usable once:",
            )
            .into()],
        code: Some(code.into()),
        button: Some((lang.t("Première connexion", "First sign-in").into(), link.into())),
        after: vec![lang
            .t(
                "À la première connexion, saisissez votre adresse e-mail et ce code, puis choisissez votre mot de passe. S'il a expiré, contactez le support : il vous en enverra un nouveau.",
                "At your first sign-in, enter your e-mail address and this code, then choose your password. If it has expired, contact support: they will send a new one.",
            )
            .into()],
    }
    .render(lang, to, "access_code")
}

/// Two days before a provisional access code expires unused: the code again (a new one,
/// valid until the same day), so the person is not stuck.
pub fn access_code_reminder(lang: Lang, to: &str, first_name: &str, code: &str, link: &str) -> Mail {
    Message {
        subject: lang
            .t("Rappel : votre code d'accès provisoire Sésame expire bientôt", "Reminder: your Sésame provisional access code expires soon")
            .into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![lang
            .t(
                "Votre compte Sésame attend votre première connexion, et votre code d'accès provisoire expire dans deux jours. Le voici de nouveau :",
                "Your Sésame account awaits your first sign-in, and your provisional access code expires in two days. Here it is again:",
            )
            .into()],
        code: Some(code.into()),
        button: Some((lang.t("Première connexion", "First sign-in").into(), link.into())),
        after: vec![lang
            .t(
                "Passé ce délai, le support pourra vous en envoyer un nouveau d'un clic.",
                "After that, support can send you a new one in one click.",
            )
            .into()],
    }
    .render(lang, to, "access_code_reminder")
}
