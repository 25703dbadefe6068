//! Legal notice, privacy notice and terms of use.
//!
//! Real text for a lab portal under French law (LCEN art. 6, GDPR art. 13, Code de la santé
//! publique). Only the operator's identity is left as a placeholder, to be filled in by the
//! lab network that runs Sésame.

use crate::i18n::Lang;
use crate::platform::request_context;
use leptos::prelude::*;
use leptos_meta::Title;

/// Placeholder for the operator's legal name.
const OPERATOR: &str = "[Nom de l'opérateur]";
/// Placeholder for the operator's address.
const ADDRESS: &str = "[Adresse de l'opérateur]";

/// The retention table of `platform::retention`, one paragraph per line, after an intro.
fn retention(lang: Lang, intro: &str) -> Vec<String> {
    let mut out = vec![intro.to_string()];
    out.extend(crate::platform::retention::RULES.iter().map(|r| {
        let (what, how_long) = match lang {
            Lang::Fr => (r.what.0, r.how_long.0),
            Lang::En => (r.what.1, r.how_long.1),
        };
        match lang {
            Lang::Fr => format!("{what} : {how_long}."),
            Lang::En => format!("{what}: {how_long}."),
        }
    }));
    out
}

struct Section {
    title: &'static str,
    paragraphs: Vec<String>,
}

