//! The access-request form. Once hydrated, the correspondent code is looked up as it is
//! typed (debounced), the rights follow the profile's defaults, and the approver and site
//! choices appear when they apply. Before hydration it is a plain form: a "show the sites"
//! button asks the server, which renders the same form with the structure filled in.

// `#[island]` generates public glue (props struct, WebAssembly export) per island; the
// islands themselves are documented.
#![allow(missing_docs)]

use super::api::{SubmitAccessRequest, lookup_structure};
use crate::domain::access_request::Profile;
use crate::domain::email::Email;
use crate::domain::phone::Phone;
use crate::form::{Form, FormNotice, Outcome, Submitted, current_outcome};
use crate::i18n::Lang;
use crate::structures::lookup::{StructureInfo, StructureLookup};
use crate::ui::fields::{Field, FieldError, HydrationMarker, Required, TextField};
use leptos::prelude::*;
use std::time::Duration;

/// The rights the form starts with, given what was submitted (see `flows::submit`).
fn initial_rights(initial: &Submitted<Outcome>) -> (bool, bool, String) {
    let profile = initial.value("profile");
    if initial.values.is_empty() || profile.is_empty() {
        return (false, false, String::new());
    }
    if initial.value("rights_profile") == profile {
        (initial.checked_or("results", false), initial.checked_or("invoices", false), profile)
    } else {
        let d = Profile::parse(&profile).map(Profile::default_rights).unwrap_or_default();
        (d.results, d.invoices, profile)
    }
}

