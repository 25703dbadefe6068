//! E-mails of the approval journey.

use crate::i18n::Lang;
use crate::platform::mail::Mail;
use crate::platform::mail::template::{Message, greeting};

/// To the requester: approved by their approver, now with support.
pub fn approved(lang: Lang, to: &str, first_name: &str, approver: &str, rights: &str, sites: &str) -> Mail {
    Message {
        subject: lang.t("Votre demande d'accès a été approuvée", "Your access request was approved").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            match lang {
                Lang::Fr => format!("{approver} a approuvé votre demande d'accès, avec les droits : {rights} ; sites : {sites}."),
                Lang::En => format!("{approver} approved your access request, with these rights: {rights}; sites: {sites}."),
            },
            lang.t(
                "Elle est maintenant en validation auprès de notre support. Vous recevrez ensuite votre code d'accès provisoire par e-mail.",
                "It now goes to our support for validation. You will then receive your provisional access code by e-mail.",
            )
            .into(),
        ],
        ..Default::default()
    }
    .render(lang, to, "access_request_approved")
}

/// To the requester: refused, with the reason.
pub fn refused(lang: Lang, to: &str, first_name: &str, by: &str, reason: &str) -> Mail {
    Message {
        subject: lang.t("Votre demande d'accès n'a pas été acceptée", "Your access request was not accepted").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            match lang {
                Lang::Fr => format!("Votre demande d'accès à Sésame a été refusée par {by}, pour le motif suivant :"),
                Lang::En => format!("Your access request to Sésame was refused by {by}, for this reason:"),
            },
            format!("« {reason} »"),
            lang.t(
                "Si vous pensez qu'il s'agit d'une erreur, rapprochez-vous du biologiste de votre structure ou de notre support. Vous pouvez aussi faire une nouvelle demande.",
                "If you think this is a mistake, talk to your structure's biologist or to our support. You can also send a new request.",
            )
            .into(),
        ],
        ..Default::default()
    }
    .render(lang, to, "access_request_refused")
}

/// To a collaborator whose rights an approver changed.
pub fn rights_changed(lang: Lang, to: &str, first_name: &str, by: &str, rights: &str, sites: &str) -> Mail {
    Message {
        subject: lang.t("Vos droits d'accès Sésame ont changé", "Your Sésame access rights changed").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![match lang {
            Lang::Fr => format!("{by} a modifié vos droits d'accès. Droits : {rights} ; sites : {sites}."),
            Lang::En => format!("{by} changed your access rights. Rights: {rights}; sites: {sites}."),
        }],
        ..Default::default()
    }
    .render(lang, to, "access_rights_changed")
}
