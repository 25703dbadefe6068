//! E-mails of the accounts journey, in French and English.

use crate::i18n::Lang;
use crate::platform::mail::Mail;
use crate::platform::mail::template::{Message, greeting};

/// "Confirm your address": sent at sign-up and on request.
pub fn verification(lang: Lang, to: &str, first_name: &str, link: &str) -> Mail {
    Message {
        subject: lang.t("Confirmez votre adresse e-mail", "Confirm your e-mail address").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            lang.t(
                "Votre compte Sésame est presque prêt. Confirmez votre adresse e-mail pour pouvoir vous connecter et rattacher vos dossiers d'analyses.",
                "Your Sésame account is almost ready. Confirm your e-mail address to sign in and link your lab records.",
            )
            .into(),
        ],
        button: Some((lang.t("Confirmer mon adresse", "Confirm my address").into(), link.into())),
        code: None,
        after: vec![lang.t(
            "Ce lien est valable 24 heures et ne sert qu'une fois. S'il a expiré, connectez-vous : Sésame vous proposera d'en recevoir un nouveau.",
            "This link is valid for 24 hours and works once. If it has expired, sign in: Sésame will offer to send a new one.",
        )
        .into()],
    }
    .render(lang, to, "verify_email")
}

/// Sent instead of a second account when someone signs up with an address already used.
pub fn already_registered(lang: Lang, to: &str, first_name: &str, sign_in: &str, reset: &str) -> Mail {
    Message {
        subject: lang.t("Vous avez déjà un compte Sésame", "You already have a Sésame account").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            lang.t(
                "Quelqu'un (sans doute vous) a demandé à créer un compte Sésame avec cette adresse e-mail. Un compte existe déjà pour cette adresse : inutile d'en créer un autre.",
                "Someone (probably you) asked to create a Sésame account with this e-mail address. An account already exists for it: no need to create another.",
            )
            .into(),
            format!("{} {sign_in}", lang.t("Pour vous connecter :", "To sign in:")),
        ],
        button: Some((lang.t("J'ai oublié mon mot de passe", "I forgot my password").into(), reset.into())),
        code: None,
        after: vec![],
    }
    .render(lang, to, "already_registered")
}

/// The password reset link.
pub fn reset(lang: Lang, to: &str, first_name: &str, link: &str) -> Mail {
    Message {
        subject: lang.t("Choisissez un nouveau mot de passe", "Choose a new password").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![lang
            .t(
                "Vous avez demandé à réinitialiser le mot de passe de votre compte Sésame. Choisissez-en un nouveau avec le bouton ci-dessous.",
                "You asked to reset your Sésame password. Choose a new one with the button below.",
            )
            .into()],
        button: Some((lang.t("Choisir un nouveau mot de passe", "Choose a new password").into(), link.into())),
        code: None,
        after: vec![lang
            .t(
                "Ce lien est valable une heure et ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.",
                "This link is valid for one hour and works once. If you did not ask for it, ignore this message: your password stays the same.",
            )
            .into()],
    }
    .render(lang, to, "reset_password")
}

/// Sent when a reset is asked for an address that has no account: the owner of the mailbox
/// learns which address they did not use, and nobody else learns anything.
pub fn reset_no_account(lang: Lang, to: &str, sign_up: &str) -> Mail {
    Message {
        subject: lang.t("Aucun compte Sésame pour cette adresse", "No Sésame account for this address").into(),
        greeting: lang.t("Bonjour,", "Hello,").into(),
        paragraphs: vec![lang
            .t(
                "Quelqu'un (sans doute vous) a demandé à réinitialiser le mot de passe du compte Sésame associé à cette adresse e-mail. Aucun compte n'utilise cette adresse : vous vous êtes peut-être inscrit avec une autre.",
                "Someone (probably you) asked to reset the password of the Sésame account of this e-mail address. No account uses this address: you may have signed up with another one.",
            )
            .into()],
        button: Some((lang.t("Créer un compte", "Create an account").into(), sign_up.into())),
        code: None,
        after: vec![],
    }
    .render(lang, to, "reset_no_account")
}

/// Confirms a password change.
pub fn password_changed(lang: Lang, to: &str, first_name: &str, reset: &str) -> Mail {
    Message {
        subject: lang.t("Votre mot de passe a été modifié", "Your password was changed").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            lang.t(
                "Le mot de passe de votre compte Sésame vient d'être modifié, et toutes vos autres sessions ont été fermées.",
                "Your Sésame password has just been changed, and all your other sessions were signed out.",
            )
            .into(),
            format!(
                "{} {reset}",
                lang.t(
                    "Si ce n'est pas vous, choisissez immédiatement un nouveau mot de passe :",
                    "If this was not you, choose a new password right away:",
                )
            ),
        ],
        button: None,
        code: None,
        after: vec![],
    }
    .render(lang, to, "password_changed")
}

/// Thirty days before an unused account is deleted (three years without a sign-in).
pub fn inactivity_warning(lang: Lang, to: &str, first_name: &str, sign_in: &str) -> Mail {
    Message {
        subject: lang
            .t("Votre compte Sésame sera supprimé dans 30 jours", "Your Sésame account will be deleted in 30 days")
            .into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![lang
            .t(
                "Vous ne vous êtes pas connecté à Sésame depuis près de trois ans. Comme l'annonce notre politique de confidentialité, votre compte et ses rattachements seront supprimés dans 30 jours. Pour le garder, il suffit de vous connecter.",
                "You have not signed in to Sésame for nearly three years. As our privacy notice says, your account and its links will be deleted in 30 days. To keep it, just sign in.",
            )
            .into()],
        button: Some((lang.t("Me connecter", "Sign in").into(), sign_in.into())),
        ..Default::default()
    }
    .render(lang, to, "inactivity_warning")
}
