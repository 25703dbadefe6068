//! E-mails about published documents. None names the patient or says anything medical,
//! in the subject or the body: they say that something is there and link to it.

use crate::i18n::Lang;
use crate::platform::mail::Mail;
use crate::platform::mail::template::{Message, greeting};

/// To a patient (or parent, carer): a report of one of their profiles is available, or an
/// earlier partial report was completed.
pub fn report_available(lang: Lang, to: &str, first_name: &str, completed: bool, link: &str) -> Mail {
    let (subject, paragraph) = if completed {
        (
            lang.t("Un compte rendu a été complété", "A report has been completed"),
            lang.t(
                "Le laboratoire a complété un compte rendu que vous pouviez déjà consulter en partie. Connectez-vous à Sésame pour le lire.",
                "The lab has completed a report you could already partly read. Sign in to Sésame to read it.",
            ),
        )
    } else {
        (
            lang.t("Un nouveau compte rendu est disponible", "A new report is available"),
            lang.t(
                "Le laboratoire a publié un nouveau compte rendu sur Sésame. Connectez-vous pour le consulter.",
                "The lab has published a new report on Sésame. Sign in to read it.",
            ),
        )
    };
    Message {
        subject: subject.into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![paragraph.into()],
        button: Some((lang.t("Voir le compte rendu", "See the report").into(), link.into())),
        code: None,
        after: vec![
            lang.t(
                "Vous pouvez ne plus recevoir ces e-mails depuis la page « Mon compte ».",
                "You can stop these e-mails from the “My account” page.",
            )
            .into(),
        ],
    }
    .render(lang, to, if completed { "report_completed" } else { "report_available" })
}

/// To a professional who chose an e-mail per document: a new report or invoice for their
/// structure.
pub fn document_for_professional(lang: Lang, to: &str, first_name: &str, invoice: bool, link: &str) -> Mail {
    let (subject, paragraph, button) = if invoice {
        (
            lang.t("Une nouvelle facture est disponible", "A new invoice is available"),
            lang.t(
                "Le laboratoire a publié une nouvelle facture pour votre structure.",
                "The lab has published a new invoice for your structure.",
            ),
            lang.t("Voir les factures", "See the invoices"),
        )
    } else {
        (
            lang.t("Un nouveau résultat est disponible", "A new result is available"),
            lang.t(
                "Le laboratoire a publié un compte rendu pour un patient de votre structure, sur un de vos sites.",
                "The lab has published a report for a patient of your structure, on one of your sites.",
            ),
            lang.t("Voir les résultats", "See the results"),
        )
    };
    Message {
        subject: subject.into(),
        greeting: greeting(lang, first_name),
        paragraphs: vec![paragraph.into()],
        button: Some((button.into(), link.into())),
        code: None,
        after: vec![choice_line(lang)],
    }
    .render(lang, to, if invoice { "invoice_available" } else { "result_available" })
}

/// To a professional who chose the daily digest: how many reports and invoices arrived.
pub fn digest(lang: Lang, to: &str, first_name: &str, reports: i64, invoices: i64, link: &str) -> Mail {
    let mut paragraphs = vec![lang.t("Depuis le dernier récapitulatif :", "Since the last summary:").to_string()];
    if reports > 0 {
        paragraphs.push(match (lang, reports) {
            (Lang::Fr, 1) => "1 nouveau compte rendu sur vos sites ;".to_string(),
            (Lang::Fr, n) => format!("{n} nouveaux comptes rendus sur vos sites ;"),
            (Lang::En, 1) => "1 new report on your sites;".to_string(),
            (Lang::En, n) => format!("{n} new reports on your sites;"),
        });
    }
    if invoices > 0 {
        paragraphs.push(match (lang, invoices) {
            (Lang::Fr, 1) => "1 nouvelle facture.".to_string(),
            (Lang::Fr, n) => format!("{n} nouvelles factures."),
            (Lang::En, 1) => "1 new invoice.".to_string(),
            (Lang::En, n) => format!("{n} new invoices."),
        });
    }
    Message {
        subject: lang.t("Vos nouveaux documents sur Sésame", "Your new documents on Sésame").into(),
        greeting: greeting(lang, first_name),
        paragraphs,
        button: Some((lang.t("Ouvrir Sésame", "Open Sésame").into(), link.into())),
        code: None,
        after: vec![choice_line(lang)],
    }
    .render(lang, to, "documents_digest")
}

fn choice_line(lang: Lang) -> String {
    lang.t(
        "Vous choisissez sur la page « Mon compte » de recevoir un e-mail par document ou un récapitulatif par jour.",
        "On the “My account” page you choose between an e-mail per document and a daily summary.",
    )
    .into()
}
