//! The access-request form. Once hydrated, the correspondent code is looked up as it is
//! typed (debounced) and the server's HTML for the structure (sites, approvers) is swapped
//! in; the rights follow the profile's defaults. What shows when (the approver for a
//! collaborator asking for rights, the site list for a selection) is decided by CSS, so it
//! also works without JavaScript. Before hydration it is a plain form: a "show my
//! structure" button asks the server, which renders the same form with the panel filled in.

// `#[island]` generates public glue (props struct, WebAssembly export) per island; the
// islands themselves are documented.
#![allow(missing_docs)]

use super::api::{Panel, StructurePanel, SubmitAccessRequest};
use crate::domain::access_request::Profile;
use crate::domain::email::Email;
use crate::domain::phone::Phone;
use crate::form::PlainForm;
use crate::form::Settled;
use crate::i18n::Lang;
use crate::ui::fields::{Field, FieldError, HydrationMarker, Required, TextField, autocorrect_off, name_rule};
use crate::ui::typed_early;
use leptos::prelude::*;
use server_fn::ServerFn;
use std::time::Duration;

/// The rights the form starts with, given what was submitted (see `flows::submit`).
fn initial_rights(initial: &Settled) -> (bool, bool, String) {
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

/// Asks the server for the panel of a typed code: a POST of `code=…` to the server
/// function's URL, answered in JSON (nothing when it fails: the form keeps its panel and
/// the server checks the code again on sending). Hand-written on `fetch`: the server
/// function's own client (request encoding, streams, its error type) cost this page 12 KB
/// of WebAssembly for this one call.
async fn fetch_panel(code: &str) -> Option<Panel> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen_futures::JsFuture;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        let headers = web_sys::Headers::new().ok()?;
        headers.set("Content-Type", "application/x-www-form-urlencoded").ok()?;
        headers.set("Accept", "application/json").ok()?;
        init.set_headers(&headers);
        init.set_body(&format!("code={}", crate::form::percent_encode(code)).into());
        let answer = web_sys::window()?.fetch_with_str_and_init(StructurePanel::PATH, &init);
        let response: web_sys::Response = JsFuture::from(answer).await.ok()?.dyn_into().ok()?;
        if !response.ok() {
            return None;
        }
        let text = JsFuture::from(response.text().ok()?).await.ok()?.as_string()?;
        serde_json::from_str(&text).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        // Rendered on the server, the island never looks anything up.
        let _ = (code, StructurePanel::PATH);
        None
    }
}

