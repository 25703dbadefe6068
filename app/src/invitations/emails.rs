//! Invitation e-mails.

use crate::i18n::Lang;
use crate::platform::mail::Mail;
use crate::platform::mail::template::{Message, greeting};

/// The invitation (or a reminder of it).
pub fn invitation(lang: Lang, to: &str, first_name: &str, link: &str, reminder: u32) -> Mail {
    let subject = if reminder == 0 {
        lang.t("Vous êtes invité à rejoindre Sésame", "You are invited to join Sésame").to_string()
    } else {
        match lang {
            Lang::Fr => format!("Rappel ({reminder}/3) : votre invitation à rejoindre Sésame"),
            Lang::En => format!("Reminder ({reminder}/3): your invitation to join Sésame"),
        }
    };
    Message {
        subject,
        greeting: greeting(lang, first_name),
        paragraphs: vec![lang
            .t(
                "Un compte Sésame a été créé pour vous. Choisissez votre mot de passe avec le bouton ci-dessous, puis connectez-vous : à la première connexion, vous accepterez les conditions d'utilisation.",
                "A Sésame account was created for you. Choose your password with the button below, then sign in: at the first sign-in you will accept the terms of use.",
            )
            .into()],
        button: Some((lang.t("Choisir mon mot de passe", "Choose my password").into(), link.into())),
        code: None,
        after: vec![lang
            .t(
                "Ce lien ne sert qu'une fois et expire 14 jours après l'invitation. S'il a expiré, demandez une nouvelle invitation au support.",
                "This link works once and expires 14 days after the invitation. If it has expired, ask support for a new invitation.",
            )
            .into()],
    }
    .render(lang, to, if reminder == 0 { "invitation" } else { "invitation_reminder" })
}
