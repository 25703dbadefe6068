//! Server-rendered forms with no island: they post to their page, the server runs the
//! server function and renders the page again with the outcome (see `crate::form`). No
//! WebAssembly involved, so they cost the browser nothing.

use crate::form::{Outcome, PlainForm, Submitted};
use crate::ui::fields::Required;
use leptos::prelude::*;

/// The outcome of a submission, mapping real failures to a notice in the given language.
pub fn outcome_of(sub: &Submitted<Outcome>, lang: crate::i18n::Lang) -> Option<Outcome> {
    sub.outcome.clone().map(|r| r.unwrap_or_else(|e| Outcome::from_error(&e, lang)))
}

/// A labelled input with its error, server-rendered.
#[component]
pub fn Input(
    /// Element id.
    id: &'static str,
    /// Field name.
    name: &'static str,
    /// Label (a contract).
    label: &'static str,
    /// `type`.
    #[prop(default = "text")]
    input_type: &'static str,
    /// Initial value.
    #[prop(optional, into)]
    value: String,
    /// `autocomplete`.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// `inputmode`.
    #[prop(optional)]
    inputmode: Option<&'static str>,
    /// Help text.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// Mandatory.
    #[prop(default = true)]
    required: bool,
    /// Error to show.
    #[prop(optional)]
    error: Option<String>,
) -> impl IntoView {
    // Only a field with a message is announced as invalid (an empty message is none).
    let error = error.filter(|e| !e.trim().is_empty());
    let invalid = if error.is_some() { "true" } else { "false" };
    let described = if hint.is_some() { format!("{id}-hint {id}-error") } else { format!("{id}-error") };
    view! {
        <div class="field">
            <label for=id>{label}</label>{required.then(|| view! { <Required/> })}
            {hint.map(|h| view! { <span class="hint" id=format!("{id}-hint")>{h}</span> })}
            <input id=id name=name type=input_type value=value autocomplete=autocomplete inputmode=inputmode
                required=required aria-invalid=invalid aria-describedby=described/>
            <p class="field-error" id=format!("{id}-error")>{error}</p>
        </div>
    }
}

/// A refusal: its mandatory reason, sent to the person refused, and the **Refuser** button.
/// The same form on the approval page, support's requests and the lab review queue.
#[component]
pub fn RefusalForm(
    /// Server function that refuses.
    fn_path: &'static str,
    /// Page to post to.
    page: &'static str,
    /// Id of what is refused.
    id: i64,
    /// The page's last submission, for the reason's error.
    sub: Submitted<Outcome>,
    /// Hint under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// Interface language.
    lang: crate::i18n::Lang,
) -> impl IntoView {
    let field = crate::form::reason_field(id);
    let error = sub.outcome.and_then(|o| o.ok()).and_then(|o| o.error_for(&field));
    // A negative action: secondary style, with its reason, apart from the positive one.
    let error = error.filter(|e| !e.is_empty());
    let invalid = if error.is_some() { "true" } else { "false" };
    let error_id = format!("{field}-error");
    view! {
        <PlainForm fn_path=fn_path page=page class="refusal-form">
            <input type="hidden" name="id" value=id.to_string()/>
            <div class="field">
                <label for=field.clone()>{lang.t("Motif du refus", "Reason for refusal")}</label><Required/>
                {hint.map(|h| view! { <span class="hint">{h}</span> })}
                <textarea id=field name="reason" required=true maxlength="1000" aria-invalid=invalid aria-describedby=error_id.clone()></textarea>
                <p class="field-error" id=error_id>{error}</p>
            </div>
            <button type="submit" class="button-danger-secondary">{lang.t("Refuser", "Refuse")}</button>
        </PlainForm>
    }
}

/// The mandatory **J'accepte les conditions d'utilisation** checkbox of a server-rendered form,
/// with links to the terms and the privacy notice and its error slot.
#[component]
pub fn TermsCheckbox(
    /// Interface language.
    lang: crate::i18n::Lang,
    /// The error to show, if any.
    #[prop(into)]
    error: Option<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <div class="check">
                <input id="terms" name="terms" type="checkbox" value="on" aria-required="true"
                    aria-invalid=if error.as_deref().is_some_and(|e| !e.is_empty()) { "true" } else { "false" }
                    aria-describedby="terms-links terms-error"/>
                <label for="terms">{lang.t("J'accepte les conditions d'utilisation", "I accept the terms of use")}<Required/></label>
            </div>
            <p class="hint" id="terms-links">
                <a href="/conditions-utilisation" target="_blank">{lang.t("Lire les conditions d'utilisation", "Read the terms of use")}</a>
                " · "
                <a href="/confidentialite" target="_blank">{lang.t("Politique de confidentialité", "Privacy notice")}</a>
            </p>
            <p class="field-error" id="terms-error">{error}</p>
        </div>
    }
}