fn render(lang: Lang, title: &'static str, intro: &'static str, sections: Vec<Section>) -> impl IntoView {
    view! {
        <Title text=title/>
        <article class="panel prose">
            <h1>{title}</h1>
            <p class="lead">{intro}</p>
            {sections.into_iter().map(|s| view! {
                <section>
                    <h2>{s.title}</h2>
                    {s.paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                </section>
            }).collect_view()}
            <p class="muted">{lang.t("Dernière mise à jour : novembre 2026.", "Last updated: November 2026.")}</p>
        </article>
    }
}

/// `/mentions-legales`
#[component]
pub fn LegalNotice() -> impl IntoView {
    let lang = request_context().lang;
    let sections = match lang {
        Lang::Fr => vec![
            Section { title: "Éditeur du site", paragraphs: vec![
                format!("Le portail Sésame est édité par {OPERATOR}, dont le siège est situé {ADDRESS}."),
                "Forme juridique, capital social et numéro d'immatriculation au registre du commerce et des sociétés : [à compléter par l'opérateur].".into(),
                "Directeur de la publication : le représentant légal de l'opérateur.".into(),
                "Contact : par courrier à l'adresse ci-dessus, ou par le formulaire de contact du support du réseau de laboratoires.".into(),
            ]},
            Section { title: "Activité réglementée", paragraphs: vec![
                "Les laboratoires de biologie médicale du réseau exercent sous la responsabilité de biologistes médicaux, conformément au Code de la santé publique (livre II de la sixième partie). Ils sont accrédités selon la norme NF EN ISO 15189.".into(),
                "Autorité ayant délivré l'autorisation : l'agence régionale de santé compétente pour chaque site.".into(),
            ]},
            Section { title: "Hébergement", paragraphs: vec![
                "Les données de santé traitées par Sésame sont hébergées par un hébergeur certifié pour l'hébergement de données de santé (HDS), conformément à l'article L. 1111-8 du Code de la santé publique : [nom, adresse et téléphone de l'hébergeur, à compléter par l'opérateur].".into(),
            ]},
            Section { title: "Propriété intellectuelle", paragraphs: vec![
                "Les contenus de ce site (textes, logos, interface) sont protégés. Toute reproduction sans autorisation est interdite, sauf pour un usage strictement personnel.".into(),
            ]},
            Section { title: "Cookies", paragraphs: vec![
                "Sésame ne dépose que des cookies strictement nécessaires à son fonctionnement : le cookie de session, qui vous garde connecté, et le cookie qui retient la langue choisie. Ils ne servent à aucun suivi ni à aucune publicité ; conformément aux recommandations de la CNIL, ils ne nécessitent pas de consentement.".into(),
            ]},
        ],
        Lang::En => vec![
            Section { title: "Publisher", paragraphs: vec![
                format!("The Sésame portal is published by {OPERATOR}, whose registered office is at {ADDRESS}."),
                "Legal form, share capital and trade register number: [to be completed by the operator].".into(),
                "Publication director: the operator's legal representative.".into(),
                "Contact: by post at the address above, or through the lab network's support contact form.".into(),
            ]},
            Section { title: "Regulated activity", paragraphs: vec![
                "The network's medical biology laboratories operate under the responsibility of medical biologists, under the French Public Health Code. They are accredited to NF EN ISO 15189.".into(),
                "Authorising body: the regional health agency (ARS) of each site.".into(),
            ]},
            Section { title: "Hosting", paragraphs: vec![
                "Health data processed by Sésame is hosted by a provider certified for health data hosting (HDS), as required by article L. 1111-8 of the Public Health Code: [host's name, address and telephone, to be completed by the operator].".into(),
            ]},
            Section { title: "Intellectual property", paragraphs: vec![
                "The content of this site (texts, logos, interface) is protected. Any reproduction without permission is forbidden, except for strictly personal use.".into(),
            ]},
            Section { title: "Cookies", paragraphs: vec![
                "Sésame only sets cookies that are strictly necessary: the session cookie, which keeps you signed in, and the cookie that remembers your language. They are not used for tracking or advertising; as the CNIL recommends, they need no consent.".into(),
            ]},
        ],
    };
    render(
        lang,
        lang.t("Mentions légales", "Legal notice"),
        lang.t(
            "Informations prévues par la loi n° 2004-575 du 21 juin 2004 pour la confiance dans l'économie numérique.",
            "Information required by French law no. 2004-575 of 21 June 2004 on confidence in the digital economy.",
        ),
        sections,
    )
}

/// `/confidentialite`
#[component]
pub fn PrivacyNotice() -> impl IntoView {
    let lang = request_context().lang;
    let sections = match lang {
        Lang::Fr => vec![
            Section { title: "Responsable du traitement", paragraphs: vec![
                format!("{OPERATOR}, {ADDRESS}. Délégué à la protection des données : [adresse de contact du DPO, à compléter par l'opérateur]."),
            ]},
            Section { title: "Finalités et base légale", paragraphs: vec![
                "Sésame sert à : créer et gérer votre compte ; rattacher à votre compte les dossiers de biologie médicale dont vous détenez le code d'activation ; vous informer de la disponibilité de vos comptes rendus ; permettre aux professionnels de laboratoire de demander et de gérer leurs accès aux résultats et aux factures ; assurer la sécurité du service.".into(),
                "Base légale : l'exécution du service que vous demandez (article 6.1.b du RGPD) ; pour les données de santé, la prise en charge médicale et la gestion des services de santé (article 9.2.h du RGPD) ; pour la sécurité et la traçabilité, l'intérêt légitime et les obligations légales de l'opérateur.".into(),
            ]},
            Section { title: "Données collectées et caractère obligatoire", paragraphs: vec![
                "Patients : adresse e-mail, mot de passe (conservé sous forme chiffrée irréversible), nom, prénom, date de naissance ; pour rattacher un dossier, le code d'activation et la date de naissance du patient. Ces champs sont obligatoires : sans eux, le compte ne peut pas être créé ni le dossier rattaché de façon sûre.".into(),
                "Professionnels : profil, code correspondant, nom, prénom, adresse e-mail professionnelle, téléphone, droits demandés et sites. Ces champs sont obligatoires pour instruire la demande d'accès.".into(),
                "Les champs obligatoires sont signalés par un astérisque dans chaque formulaire.".into(),
            ]},
            Section { title: "Destinataires", paragraphs: vec![
                "Les personnels habilités du laboratoire et du service support, chacun pour ce qui le concerne ; pour les professionnels, le biologiste ou l'approbateur de leur structure ; l'hébergeur certifié de données de santé, en qualité de sous-traitant. Aucune donnée n'est vendue ni utilisée à des fins publicitaires. Aucune donnée n'est transférée hors de l'Union européenne.".into(),
            ]},
            Section { title: "Durées de conservation", paragraphs: retention(Lang::Fr, "Les comptes rendus eux-mêmes relèvent du dossier du laboratoire et de ses obligations de conservation. Sésame applique automatiquement les durées suivantes :") },
            Section { title: "Vos droits", paragraphs: vec![
                "Vous disposez d'un droit d'accès, de rectification, d'effacement, de limitation et d'opposition, ainsi que du droit à la portabilité de vos données, dans les conditions prévues par le RGPD. Pour les exercer, écrivez au délégué à la protection des données à l'adresse ci-dessus, en indiquant l'adresse e-mail de votre compte.".into(),
                "Si vous estimez, après nous avoir contactés, que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la Commission nationale de l'informatique et des libertés (CNIL), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, www.cnil.fr.".into(),
            ]},
            Section { title: "Sécurité", paragraphs: vec![
                "Connexions chiffrées, mots de passe chiffrés de façon irréversible (argon2id), codes d'activation conservés sous forme d'empreinte, limitation des tentatives, double authentification pour les professionnels et obligatoire pour le support, traçabilité de chaque action sur les droits d'accès.".into(),
            ]},
        ],
        Lang::En => vec![
            Section { title: "Controller", paragraphs: vec![
                format!("{OPERATOR}, {ADDRESS}. Data protection officer: [DPO contact address, to be completed by the operator]."),
            ]},
            Section { title: "Purposes and legal basis", paragraphs: vec![
                "Sésame is used to: create and manage your account; link to it the lab records whose activation code you hold; tell you when your reports are available; let lab professionals request and manage their access to results and invoices; keep the service secure.".into(),
                "Legal basis: performance of the service you ask for (GDPR art. 6.1.b); for health data, medical care and the management of health services (GDPR art. 9.2.h); for security and traceability, the operator's legitimate interest and legal obligations.".into(),
            ]},
            Section { title: "Data collected and mandatory fields", paragraphs: vec![
                "Patients: e-mail address, password (stored irreversibly hashed), last name, first name, date of birth; to link a record, the activation code and the patient's date of birth. These fields are mandatory: without them the account cannot be created nor the record safely linked.".into(),
                "Professionals: profile, correspondent code, names, professional e-mail, telephone, rights and sites requested. These fields are mandatory to process the request.".into(),
                "Mandatory fields are marked with an asterisk in each form.".into(),
            ]},
            Section { title: "Recipients", paragraphs: vec![
                "Authorised lab and support staff, each for their own tasks; for professionals, the biologist or approver of their structure; the certified health data host, as processor. No data is sold or used for advertising. No data leaves the European Union.".into(),
            ]},
            Section { title: "Retention", paragraphs: retention(Lang::En, "Reports themselves belong to the lab's record and its retention duties. Sésame applies these periods automatically:") },
            Section { title: "Your rights", paragraphs: vec![
                "You have the rights of access, rectification, erasure, restriction, objection and portability under the GDPR. To use them, write to the data protection officer at the address above, giving your account's e-mail address.".into(),
                "If, after contacting us, you believe your rights are not respected, you may lodge a complaint with the French data protection authority, the CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, www.cnil.fr.".into(),
            ]},
            Section { title: "Security", paragraphs: vec![
                "Encrypted connections, irreversibly hashed passwords (argon2id), activation codes stored as fingerprints only, attempt limits, two-factor authentication for professionals (mandatory for support), and an audit trail of every change to access rights.".into(),
            ]},
        ],
    };
    render(
        lang,
        lang.t("Politique de confidentialité", "Privacy notice"),
        lang.t(
            "Comment Sésame traite vos données personnelles, et comment exercer vos droits.",
            "How Sésame processes your personal data, and how to use your rights.",
        ),
        sections,
    )
}

/// `/conditions-utilisation`
#[component]
pub fn Terms() -> impl IntoView {
    let lang = request_context().lang;
    let sections = match lang {
        Lang::Fr => vec![
            Section { title: "Objet", paragraphs: vec![
                format!("Les présentes conditions régissent l'utilisation du portail Sésame, édité par {OPERATOR}. Créer un compte implique de les accepter."),
            ]},
            Section { title: "Votre compte", paragraphs: vec![
                "Votre adresse e-mail est strictement personnelle : une adresse, un compte. Vous êtes responsable de la confidentialité de votre mot de passe ; ne le communiquez à personne. Le laboratoire ne vous le demandera jamais.".into(),
                "Un parent ou un aidant peut rattacher à son compte les dossiers d'un enfant ou d'une personne qu'il accompagne, s'il détient le code d'activation remis par le laboratoire et y est légitimement autorisé.".into(),
            ]},
            Section { title: "Codes d'activation et d'accès", paragraphs: vec![
                "Le code d'activation imprimé sur un compte rendu ne doit être utilisé que par le patient concerné ou son représentant. Un prescripteur ou un établissement qui reçoit un exemplaire du compte rendu ne doit pas utiliser ce code.".into(),
            ]},
            Section { title: "Accès professionnels", paragraphs: vec![
                "Les accès aux pages Résultats et Factures sont accordés par le biologiste ou l'approbateur désigné de la structure, puis validés par le support. Le professionnel s'engage à n'utiliser ces informations que dans le cadre de son activité et dans le respect du secret professionnel.".into(),
            ]},
            Section { title: "Disponibilité et responsabilité", paragraphs: vec![
                "Le portail est accessible en continu, sauf interruptions pour maintenance ou incident. Un exemplaire de vos comptes rendus reste transmis selon les modalités habituelles du laboratoire ; Sésame ne remplace pas l'avis de votre médecin.".into(),
            ]},
            Section { title: "Droit applicable", paragraphs: vec![
                "Ces conditions relèvent du droit français. En cas de difficulté, contactez d'abord le support ; à défaut d'accord, les tribunaux compétents sont ceux du ressort du siège de l'opérateur.".into(),
            ]},
        ],
        Lang::En => vec![
            Section { title: "Purpose", paragraphs: vec![
                format!("These terms govern the use of the Sésame portal, published by {OPERATOR}. Creating an account means accepting them."),
            ]},
            Section { title: "Your account", paragraphs: vec![
                "Your e-mail address is strictly personal: one address, one account. Keep your password secret; never share it. The lab will never ask you for it.".into(),
                "A parent or caregiver may link to their account the records of a child or a person they care for, if they hold the activation code given by the lab and are lawfully entitled to.".into(),
            ]},
            Section { title: "Activation and access codes", paragraphs: vec![
                "The activation code printed on a report must only be used by the patient concerned or their representative. A prescriber or institution receiving a copy of the report must not use it.".into(),
            ]},
            Section { title: "Professional access", paragraphs: vec![
                "Access to the Results and Invoices pages is granted by the structure's biologist or designated approver, then validated by support. Professionals use this information only for their work and under professional secrecy.".into(),
            ]},
            Section { title: "Availability and liability", paragraphs: vec![
                "The portal is available at all times, except for maintenance or incidents. Your reports are still delivered the lab's usual way; Sésame does not replace your doctor's advice.".into(),
            ]},
            Section { title: "Governing law", paragraphs: vec![
                "These terms are governed by French law. In case of difficulty, contact support first; failing agreement, the courts of the operator's registered office have jurisdiction.".into(),
            ]},
        ],
    };
    render(
        lang,
        lang.t("Conditions d'utilisation", "Terms of use"),
        lang.t("Les règles d'utilisation du portail Sésame.", "The rules for using the Sésame portal."),
        sections,
    )
}
