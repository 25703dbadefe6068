//! E-mails of a person's own data.

use crate::i18n::Lang;
use crate::platform::mail::Mail;
use crate::platform::mail::template::Message;

/// To an address someone asked to move another account to, when it already has its own:
/// nothing changes, and the person who asked is not told (the form answers the same).
pub fn address_in_use(lang: Lang, to: &str) -> Mail {
    Message {
        subject: lang.t("Votre adresse est déjà celle d'un compte Sésame", "Your address is already a Sésame account's").into(),
        greeting: lang.t("Bonjour,", "Hello,").into(),
        paragraphs: vec![lang
            .t(
                "Quelqu'un a demandé à utiliser cette adresse e-mail pour un autre compte Sésame. Elle est déjà celle d'un compte : rien n'a été changé.",
                "Someone asked to use this e-mail address for another Sésame account. It already belongs to an account: nothing was changed.",
            )
            .into()],
        after: vec![lang
            .t(
                "Si c'était vous et que vous voulez regrouper vos comptes, écrivez au support depuis la page Aide.",
                "If it was you and you want to merge your accounts, write to support from the Help page.",
            )
            .into()],
        ..Default::default()
    }
    .render(lang, to, "address_in_use")
}

/// The export of a person's data is ready: the button leads to the page behind sign-in
/// where it is downloaded, never to the file (health documents never travel by e-mail).
pub fn export_ready(lang: Lang, to: &str, first_name: &str, page: &str, expires: &str) -> Mail {
    Message {
        subject: lang.t("Vos données Sésame sont prêtes", "Your Sésame data is ready").into(),
        greeting: crate::platform::mail::template::greeting(lang, first_name),
        paragraphs: vec![lang
            .t(
                "Le fichier de vos données que vous avez demandé est prêt. Connectez-vous pour le télécharger.",
                "The file of your data you asked for is ready. Sign in to download it.",
            )
            .into()],
        button: Some((lang.t("Télécharger mes données", "Download my data").into(), page.into())),
        after: vec![match lang {
            Lang::Fr => format!("Il sera supprimé le {expires}. Si vous n'avez rien demandé, changez votre mot de passe et écrivez au support depuis la page Aide."),
            Lang::En => format!("It will be deleted on {expires}. If you did not ask for it, change your password and write to support from the Help page."),
        }],
        ..Default::default()
    }
    .render(lang, to, "data_export_ready")
}
