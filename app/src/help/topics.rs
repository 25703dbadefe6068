//! The causes people write to support for (the field report counted them), each with its
//! self-service answer and the link that fixes it. The labels are the choices of `/aide`.

use crate::i18n::Lang;

/// A cause of a support call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// The activation code is refused.
    CodeRefused,
    /// The code is lost.
    CodeLost,
    /// The code was already used.
    CodeUsed,
    /// The name does not match the lab's record.
    NameMismatch,
    /// A parent or carer.
    Carer,
    /// An e-mail did not arrive.
    NoEmail,
    /// Forgotten password.
    ForgottenPassword,
    /// Forgotten address.
    ForgottenAddress,
    /// A professional's access request.
    ProfessionalRequest,
    /// Anything else.
    Other,
}

impl Topic {
    /// Every topic, in the order `/aide` lists them.
    pub const ALL: [Topic; 10] = [
        Topic::CodeRefused,
        Topic::CodeLost,
        Topic::CodeUsed,
        Topic::NameMismatch,
        Topic::Carer,
        Topic::NoEmail,
        Topic::ForgottenPassword,
        Topic::ForgottenAddress,
        Topic::ProfessionalRequest,
        Topic::Other,
    ];

    /// Stored form and URL parameter (`/aide?sujet=…`).
    pub fn slug(self) -> &'static str {
        match self {
            Topic::CodeRefused => "code-refuse",
            Topic::CodeLost => "code-perdu",
            Topic::CodeUsed => "code-deja-utilise",
            Topic::NameMismatch => "nom",
            Topic::Carer => "parent-aidant",
            Topic::NoEmail => "email-non-recu",
            Topic::ForgottenPassword => "mot-de-passe",
            Topic::ForgottenAddress => "adresse-oubliee",
            Topic::ProfessionalRequest => "demande-professionnel",
            Topic::Other => "autre",
        }
    }

    /// The topic of a slug.
    pub fn parse(s: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.slug() == s)
    }

    /// The choice's label.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Topic::CodeRefused => lang.t("Mon code d'activation est refusé", "My activation code is refused"),
            Topic::CodeLost => lang.t("J'ai perdu mon code", "I lost my code"),
            Topic::CodeUsed => lang.t("Le code a déjà été utilisé", "The code was already used"),
            Topic::NameMismatch => lang.t("Mon nom ne correspond pas", "My name does not match"),
            Topic::Carer => lang.t("Je suis parent / aidant", "I am a parent / carer"),
            Topic::NoEmail => lang.t("Je n'ai pas reçu l'e-mail", "I did not receive the e-mail"),
            Topic::ForgottenPassword => lang.t("J'ai oublié mon mot de passe", "I forgot my password"),
            Topic::ForgottenAddress => {
                lang.t("J'ai oublié quelle adresse j'ai utilisée", "I forgot which address I used")
            }
            Topic::ProfessionalRequest => {
                lang.t("Professionnel : ma demande d'accès", "Professional: my access request")
            }
            Topic::Other => lang.t("Autre", "Other"),
        }
    }

    /// What to check first, in order.
    pub fn answer(self, lang: Lang) -> Vec<&'static str> {
        match self {
            Topic::CodeRefused => vec![
                lang.t(
                    "Recopiez les 11 caractères du code tel qu'il est imprimé sur votre compte rendu : les tirets et les espaces ne comptent pas, et un O ou un I saisi est lu comme un zéro ou un un. Le formulaire signale une faute de frappe dès la saisie.",
                    "Copy the code's 11 characters as printed on your report: dashes and spaces do not matter, and an O or I typed is read as zero or one. The form points out a typing mistake as you type.",
                ),
                lang.t(
                    "Utilisez le code de votre compte rendu le plus récent : un nouveau code remplace les précédents.",
                    "Use the code on your most recent report: a new code replaces the earlier ones.",
                ),
                lang.t(
                    "Saisissez la date de naissance de la personne dont c'est le dossier (votre enfant, par exemple), pas la vôtre.",
                    "Type the birth date of the person whose record it is (your child, for instance), not yours.",
                ),
                lang.t(
                    "Après plusieurs essais, la saisie est suspendue un moment : le message indique quand réessayer.",
                    "After several attempts, entry is paused for a while: the message says when to try again.",
                ),
            ],
            Topic::CodeLost => vec![
                lang.t(
                    "L'accueil de votre laboratoire peut vous remettre un nouveau code, sur présentation d'une pièce d'identité : il remplace l'ancien, qui ne fonctionne plus.",
                    "Your lab's front desk can give you a new code on presentation of an ID: it replaces the old one, which stops working.",
                ),
                lang.t(
                    "Le code figure aussi sur chaque nouveau compte rendu papier.",
                    "The code is also printed on every new paper report.",
                ),
            ],
            Topic::CodeUsed => vec![
                lang.t(
                    "Si vous l'avez déjà saisi, le dossier est rattaché à votre compte : il apparaît dans « Mon compte ». Un code ne sert qu'une fois.",
                    "If you already typed it, the record is linked to your account: it appears in “My account”. A code works once.",
                ),
                lang.t(
                    "Si quelqu'un d'autre l'a utilisé, demandez un nouveau code à l'accueil de votre laboratoire et écrivez-nous : nous retirerons le rattachement qui n'est pas le vôtre.",
                    "If someone else used it, ask your lab's front desk for a new code and write to us: we will remove the link that is not yours.",
                ),
            ],
            Topic::NameMismatch => vec![
                lang.t(
                    "Saisissez le nom et le prénom exactement comme sur le compte rendu ; si vous avez un nom de naissance différent, indiquez-le dans son champ.",
                    "Type the last and first name exactly as on the report; if your birth name differs, give it in its field.",
                ),
                lang.t(
                    "Si les noms ne correspondent toujours pas, le rattachement est transmis au laboratoire, qui le vérifie : vous recevez un e-mail dès qu'il est décidé.",
                    "If the names still do not match, the link is sent to the lab, which checks it: you receive an e-mail as soon as it is decided.",
                ),
            ],
            Topic::Carer => vec![
                lang.t(
                    "Rattachez le dossier de votre enfant ou de la personne que vous aidez à votre propre compte, avec le code de son compte rendu et sa date de naissance : choisissez « mon enfant » ou « une personne que j'aide ».",
                    "Link your child's or the person you care for's record to your own account with the code on their report and their birth date: choose “my child” or “a person I care for”.",
                ),
                lang.t(
                    "Chaque profil se retire ensuite depuis « Mon compte » (un enfant devenu majeur le rattache à son propre compte).",
                    "Each profile can then be removed from “My account” (a child who comes of age links it to their own account).",
                ),
            ],
            Topic::NoEmail => vec![
                lang.t(
                    "Regardez dans les courriers indésirables et attendez quelques minutes : certains services de messagerie retardent les e-mails.",
                    "Look in your spam folder and wait a few minutes: some mail services delay e-mails.",
                ),
                lang.t(
                    "Vérifiez l'adresse saisie. Un lien de confirmation ou de mot de passe se redemande depuis la page « Mot de passe oublié ».",
                    "Check the address you typed. A confirmation or password link can be asked for again from the “Forgotten password” page.",
                ),
            ],
            Topic::ForgottenPassword => vec![lang.t(
                "Demandez un lien pour choisir un nouveau mot de passe : il arrive à l'adresse de votre compte et vaut une heure. Aucune question secrète.",
                "Ask for a link to choose a new password: it arrives at your account's address and works for one hour. No security questions.",
            )],
            Topic::ForgottenAddress => vec![lang.t(
                "Indiquez les adresses que vous avez pu utiliser : celle qui correspond à un compte reçoit un rappel. Pour votre sécurité, la page ne dit pas laquelle.",
                "Give the addresses you may have used: the one that has an account receives a reminder. For your safety, the page does not say which.",
            )],
            Topic::ProfessionalRequest => vec![
                lang.t(
                    "Une demande passe par le biologiste approbateur de votre structure (s'il y en a un), puis par le support : chaque étape vous est annoncée par e-mail.",
                    "A request goes through your structure's approving biologist (if there is one), then support: each step is announced by e-mail.",
                ),
                lang.t(
                    "Une fois validée, vous recevez un code d'accès provisoire pour votre première connexion.",
                    "Once validated, you receive a provisional access code for your first sign-in.",
                ),
            ],
            Topic::Other => vec![lang.t(
                "Décrivez votre problème au support. N'indiquez aucune donnée médicale.",
                "Describe your problem to support. Do not give any medical information.",
            )],
        }
    }

    /// The link that fixes it: (path, label).
    pub fn fix(self, lang: Lang) -> Option<(&'static str, &'static str)> {
        Some(match self {
            Topic::CodeRefused | Topic::NameMismatch | Topic::Carer => {
                ("/activation", lang.t("Saisir le code d'activation", "Type the activation code"))
            }
            Topic::CodeLost | Topic::CodeUsed => ("/mon-compte", lang.t("Voir mes profils", "See my profiles")),
            Topic::NoEmail | Topic::ForgottenPassword => {
                ("/mot-de-passe-oublie", lang.t("Recevoir un nouveau lien", "Get a new link"))
            }
            Topic::ForgottenAddress => ("/aide/adresse-oubliee", lang.t("Retrouver mon adresse", "Find my address")),
            Topic::ProfessionalRequest => ("/demande-acces", lang.t("Demander un accès", "Request access")),
            Topic::Other => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_round_trips_and_has_an_answer() {
        for t in Topic::ALL {
            assert_eq!(Topic::parse(t.slug()), Some(t));
            assert!(!t.answer(Lang::Fr).is_empty());
            assert!(!t.answer(Lang::En).is_empty());
        }
        assert_eq!(Topic::parse("inconnu"), None);
    }
}
