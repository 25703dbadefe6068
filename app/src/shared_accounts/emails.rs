//! E-mails of shared accounts: the code that confirms a creation, the link that confirms the
//! shared address, the creation itself, and members' invitations and removals. None carries
//! medical data.

use crate::domain::access_request::RequestState;
use crate::i18n::Lang;
use crate::platform::mail::Mail;
use crate::platform::mail::template::{Message, greeting};

/// To a professional: the six-digit code that confirms they are creating a shared account.
pub fn creation_code(lang: Lang, to: &str, first_name: &str, code: &str) -> Mail {
    Message {
        subject: lang.t("Votre code pour créer un compte partagé", "Your code to create a shared account").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![lang
            .t(
                "Pour créer un compte partagé sur Sésame, saisissez ce code à 6 chiffres. Il est valable 10 minutes et ne sert qu'une fois.",
                "To create a shared account on Sésame, type this 6-digit code. It is valid for 10 minutes and works once.",
            )
            .into()],
        code: Some(code.into()),
        after: vec![lang
            .t(
                "Si vous n'êtes pas à l'origine de cette demande, quelqu'un utilise votre compte : changez votre mot de passe dès maintenant.",
                "If you did not ask for this, someone is using your account: change your password now.",
            )
            .into()],
        ..Default::default()
    }
    .render(lang, to, "shared_creation_code")
}

/// To the shared address: confirm it, so the shared account can be created.
pub fn confirm_address(lang: Lang, to: &str, description: &str, creator: &str, link: &str) -> Mail {
    Message {
        subject: lang.t("Confirmez l'adresse de votre compte partagé Sésame", "Confirm your Sésame shared account's address").into(),
        greeting: lang.t("Bonjour,", "Hello,").into(),
        paragraphs: vec![
            match lang {
                Lang::Fr => format!("{creator} demande la création du compte partagé « {description} » sur Sésame, avec cette adresse e-mail."),
                Lang::En => format!("{creator} asks for the shared account “{description}” on Sésame, with this e-mail address."),
            },
            lang.t(
                "Confirmez que cette adresse est bien celle de votre structure (le lien est valable 7 jours) ; le support validera ensuite la demande.",
                "Confirm that this address is your structure's (the link is valid 7 days); support will then validate the request.",
            )
            .into(),
        ],
        button: Some((lang.t("Confirmer l'adresse", "Confirm the address").into(), link.into())),
        after: vec![lang
            .t(
                "Si vous ne connaissez pas cette demande, ignorez ce message : rien ne sera créé avec cette adresse.",
                "If you do not know about this request, ignore this message: nothing will be created with this address.",
            )
            .into()],
        ..Default::default()
    }
    .render(lang, to, "shared_confirm_address")
}

/// To the owner of an address that already has an account, when someone gave it as a
/// shared account's address (the form answered as usual).
pub fn address_taken(lang: Lang, to: &str, help: &str) -> Mail {
    Message {
        subject: lang.t("Votre adresse e-mail a été proposée pour un compte partagé", "Your e-mail address was given for a shared account").into(),
        greeting: lang.t("Bonjour,", "Hello,").into(),
        paragraphs: vec![
            lang.t(
                "Un professionnel a demandé la création d'un compte partagé Sésame avec votre adresse e-mail. Cette adresse est déjà celle d'un compte Sésame : elle ne peut pas être aussi celle d'un compte partagé, et rien n'a été créé.",
                "A professional asked for a Sésame shared account with your e-mail address. This address already belongs to a Sésame account: it cannot also be a shared account's, and nothing was created.",
            )
            .into(),
            lang.t(
                "Si la demande venait de votre structure, elle doit choisir une autre adresse générique (par exemple celle du secrétariat).",
                "If the request came from your structure, it must choose another generic address (for example the secretariat's).",
            )
            .into(),
        ],
        button: Some((lang.t("Obtenir de l'aide", "Get help").into(), help.into())),
        ..Default::default()
    }
    .render(lang, to, "shared_address_taken")
}

/// To the creator: the request is received, and what happens next.
pub fn request_received(lang: Lang, to: &str, first_name: &str, description: &str, state: RequestState) -> Mail {
    let next = match state {
        RequestState::PendingApprover => lang.t(
            "Elle est transmise à l'approbateur de votre structure, puis notre support la validera.",
            "It goes to your structure's approver, then our support will validate it.",
        ),
        _ => lang.t(
            "Elle est transmise à notre support, qui va la valider.",
            "It goes to our support, who will validate it.",
        ),
    };
    Message {
        subject: lang.t("Votre demande de compte partagé est enregistrée", "Your shared account request is recorded").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            match lang {
                Lang::Fr => format!("Votre demande de compte partagé « {description} » est enregistrée. {next}"),
                Lang::En => format!("Your request for the shared account “{description}” is recorded. {next}"),
            },
            lang.t(
                "Un lien de confirmation est envoyé à l'adresse du compte partagé : le compte ne sera créé qu'une fois cette adresse confirmée.",
                "A confirmation link is sent to the shared account's address: the account is created only once that address is confirmed.",
            )
            .into(),
        ],
        ..Default::default()
    }
    .render(lang, to, "shared_request_received")
}

