//! E-mails of the activation journey.

use crate::i18n::Lang;
use crate::platform::mail::Mail;
use crate::platform::mail::template::{Message, greeting};

/// Confirms that a link request went to the lab's review, and what happens next.
pub fn review_requested(lang: Lang, to: &str, first_name: &str, account_link: &str) -> Mail {
    Message {
        subject: lang.t("Votre demande de rattachement est en cours de vérification", "Your link request is being checked").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            lang.t(
                "Le code d'activation et la date de naissance que vous avez saisis correspondent bien à un dossier, mais le nom diffère de celui enregistré par le laboratoire (nom de naissance, nom composé, faute de frappe…).",
                "The activation code and date of birth you entered match a record, but the name differs from the one the lab recorded (birth name, compound name, typo…).",
            )
            .into(),
            lang.t(
                "Le laboratoire va vérifier et rattacher le dossier à votre compte, en général sous deux jours ouvrés. Vous recevrez un e-mail dès que ce sera fait : vous n'avez rien d'autre à faire.",
                "The lab will check and link the record to your account, usually within two working days. You will receive an e-mail once done: there is nothing else to do.",
            )
            .into(),
        ],
        button: Some((lang.t("Voir mon compte", "See my account").into(), account_link.into())),
        code: None,
        after: vec![],
    }
    .render(lang, to, "link_review_requested")
}
