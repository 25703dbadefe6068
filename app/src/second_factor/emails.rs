//! The e-mails of the second factor: a sign-in code, and the notice of a change (turned
//! on, turned off, reset by support).

use crate::i18n::Lang;
use crate::platform::mail::Mail;
use crate::platform::mail::template::{Message, greeting};

/// What changed in an account's second factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The authenticator app was enrolled.
    Enabled,
    /// The owner turned it off.
    Disabled,
    /// Support reset it.
    Reset,
}

/// To the owner: their second factor changed, and their other sessions were ended.
pub fn changed(lang: Lang, to: &str, first_name: &str, what: Change, help: &str) -> crate::platform::mail::Mail {
    let (subject, paragraph, template) = match what {
        Change::Enabled => (
            lang.t("Authentification à deux facteurs activée", "Two-factor authentication turned on"),
            lang.t(
                "L'authentification à deux facteurs vient d'être activée sur votre compte Sésame. Vos autres sessions ont été fermées.",
                "Two-factor authentication was just turned on for your Sésame account. Your other sessions were signed out.",
            ),
            "second_factor_enabled",
        ),
        Change::Disabled => (
            lang.t("Authentification à deux facteurs désactivée", "Two-factor authentication turned off"),
            lang.t(
                "L'authentification à deux facteurs vient d'être désactivée sur votre compte Sésame. Vos autres sessions ont été fermées.",
                "Two-factor authentication was just turned off for your Sésame account. Your other sessions were signed out.",
            ),
            "second_factor_disabled",
        ),
        Change::Reset => (
            lang.t("Votre second facteur d'authentification a été réinitialisé", "Your second factor was reset"),
            lang.t(
                "Le support a réinitialisé votre authentification à deux facteurs, à votre demande, et fermé toutes vos sessions. À votre prochaine connexion, configurez à nouveau votre application d'authentification.",
                "Support reset your two-factor authentication, as you asked, and signed out all your sessions. At your next sign-in, set up your authenticator app again.",
            ),
            "second_factor_reset",
        ),
    };
    Message {
        subject: subject.into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            paragraph.into(),
            format!(
                "{} {help}",
                lang.t(
                    "Si ce n'est pas vous, choisissez immédiatement un nouveau mot de passe :",
                    "If this was not you, choose a new password right away:",
                )
            ),
        ],
        ..Default::default()
    }
    .render(lang, to, template)
}

/// A six-digit sign-in code (valid 10 minutes, single use).
pub fn sign_in_code(lang: Lang, to: &str, first_name: &str, code: &str) -> Mail {
    Message {
        subject: lang.t("Votre code de connexion Sésame", "Your Sésame sign-in code").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![lang
            .t(
                "Pour terminer votre connexion à Sésame, saisissez ce code à 6 chiffres. Il est valable 10 minutes et ne sert qu'une fois.",
                "To finish signing in to Sésame, type this 6-digit code. It is valid for 10 minutes and works once.",
            )
            .into()],
        code: Some(code.into()),
        after: vec![lang
            .t(
                "Si vous n'essayez pas de vous connecter, quelqu'un connaît votre mot de passe : changez-le dès maintenant.",
                "If you are not trying to sign in, someone knows your password: change it now.",
            )
            .into()],
        ..Default::default()
    }
    .render(lang, to, "sign_in_code")
}
