//! The structure panel of the access-request form: the structure's name and sites, the
//! approver choice, the site choice. Rendered on the server only — for the first page, for
//! a submission without JavaScript, and as HTML for the island to swap in as the code is
//! typed — so the browser carries none of this rendering code.

use crate::i18n::Lang;
use crate::structures::lookup::{StructureInfo, StructureLookup};
use crate::ui::fields::Required;
use leptos::prelude::*;

/// What was chosen in the panel (from a submission, or nothing).
#[derive(Clone, Debug, Default)]
pub struct PanelChoices {
    /// The approver chosen (user id as text).
    pub approver: String,
    /// all | some.
    pub sites_mode: String,
    /// Site ids chosen (as text).
    pub sites: Vec<String>,
    /// An error for the approver field.
    pub approver_error: Option<String>,
    /// An error for the sites.
    pub sites_error: Option<String>,
}

/// What the code found: the structure's name, its sites, whether sign-up is open.
#[component]
pub fn StructureFound(
    /// The structure.
    info: StructureInfo,
) -> impl IntoView {
    view! {
        <div class="notice notice-info" role="status">
            <p><strong>{info.name.clone()}</strong></p>
            <p class="meta">{info.sites.iter().map(|s| format!("{} ({} {})", s.name, s.postcode, s.city)).collect::<Vec<_>>().join(" · ")}</p>
            {info.closed_message.clone().map(|m| view! { <p class="closed">{m}</p> })}
        </div>
    }
}

/// The choices a found structure brings: the approver (shown when a collaborator asks for a
/// right) and the sites.
#[component]
pub fn StructureChoices(
    /// The structure.
    info: StructureInfo,
    /// What was chosen.
    choices: PanelChoices,
    /// Interface language.
    lang: Lang,
) -> impl IntoView {
    let no_approver = info.approvers.is_empty();
    view! {
        <div class="field approver-field">
            {if no_approver {
                view! { <p class="notice notice-warn">{lang.t(
                    "Aucun approbateur n'est encore inscrit pour votre structure : le biologiste responsable doit d'abord s'inscrire. En attendant, vous pouvez envoyer une demande sans droit Résultats ni Factures.",
                    "No approver has registered for your structure yet: the biologist in charge must register first. Meanwhile you can send a request without the Results or Invoices right.",
                )}</p> }.into_any()
            } else {
                view! {
                    <label for="approver">{lang.t("Approbateur", "Approver")}</label><Required/>
                    <span class="hint" id="approver-hint">{lang.t(
                        "Le biologiste (ou l'approbateur désigné) de votre structure qui approuvera vos droits Résultats et Factures.",
                        "Your structure's biologist (or designated approver) who will approve your Results and Invoices rights.",
                    )}</span>
                    <select id="approver" name="approver" aria-describedby="approver-hint approver-error">
                        <option value="">{lang.t("— Choisir —", "— Choose —")}</option>
                        {info.approvers.iter().map(|a| {
                            let id = a.id.to_string();
                            let selected = choices.approver == id;
                            view! { <option value=id selected=selected>{a.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                }.into_any()
            }}
            <p class="field-error" id="approver-error">{choices.approver_error.clone()}</p>
        </div>
        <SiteChoice sites=info.sites.clone() sites_mode=choices.sites_mode.clone() chosen=choices.sites.clone()
            error=choices.sites_error.clone() legend=lang.t("Sites dont vous verrez les données", "Sites whose data you will see") lang=lang/>
    }
}

/// The choice of sites: all of the structure's, or a selection (the list shows only for a
/// selection, by CSS); the same on the access request and the shared-account form.
#[component]
pub fn SiteChoice(
    /// The structure's sites.
    sites: Vec<crate::structures::lookup::SiteInfo>,
    /// `all` or `some`.
    sites_mode: String,
    /// Site ids chosen (as text).
    chosen: Vec<String>,
    /// The error to show, if any.
    error: Option<String>,
    /// The fieldset's legend.
    legend: &'static str,
    /// Interface language.
    lang: Lang,
) -> impl IntoView {
    let some = sites_mode == "some";
    view! {
        <fieldset class="site-choice">
            <legend>{legend}</legend>
            <label class="check"><input type="radio" name="sites_mode" value="all" checked=!some/>{lang.t("Tous les sites", "All sites")}</label>
            <label class="check"><input type="radio" name="sites_mode" value="some" checked=some/>{lang.t("Une sélection de sites", "A selection of sites")}</label>
            <div class="site-list">
                {sites.iter().map(|s| {
                    let id = format!("site-{}", s.id);
                    let checked = chosen.contains(&s.id.to_string());
                    view! {
                        <div class="check">
                            <input type="checkbox" id=id.clone() name="sites[]" value=s.id.to_string() checked=checked/>
                            <label for=id>{format!("{} — {}", s.name, s.city)}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
            <p class="field-error" id="sites-error">{error}</p>
        </fieldset>
    }
}

/// The panel as HTML, with whether the form may be sent and the code's error, for any
/// lookup result.
pub fn render(lookup: &StructureLookup, choices: PanelChoices, lang: Lang) -> super::api::Panel {
    match lookup {
        StructureLookup::Found(info) => {
            let open = info.open;
            let found = info.clone();
            let html = Owner::new().with(|| view! { <StructureFound info=found/> }.to_html());
            let info = info.clone();
            let choices_html =
                Owner::new().with(|| view! { <StructureChoices info=info choices=choices lang=lang/> }.to_html());
            super::api::Panel { html, choices_html, open, code_error: None }
        }
        StructureLookup::Unknown => super::api::Panel {
            html: String::new(),
            choices_html: String::new(),
            open: true,
            code_error: Some(
                lang.t(
                    "Ce code correspondant est inconnu. Vérifiez-le sur les documents de votre laboratoire, ou contactez le support.",
                    "This correspondent code is unknown. Check it on your lab's documents, or contact support.",
                )
                .into(),
            ),
        },
        StructureLookup::Invalid(m) => {
            super::api::Panel { html: String::new(), choices_html: String::new(), open: true, code_error: Some(m.clone()) }
        }
    }
}
