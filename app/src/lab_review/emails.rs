//! E-mails that close a lab review: the record is linked, or it is not and why.

use crate::i18n::Lang;
use crate::platform::mail::Mail;
use crate::platform::mail::template::{Message, greeting};

/// The lab checked the link and the record is now on the account.
pub fn linked(lang: Lang, to: &str, first_name: &str, account_link: &str) -> Mail {
    Message {
        subject: lang.t("Votre dossier est rattaché à votre compte", "Your record is linked to your account").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![lang
            .t(
                "Le laboratoire a vérifié votre demande : le dossier est maintenant rattaché à votre compte Sésame. Vous y verrez la disponibilité de ses comptes rendus.",
                "The lab checked your request: the record is now linked to your Sésame account. You will see there when its reports are available.",
            )
            .into()],
        button: Some((lang.t("Voir mon compte", "See my account").into(), account_link.into())),
        ..Default::default()
    }
    .render(lang, to, "link_review_linked")
}

/// The lab could not confirm the link: the reason, and what to do next.
pub fn refused(lang: Lang, to: &str, first_name: &str, reason: &str, activation_link: &str) -> Mail {
    Message {
        subject: lang.t("Votre demande de rattachement n'a pas pu être confirmée", "Your link request could not be confirmed").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            lang.t(
                "Le laboratoire a vérifié votre demande de rattachement et n'a pas pu la confirmer, pour le motif suivant :",
                "The lab checked your link request and could not confirm it, for this reason:",
            )
            .into(),
            format!("« {reason} »"),
            lang.t(
                "Le code d'activation peut être saisi de nouveau. S'il s'agit du dossier d'un enfant ou d'un proche, choisissez « Mon enfant » ou « Une personne que j'accompagne » et saisissez son nom tel qu'il figure sur le compte rendu. Sinon, contactez votre laboratoire.",
                "The activation code can be entered again. If it is a child's or a relative's record, choose “My child” or “A person I care for” and enter their name as printed on the report. Otherwise, contact your lab.",
            )
            .into(),
        ],
        button: Some((lang.t("Saisir un code", "Enter a code").into(), activation_link.into())),
        ..Default::default()
    }
    .render(lang, to, "link_review_refused")
}