/// The form of `/demande-acces`.
#[island]
pub fn AccessRequestForm(
    lang: Lang,
    initial: Submitted<Outcome>,
    initial_lookup: Option<StructureLookup>,
) -> impl IntoView {
    let action = ServerAction::<SubmitAccessRequest>::new();
    let outcome = current_outcome(action, initial.outcome.clone(), lang);
    let pending = action.pending();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    let profile = RwSignal::new(initial.value("profile"));
    let (results0, invoices0, rights_profile0) = initial_rights(&initial);
    let results = RwSignal::new(results0);
    let invoices = RwSignal::new(invoices0);
    let rights_profile = RwSignal::new(rights_profile0);
    let set_profile = move |p: &'static str| {
        profile.set(p.to_string());
        let d = Profile::parse(p).map(Profile::default_rights).unwrap_or_default();
        results.set(d.results);
        invoices.set(d.invoices);
        rights_profile.set(p.to_string());
    };

    // Correspondent code, looked up 350 ms after the last keystroke.
    let code = Field::new(initial.value("correspondent_code"));
    let lookup = RwSignal::new(initial_lookup);
    let lookup_action = Action::new(move |typed: &String| {
        let typed = typed.clone();
        async move { (typed.clone(), lookup_structure(typed).await) }
    });
    Effect::new(move |_| {
        if let Some((typed, Ok(found))) = lookup_action.value().get()
            && code.value.with_untracked(|v| *v == typed)
        {
            lookup.set(Some(found));
        }
    });
    let keystrokes = RwSignal::new(0u32);
    let on_code = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        code.value.set(typed.clone());
        code.edited.set(true);
        let n = keystrokes.get_untracked().wrapping_add(1);
        keystrokes.set(n);
        if typed.trim().len() < 3 {
            lookup.set(None);
            return;
        }
        set_timeout(
            move || {
                if keystrokes.get_untracked() == n {
                    lookup_action.dispatch(typed);
                }
            },
            Duration::from_millis(350),
        );
    };
    let found = Signal::derive(move || match lookup.get() {
        Some(StructureLookup::Found(info)) => Some(info),
        _ => None,
    });
    let code_error = Signal::derive(move || {
        let server = if code.edited.get() {
            None
        } else {
            outcome.with(|o| o.as_ref().and_then(|o| o.error_for("correspondent_code")))
        };
        server.or_else(|| match lookup.get() {
            Some(StructureLookup::Invalid(m)) if code.touched.get() => Some(m),
            Some(StructureLookup::Unknown) => Some(
                lang.t(
                    "Ce code correspondant est inconnu. Vérifiez-le sur les documents de votre laboratoire, ou contactez le support.",
                    "This correspondent code is unknown. Check it on your lab's documents, or contact support.",
                )
                .to_string(),
            ),
            _ => None,
        })
    });
    let closed = Signal::derive(move || found.get().is_some_and(|s| !s.open));

    let last_name = Field::new(initial.value("last_name"));
    let first_name = Field::new(initial.value("first_name"));
    let email = Field::new(initial.value("email"));
    let phone = Field::new(initial.value("phone"));
    let last_error = last_name.error(
        "last_name",
        move |v| v.trim().is_empty().then(|| lang.t("Indiquez votre nom.", "Enter your last name.").to_string()),
        outcome,
    );
    let first_error = first_name.error(
        "first_name",
        move |v| v.trim().is_empty().then(|| lang.t("Indiquez votre prénom.", "Enter your first name.").to_string()),
        outcome,
    );
    let email_error =
        email.error("email", move |v| Email::parse(v).err().map(|e| e.message(lang).to_string()), outcome);
    let phone_error =
        phone.error("phone", move |v| Phone::parse(v).err().map(|e| e.message(lang).to_string()), outcome);
    let server_error =
        move |name: &'static str| Signal::derive(move || outcome.with(|o| o.as_ref().and_then(|o| o.error_for(name))));

    let wants_rights = Signal::derive(move || profile.get() == "collaborator" && (results.get() || invoices.get()));
    let approver = RwSignal::new(initial.value("approver"));
    let sites_mode = RwSignal::new(initial.value_or("sites_mode", "all"));
    let chosen_sites = initial.values_of("sites[]");

    let profile_radio = move |value: &'static str, label: &'static str| {
        let checked = profile.get_untracked() == value;
        view! {
            <label class="check">
                <input type="radio" name="profile" value=value checked=checked required=true on:change=move |_| set_profile(value)/>
                {label}
            </label>
        }
    };
    let right_box = move |name: &'static str, label: &'static str, signal: RwSignal<bool>| {
        view! {
            <div class="check">
                <input type="checkbox" id=name name=name value="on" prop:checked=move || signal.get() checked=signal.get_untracked()
                    on:change=move |ev| signal.set(event_target_checked(&ev))/>
                <label for=name>{label}</label>
            </div>
        }
    };
    let structure_panel = move |info: StructureInfo| {
        let chosen_sites = chosen_sites.clone();
        let no_approver = info.approvers.is_empty();
        view! {
            <div class="notice notice-info" role="status">
                <p><strong>{info.name.clone()}</strong></p>
                <p class="meta">{info.sites.iter().map(|s| format!("{} ({} {})", s.name, s.postcode, s.city)).collect::<Vec<_>>().join(" · ")}</p>
                {info.closed_message.clone().map(|m| view! { <p>{m}</p> })}
            </div>
            <div class="field" hidden=move || hydrated.get() && !wants_rights.get()>
                <label for="approver">{lang.t("Approbateur", "Approver")}</label><Required/>
                <span class="hint" id="approver-hint">{lang.t(
                    "Le biologiste (ou l'approbateur désigné) de votre structure qui approuvera vos droits Résultats et Factures.",
                    "Your structure's biologist (or designated approver) who will approve your Results and Invoices rights.",
                )}</span>
                {if no_approver {
                    view! { <p class="notice notice-warn">{lang.t(
                        "Aucun approbateur n'est encore inscrit pour votre structure : le biologiste responsable doit d'abord s'inscrire. En attendant, vous pouvez envoyer une demande sans droit Résultats ni Factures.",
                        "No approver has registered for your structure yet: the biologist in charge must register first. Meanwhile you can send a request without the Results or Invoices right.",
                    )}</p> }.into_any()
                } else {
                    view! {
                        <select id="approver" name="approver" aria-describedby="approver-hint approver-error"
                            on:change=move |ev| approver.set(event_target_value(&ev))>
                            <option value="">{lang.t("— Choisir —", "— Choose —")}</option>
                            {info.approvers.iter().map(|a| {
                                let id = a.id.to_string();
                                let selected = approver.get_untracked() == id;
                                view! { <option value=id selected=selected>{a.name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    }.into_any()
                }}
                <FieldError id="approver" message=server_error("approver")/>
            </div>
            <fieldset>
                <legend>{lang.t("Sites dont vous verrez les données", "Sites whose data you will see")}<Required/></legend>
                <label class="check">
                    <input type="radio" name="sites_mode" value="all" checked=sites_mode.get_untracked() != "some"
                        on:change=move |_| sites_mode.set("all".into())/>
                    {lang.t("Tous les sites", "All sites")}
                </label>
                <label class="check">
                    <input type="radio" name="sites_mode" value="some" checked=sites_mode.get_untracked() == "some"
                        on:change=move |_| sites_mode.set("some".into())/>
                    {lang.t("Une sélection de sites", "A selection of sites")}
                </label>
                <div class="site-list" hidden=move || hydrated.get() && sites_mode.get() != "some">
                    {info.sites.iter().map(|s| {
                        let id = format!("site-{}", s.id);
                        let checked = chosen_sites.contains(&s.id.to_string());
                        view! {
                            <div class="check">
                                <input type="checkbox" id=id.clone() name="sites[]" value=s.id.to_string() checked=checked/>
                                <label for=id>{format!("{} — {}", s.name, s.city)}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
                <FieldError id="sites" message=server_error("sites")/>
            </fieldset>
        }
    };

    view! {
        <Form action=action page="/demande-acces">
            <FormNotice outcome=outcome/>
            <HydrationMarker/>
            <p class="required-note">{lang.t("Les champs marqués d'un astérisque (*) sont obligatoires.", "Fields marked with an asterisk (*) are mandatory.")}</p>
            <input type="hidden" name="rights_profile" prop:value=move || rights_profile.get() value=rights_profile.get_untracked()/>
            <fieldset>
                <legend>{lang.t("Profil", "Profile")}<Required/></legend>
                <div class="radio-row">
                    {profile_radio("biologist", lang.t("Biologiste", "Biologist"))}
                    {profile_radio("collaborator", lang.t("Collaborateur", "Collaborator"))}
                </div>
                <FieldError id="profile" message=server_error("profile")/>
            </fieldset>
            <div class="field">
                <label for="correspondent_code">{lang.t("Code correspondant", "Correspondent code")}</label><Required/>
                <span class="hint" id="correspondent_code-hint">{lang.t(
                    "Il identifie votre structure : il figure sur vos documents du laboratoire. Majuscules et espaces indifférents.",
                    "It identifies your structure: it is on your lab documents. Case and spaces do not matter.",
                )}</span>
                <input id="correspondent_code" name="correspondent_code" type="text" value=code.value.get_untracked()
                    autocapitalize="characters" autocomplete="off" spellcheck="false" required=true maxlength="20"
                    aria-describedby="correspondent_code-hint correspondent_code-error"
                    aria-invalid=move || if code_error.with(Option::is_some) { "true" } else { "false" }
                    on:input=on_code on:blur=move |_| code.touched.set(true)/>
                <FieldError id="correspondent_code" message=code_error/>
                <button type="submit" name="lookup_only" value="1" formnovalidate=true class="button-secondary" hidden=move || hydrated.get()>
                    {lang.t("Afficher ma structure et ses sites", "Show my structure and its sites")}
                </button>
            </div>
            {move || found.get().map(&structure_panel)}
            <TextField id="last_name" name="last_name" label=lang.t("Nom", "Last name") autocomplete="family-name" maxlength=100 field=last_name error=last_error/>
            <TextField id="first_name" name="first_name" label=lang.t("Prénom", "First name") autocomplete="given-name" maxlength=100 field=first_name error=first_error/>
            <TextField id="email" name="email" label=lang.t("Adresse e-mail professionnelle", "Professional e-mail address") input_type="email"
                autocomplete="email" inputmode="email" maxlength=254 field=email error=email_error
                hint=lang.t("Strictement individuelle : une adresse, un compte.", "Strictly individual: one address, one account.")/>
            <TextField id="phone" name="phone" label=lang.t("Téléphone", "Telephone") input_type="tel" autocomplete="tel" inputmode="tel"
                maxlength=30 field=phone error=phone_error hint=lang.t("Par exemple 05 49 12 34 56.", "For example 05 49 12 34 56.")/>
            <fieldset>
                <legend>{lang.t("Vos accès", "Your access")}</legend>
                <p class="hint">{lang.t(
                    "Toutes les fonctionnalités sont ouvertes à tous, sauf les pages Résultats et Factures, qui demandent un droit.",
                    "Every feature is open to all, except the Results and Invoices pages, which need a right.",
                )}</p>
                {right_box("results", lang.t("Résultats", "Results"), results)}
                {right_box("invoices", lang.t("Factures", "Invoices"), invoices)}
                <FieldError id="rights" message=server_error("rights")/>
            </fieldset>
            <button type="submit" disabled=move || pending.get() || closed.get()>{lang.t("Envoyer", "Send")}</button>
        </Form>
    }
}
