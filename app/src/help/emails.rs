//! E-mails of help and contact: the link that confirms a signed-out writer's address,
//! support's reply, and the reminder of which address an account uses. None carries
//! medical data (the contact form asks for none, and says so).

use crate::i18n::Lang;
use crate::platform::mail::Mail;
use crate::platform::mail::template::{Message, greeting};

/// To a signed-out writer: confirm the address before the message reaches support.
pub fn confirm_message(lang: Lang, to: &str, link: &str) -> Mail {
    Message {
        subject: lang.t("Confirmez votre message au support Sésame", "Confirm your message to Sésame support").into(),
        greeting: lang.t("Bonjour,", "Hello,").into(),
        paragraphs: vec![lang
            .t(
                "Vous avez écrit au support de Sésame. Confirmez que cette adresse est la vôtre pour que votre message lui parvienne (le lien est valable 24 heures) : la réponse arrivera à cette adresse.",
                "You wrote to Sésame support. Confirm this address is yours so that your message reaches it (the link is valid for 24 hours): the answer will come to this address.",
            )
            .into()],
        button: Some((lang.t("Confirmer mon message", "Confirm my message").into(), link.into())),
        after: vec![lang
            .t(
                "Si vous n'avez pas écrit au support, ignorez ce message : rien ne sera transmis.",
                "If you did not write to support, ignore this message: nothing will be passed on.",
            )
            .into()],
        ..Default::default()
    }
    .render(lang, to, "help_confirm_message")
}

/// Support's answer to a message.
pub fn reply(lang: Lang, to: &str, name: &str, topic: &str, answer: &str) -> Mail {
    let mut paragraphs = vec![match lang {
        Lang::Fr => format!("Voici la réponse du support à votre message « {topic} » :"),
        Lang::En => format!("Here is support's answer to your message “{topic}”:"),
    }];
    paragraphs.extend(answer.split("\n\n").map(|p| p.trim().to_string()).filter(|p| !p.is_empty()));
    Message {
        subject: lang.t("Réponse du support Sésame", "Answer from Sésame support").into(),
        greeting: if name.trim().is_empty() { lang.t("Bonjour,", "Hello,").into() } else { greeting(lang, name) },
        paragraphs,
        after: vec![
            lang.t(
                "Pour nous écrire de nouveau, passez par la page Aide de Sésame.",
                "To write to us again, use Sésame's Help page.",
            )
            .into(),
        ],
        ..Default::default()
    }
    .render(lang, to, "help_reply")
}

/// To an address that has an account, after someone asked which address they used.
pub fn address_reminder(lang: Lang, to: &str, first_name: &str, sign_in: &str) -> Mail {
    Message {
        subject: lang.t("Votre compte Sésame utilise cette adresse", "Your Sésame account uses this address").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![lang
            .t(
                "Vous avez demandé quelle adresse utilise votre compte Sésame : c'est celle-ci. Connectez-vous avec elle ; si vous avez aussi oublié le mot de passe, la page de connexion propose d'en choisir un nouveau.",
                "You asked which address your Sésame account uses: it is this one. Sign in with it; if you also forgot the password, the sign-in page lets you choose a new one.",
            )
            .into()],
        button: Some((lang.t("Se connecter", "Sign in").into(), sign_in.into())),
        after: vec![lang
            .t(
                "Si vous n'avez rien demandé, ignorez ce message : il ne change rien à votre compte.",
                "If you did not ask for anything, ignore this message: it changes nothing on your account.",
            )
            .into()],
        ..Default::default()
    }
    .render(lang, to, "help_address_reminder")
}
