//! E-mails of the access-request journey.

use crate::domain::access_request::RequestState;
use crate::i18n::Lang;
use crate::platform::mail::Mail;
use crate::platform::mail::template::{Message, greeting};

/// To the requester: "received, what happens next".
pub fn received(
    lang: Lang,
    to: &str,
    first_name: &str,
    structure: &str,
    state: RequestState,
    approver: Option<&str>,
) -> Mail {
    let next = match (state, approver) {
        (RequestState::PendingApprover, Some(a)) => match lang {
            Lang::Fr => format!(
                "Votre demande d'accès aux Résultats et/ou Factures a été transmise à {a}, qui va l'approuver ou l'ajuster. Elle sera ensuite validée par notre support."
            ),
            Lang::En => format!(
                "Your request for access to Results and/or Invoices was sent to {a}, who will approve or adjust it. Our support will then validate it."
            ),
        },
        _ => lang
            .t(
                "Votre demande est transmise à notre support, qui va la vérifier.",
                "Your request was sent to our support, who will check it.",
            )
            .to_string(),
    };
    Message {
        subject: lang.t("Votre demande d'accès Sésame est bien reçue", "Your Sésame access request was received").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            match lang {
                Lang::Fr => format!("Nous avons bien reçu votre demande d'accès à Sésame pour la structure {structure}."),
                Lang::En => format!("We received your request for access to Sésame for the structure {structure}."),
            },
            next,
            lang.t(
                "Une fois la demande validée, vous recevrez par e-mail un code d'accès provisoire : il vous permettra de vous connecter une première fois et de choisir votre mot de passe. Vous serez informé par e-mail à chaque étape.",
                "Once the request is validated, you will receive a provisional access code by e-mail: it lets you sign in a first time and choose your password. You will be told by e-mail at each step.",
            )
            .into(),
        ],
        button: None,
        code: None,
        after: vec![],
    }
    .render(lang, to, "access_request_received")
}

/// To the approver: a request awaits them.
pub fn awaiting_approver(
    lang: Lang,
    to: &str,
    first_name: &str,
    requester: &str,
    rights: &str,
    sites: &str,
    link: &str,
) -> Mail {
    Message {
        subject: lang.t("Une demande d'accès attend votre approbation", "An access request awaits your approval").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![match lang {
            Lang::Fr => format!("{requester} demande l'accès à Sésame avec les droits suivants : {rights}, pour les sites : {sites}. Vous pouvez approuver la demande telle quelle, l'ajuster (droits, sites) ou la refuser en indiquant un motif."),
            Lang::En => format!("{requester} asks for access to Sésame with these rights: {rights}, for these sites: {sites}. You can approve the request as is, adjust it (rights, sites) or refuse it with a reason."),
        }],
        button: Some((lang.t("Ouvrir l'approbation des comptes", "Open account approval").into(), link.into())),
        code: None,
        after: vec![],
    }
    .render(lang, to, "access_request_awaiting_approver")
}

/// To the owner of an address that already has an account, instead of a second account:
/// someone asked for professional access with it. The visitor is told nothing different.
pub fn address_has_account(lang: Lang, to: &str, first_name: &str, sign_in: &str, reset: &str) -> Mail {
    Message {
        subject: lang.t(
            "Une demande d'accès a été faite avec votre adresse",
            "An access request was made with your address",
        )
        .into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            lang.t(
                "Quelqu'un (sans doute vous) a demandé un accès professionnel à Sésame avec cette adresse e-mail. Un compte Sésame utilise déjà cette adresse : une adresse ne sert qu'à un compte, la demande n'a donc pas été enregistrée.",
                "Someone (probably you) asked for professional access to Sésame with this e-mail address. A Sésame account already uses this address: an address serves one account only, so the request was not recorded.",
            )
            .into(),
            format!("{} {sign_in}", lang.t("Si c'est votre compte, connectez-vous :", "If it is your account, sign in:")),
            lang.t(
                "Pour un accès professionnel distinct, faites la demande avec votre adresse professionnelle individuelle. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.",
                "For separate professional access, make the request with your own professional address. If you did not make this request, ignore this message.",
            )
            .into(),
        ],
        button: Some((lang.t("J'ai oublié mon mot de passe", "I forgot my password").into(), reset.into())),
        ..Default::default()
    }
    .render(lang, to, "access_request_address_in_use")
}

/// To an address that already has a request in progress: a second one was asked.
pub fn request_in_progress(lang: Lang, to: &str, first_name: &str) -> Mail {
    Message {
        subject: lang
            .t("Une demande d'accès est déjà en cours pour votre adresse", "An access request is already in progress for your address")
            .into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![lang
            .t(
                "Quelqu'un (sans doute vous) a de nouveau demandé un accès professionnel à Sésame avec cette adresse e-mail. Une demande est déjà en cours pour elle : vous recevez un e-mail à chacune de ses étapes, inutile d'en faire une autre. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.",
                "Someone (probably you) asked again for professional access to Sésame with this e-mail address. A request is already in progress for it: you get an e-mail at each of its steps, there is no need for another one. If you did not make this request, ignore this message.",
            )
            .into()],
        ..Default::default()
    }
    .render(lang, to, "access_request_in_progress")
}