/// The form of `/demande-acces`.
#[island]
pub fn AccessRequestForm(lang: Lang, initial: Settled, initial_panel: Panel) -> impl IntoView {
    let outcome = Signal::stored(initial.outcome.clone());
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    // What was chosen and ticked before the WebAssembly arrived stays as it is (the server
    // asks to confirm the rights when they may not be this profile's defaults).
    let profile = RwSignal::new(initial.value("profile"));
    typed_early::restore(profile, typed_early::chosen("profile", initial.value("profile")));
    let (results0, invoices0, rights_profile0) = initial_rights(&initial);
    let results = RwSignal::new(results0);
    typed_early::restore(results, typed_early::checked("results", results0));
    let invoices = RwSignal::new(invoices0);
    typed_early::restore(invoices, typed_early::checked("invoices", invoices0));
    let rights_profile = RwSignal::new(rights_profile0);

    // Correspondent code: the server's panel for it, 350 ms after the last keystroke.
    let code = Field::new(initial.value("correspondent_code"));
    let panel = RwSignal::new(initial_panel);
    let keystrokes = RwSignal::new(0u32);
    let look_up = move |typed: String| {
        let n = keystrokes.get_untracked().wrapping_add(1);
        keystrokes.set(n);
        if typed.trim().len() < 3 {
            panel.set(Panel { open: true, ..Panel::default() });
            return;
        }
        set_timeout(
            move || {
                if keystrokes.get_untracked() != n {
                    return;
                }
                leptos::task::spawn_local(async move {
                    // An answer for a code since changed is dropped.
                    if let Some(found) = fetch_panel(&typed).await
                        && code.value.with_untracked(|v| *v == typed)
                    {
                        panel.set(found);
                    }
                });
            },
            Duration::from_millis(350),
        );
    };
    let on_code = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        code.value.set(typed.clone());
        code.edited.set(true);
        look_up(typed);
    };
    // A code typed before the WebAssembly arrived is looked up now, as if just typed.
    let typed_code = typed_early::value("correspondent_code", initial.value("correspondent_code"));
    if code.restore(typed_code.clone()) {
        look_up(typed_code);
    }
    let code_error = Signal::derive(move || {
        let server = if code.edited.get() {
            None
        } else {
            outcome.with(|o| o.as_ref().and_then(|o| o.error_for("correspondent_code")))
        };
        server.or_else(|| panel.with(|p| p.code_error.clone()))
    });

    let last_name = Field::of("last_name", initial.value("last_name"));
    let first_name = Field::of("first_name", initial.value("first_name"));
    let email = Field::of("email", initial.value("email"));
    let phone = Field::of("phone", initial.value("phone"));
    let last_error =
        last_name.error("last_name", name_rule(lang, ("Indiquez votre nom.", "Enter your last name.")), outcome);
    let first_error =
        first_name.error("first_name", name_rule(lang, ("Indiquez votre prénom.", "Enter your first name.")), outcome);
    let email_error =
        email.error("email", move |v| Email::parse(v).err().map(|e| e.message(lang).to_string()), outcome);
    let phone_error =
        phone.error("phone", move |v| Phone::parse(v).err().map(|e| e.message(lang).to_string()), outcome);
    let server_error =
        move |name: &'static str| Signal::derive(move || outcome.with(|o| o.as_ref().and_then(|o| o.error_for(name))));

    let profile_radio = move |value: &'static str, label: &'static str| {
        let checked = profile.get_untracked() == value;
        let on_change = move |_| {
            // Switching the profile resets the rights to its defaults.
            profile.set(value.to_string());
            let d = Profile::parse(value).map(Profile::default_rights).unwrap_or_default();
            results.set(d.results);
            invoices.set(d.invoices);
            rights_profile.set(value.to_string());
        };
        view! {
            <label class="check">
                <input type="radio" name="profile" value=value checked=checked required=true on:change=on_change/>
                {label}
            </label>
        }
    };
    let right_box = move |name: &'static str, label: &'static str, signal: RwSignal<bool>| {
        view! {
            <div class="check">
                <input type="checkbox" id=name name=name value="on" checked=signal.get_untracked() prop:checked=move || signal.get()
                    on:change=move |ev| signal.set(event_target_checked(&ev))/>
                <label for=name>{label}</label>
            </div>
        }
    };

    view! {
        <PlainForm fn_path=SubmitAccessRequest::PATH page="/demande-acces" class="access-request">
            <HydrationMarker/>
            <crate::ui::fields::RequiredNote lang=lang/>
            <input type="hidden" name="rights_profile" value=rights_profile.get_untracked() prop:value=move || rights_profile.get()/>
            <fieldset>
                <legend>{lang.t("Vous êtes", "You are")}<Required/></legend>
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
                    autocapitalize="characters" autocomplete="off" {..autocorrect_off()} spellcheck="false" required=true maxlength="20"
                    aria-describedby="correspondent_code-hint correspondent_code-error"
                    aria-invalid=move || if code_error.with(Option::is_some) { "true" } else { "false" }
                    on:input=on_code on:blur=move |_| code.touched.set(true)/>
                <FieldError id="correspondent_code" message=code_error/>
                <button type="submit" name="lookup_only" value="1" formnovalidate=true class="button-secondary" hidden=move || hydrated.get()>
                    {lang.t("Afficher ma structure et ses sites", "Show my structure and its sites")}
                </button>
            </div>
            <div class="structure-panel" aria-live="polite" inner_html=move || panel.with(|p| p.html.clone())></div>
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
            // The approver right after the rights that require it, then the sites.
            <div class="structure-choices" aria-live="polite" inner_html=move || panel.with(|p| p.choices_html.clone())></div>
            <FieldError id="panel-approver" message=server_error("approver")/>
            <FieldError id="panel-sites" message=server_error("sites")/>
            <button type="submit" disabled=move || !panel.with(|p| p.open)>{lang.t("Envoyer", "Send")}</button>
        </PlainForm>
    }
}