/// To the creator: the shared account is created and they are its responsible.
pub fn created_to_creator(lang: Lang, to: &str, first_name: &str, description: &str, link: &str) -> Mail {
    Message {
        subject: lang.t("Votre compte partagé est créé", "Your shared account is created").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            match lang {
                Lang::Fr => format!("Le support a validé le compte partagé « {description} ». Vous en êtes le responsable : vous pouvez y ajouter des membres de votre structure."),
                Lang::En => format!("Support validated the shared account “{description}”. You are its responsible: you can add members of your structure."),
            },
            lang.t(
                "Pour l'utiliser, connectez-vous avec votre compte individuel, puis choisissez « Changer de compte » dans l'en-tête.",
                "To use it, sign in with your individual account, then choose “Switch account” in the header.",
            )
            .into(),
        ],
        button: Some((lang.t("Gérer le compte partagé", "Manage the shared account").into(), link.into())),
        ..Default::default()
    }
    .render(lang, to, "shared_created_to_creator")
}

/// To the shared address: the account exists; people reach it from their own accounts.
pub fn created_to_shared(lang: Lang, to: &str, description: &str, link: &str) -> Mail {
    Message {
        subject: lang.t("Votre compte partagé Sésame est ouvert", "Your Sésame shared account is open").into(),
        greeting: lang.t("Bonjour,", "Hello,").into(),
        paragraphs: vec![
            match lang {
                Lang::Fr => format!("Le compte partagé « {description} » est ouvert sur Sésame avec cette adresse."),
                Lang::En => format!("The shared account “{description}” is open on Sésame with this address."),
            },
            lang.t(
                "Un compte partagé n'a pas de mot de passe : ses membres l'utilisent depuis leur propre compte individuel, et son responsable y ajoute des membres.",
                "A shared account has no password: its members use it from their own individual accounts, and its responsible adds members.",
            )
            .into(),
        ],
        button: Some((lang.t("Se connecter", "Sign in").into(), link.into())),
        ..Default::default()
    }
    .render(lang, to, "shared_created_to_shared")
}

/// To a professional invited to a shared account: confirm from their own account.
pub fn invited(lang: Lang, to: &str, first_name: &str, description: &str, by: &str, link: &str) -> Mail {
    Message {
        subject: lang.t("Invitation à un compte partagé Sésame", "Invitation to a Sésame shared account").into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![
            match lang {
                Lang::Fr => format!("{by} vous invite à rejoindre le compte partagé « {description} »."),
                Lang::En => format!("{by} invites you to join the shared account “{description}”."),
            },
            lang.t(
                "Connectez-vous avec votre compte individuel pour accepter ou décliner l'invitation (valable 14 jours).",
                "Sign in with your individual account to accept or decline the invitation (valid 14 days).",
            )
            .into(),
        ],
        button: Some((lang.t("Voir l'invitation", "See the invitation").into(), link.into())),
        ..Default::default()
    }
    .render(lang, to, "shared_invited")
}

/// To a member who was removed from a shared account.
pub fn removed(lang: Lang, to: &str, first_name: &str, description: &str) -> Mail {
    Message {
        subject: lang
            .t("Vous n'êtes plus membre d'un compte partagé", "You are no longer a member of a shared account")
            .into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![match lang {
            Lang::Fr => format!(
                "Vous n'avez plus accès au compte partagé « {description} ». Votre compte individuel n'est pas modifié."
            ),
            Lang::En => format!(
                "You no longer have access to the shared account “{description}”. Your individual account is unchanged."
            ),
        }],
        ..Default::default()
    }
    .render(lang, to, "shared_removed")
}

/// To a shared address whose reader asked to reset a password: shared accounts have none.
pub fn no_password(lang: Lang, to: &str, sign_in: &str) -> Mail {
    Message {
        subject: lang.t("Un compte partagé n'a pas de mot de passe", "A shared account has no password").into(),
        greeting: lang.t("Bonjour,", "Hello,").into(),
        paragraphs: vec![lang
            .t(
                "Quelqu'un a demandé à réinitialiser le mot de passe de cette adresse. C'est celle d'un compte partagé Sésame, qui n'a pas de mot de passe : ses membres s'y rendent depuis leur propre compte individuel (« Changer de compte » dans l'en-tête).",
                "Someone asked to reset the password of this address. It is a Sésame shared account's, which has no password: its members reach it from their own individual accounts (“Switch account” in the header).",
            )
            .into()],
        button: Some((lang.t("Se connecter avec mon compte", "Sign in with my account").into(), sign_in.into())),
        ..Default::default()
    }
    .render(lang, to, "shared_no_password")
}
