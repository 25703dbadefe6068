//! Form fields with a label, a hint, a mandatory mark and an error slot, used by every form.
//!
//! Labels are exact contracts (acceptance tests find fields by them), so the mandatory mark
//! is hidden from assistive technologies: the accessible name stays the label itself, and
//! `required` tells screen readers the field is mandatory.

use leptos::prelude::*;

/// The browser's check of a name field: the server's rule itself
/// ([`crate::domain::names::parse_name`]), so a name refused on sending is refused as it is
/// typed, with the same words. `empty` is the message for an empty field.
pub fn name_rule(
    lang: crate::i18n::Lang,
    empty: (&'static str, &'static str),
) -> impl Fn(&str) -> Option<String> + Clone + Send + Sync + 'static {
    move |v: &str| crate::domain::names::parse_name(v, lang, empty).err()
}

/// [`name_rule`] for a name that may stay empty (a relative's, asked only for some choices).
pub fn optional_name_rule(lang: crate::i18n::Lang) -> impl Fn(&str) -> Option<String> + Clone + Send + Sync + 'static {
    move |v: &str| if v.trim().is_empty() { None } else { crate::domain::names::parse_name(v, lang, ("", "")).err() }
}

/// `autocorrect="off"` for code fields: iOS Safari would otherwise replace a typed code by
/// a dictionary word. Leptos has no typed method for this attribute, so it is spread in.
pub fn autocorrect_off() -> impl leptos::attr::Attribute {
    leptos::tachys::html::attribute::custom::custom_attribute("autocorrect", "off")
}

/// The visual mark of a mandatory field, placed right after its label (outside it, so the
/// label's text stays exactly the field's name).
#[component]
pub fn Required() -> impl IntoView {
    view! { <span class="req" aria-hidden="true">"*"</span> }
}

/// The line at the top of every form that collects personal data: mandatory fields are
/// marked, and the privacy notice says what is done with them (PRODUCT.md §5).
#[component]
pub fn RequiredNote(
    /// Interface language.
    lang: crate::i18n::Lang,
) -> impl IntoView {
    view! {
        <p class="required-note">
            {lang.t("Les champs marqués d'un astérisque (*) sont obligatoires. ", "Fields marked with an asterisk (*) are mandatory. ")}
            <a href="/confidentialite">{lang.t("Comment nous utilisons vos données", "How we use your data")}</a>
        </p>
    }
}

/// An error message tied to a field by id (`aria-describedby`).
#[component]
pub fn FieldError(
    /// The field's id; the message gets the id `{id}-error`.
    #[prop(into)]
    id: String,
    /// The message, if any.
    #[prop(into)]
    message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <p class="field-error" id=format!("{id}-error") aria-live="polite">
            {move || message.get()}
        </p>
    }
}

/// The state of one input in an island: its value, whether the person left it once, and
/// whether they changed it since the last answer of the server.
#[derive(Clone, Copy)]
pub struct Field {
    /// Current value.
    pub value: RwSignal<String>,
    /// The person left the field at least once (errors show from then on).
    pub touched: RwSignal<bool>,
    /// Changed since the server last answered (the server's error no longer applies).
    pub edited: RwSignal<bool>,
}

impl Field {
    /// A field starting with a value (from a submission without JavaScript, or empty).
    pub fn new(initial: String) -> Self {
        Field { value: RwSignal::new(initial), touched: RwSignal::new(false), edited: RwSignal::new(false) }
    }

    /// The field of the input `id`, starting with `initial` (the server's value) and taking,
    /// once the island is hydrated, what that input held when the island started — typed
    /// before the WebAssembly arrived (see [`super::typed_early`]).
    pub fn of(id: &str, initial: String) -> Self {
        let field = Field::new(initial.clone());
        field.restore(super::typed_early::value(id, initial));
        field
    }

    /// Takes `typed` once the island is hydrated, as an edit (the server's error for the
    /// field no longer applies), if it differs from the value; says whether it did.
    pub fn restore(self, typed: String) -> bool {
        let changed = super::typed_early::restore(self.value, typed);
        if changed {
            Effect::new(move |_| self.edited.set(true));
        }
        changed
    }

    /// The error to show: the browser's own check once the field was left or edited,
    /// otherwise the server's error for this field. Each new answer of the server applies
    /// again to every field (the rules only the server checks — a common password, a birth
    /// date in the future — show next to their field, with JavaScript as without).
    pub fn error(
        self,
        name: &'static str,
        validate: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        outcome: Signal<Option<crate::form::Outcome>>,
    ) -> Signal<Option<String>> {
        Effect::new(move |previous: Option<()>| {
            outcome.track();
            if previous.is_some() {
                self.edited.set(false);
            }
        });
        Signal::derive(move || {
            let local = if self.touched.get() || self.edited.get() { self.value.with(|v| validate(v)) } else { None };
            let server =
                if self.edited.get() { None } else { outcome.with(|o| o.as_ref().and_then(|o| o.error_for(name))) };
            // The server's verdict first: it checks everything the browser checks, and more.
            server.or(local)
        })
    }
}

/// A labelled text input bound to a [`Field`].
#[component]
pub fn TextField(
    /// Element id (also the `for` of the label).
    id: &'static str,
    /// Form field name.
    name: &'static str,
    /// Label text (a contract: tests find the field by it).
    label: &'static str,
    /// Help shown under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// `type` attribute.
    #[prop(default = "text")]
    input_type: &'static str,
    /// `autocomplete` attribute.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// `inputmode` attribute.
    #[prop(optional)]
    inputmode: Option<&'static str>,
    /// Whether the field is mandatory.
    #[prop(default = true)]
    required: bool,
    /// Maximum length.
    #[prop(optional)]
    maxlength: Option<u32>,
    /// The field's state.
    field: Field,
    /// The error to show.
    error: Signal<Option<String>>,
) -> impl IntoView {
    let initial = field.value.get_untracked();
    let described = if hint.is_some() { format!("{id}-hint {id}-error") } else { format!("{id}-error") };
    view! {
        <div class="field">
            <label for=id>{label}</label>{required.then(|| view! { <Required/> })}
            {hint.map(|h| view! { <span class="hint" id=format!("{id}-hint")>{h}</span> })}
            <input
                id=id
                name=name
                type=input_type
                value=initial
                autocomplete=autocomplete
                inputmode=inputmode
                required=required
                maxlength=maxlength
                aria-describedby=described
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                on:input=move |ev| {
                    field.value.set(event_target_value(&ev));
                    field.edited.set(true);
                }
                on:blur=move |_| field.touched.set(true)
            />
            <FieldError id=id message=error/>
        </div>
    }
}

/// A new-password input with the rules, a strength meter and a show/hide toggle.
#[component]
pub fn NewPasswordField(
    /// Interface language.
    lang: crate::i18n::Lang,
    /// Label text.
    label: &'static str,
    /// Server-side outcome (for the server's verdict, e.g. a common password).
    outcome: Signal<Option<crate::form::Outcome>>,
) -> impl IntoView {
    use crate::domain::password::{check_rules, strength};
    let field = Field::of("password", String::new());
    let visible = RwSignal::new(false);
    let error = field.error("password", move |v| check_rules(v).first().map(|p| p.message(lang).to_string()), outcome);
    let level = Memo::new(move |_| field.value.with(|v| strength(v)));
    view! {
        <div class="field">
            <label for="password">{label}</label><Required/>
            <span class="hint" id="password-hint">{lang.t(
                "Au moins 8 caractères avec une majuscule, une minuscule, un chiffre et un caractère spécial — ou une phrase de passe d'au moins 14 caractères.",
                "At least 8 characters with an upper-case letter, a lower-case letter, a digit and a special character — or a passphrase of at least 14 characters.",
            )}</span>
            <input
                id="password"
                name="password"
                type=move || if visible.get() { "text" } else { "password" }
                autocomplete="new-password"
                required=true
                maxlength=128
                aria-describedby="password-hint password-strength password-error"
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                on:input=move |ev| {
                    field.value.set(event_target_value(&ev));
                    field.edited.set(true);
                }
                on:blur=move |_| field.touched.set(true)
            />
            <div class="password-meter" id="password-strength" aria-live="polite">
                <meter min="0" max="4" low="2" high="3" optimum="4" value=move || level.get() as u8></meter>
                <span>{move || if field.value.with(String::is_empty) { "" } else { level.get().label(lang) }}</span>
                <button type="button" class="link-button" aria-controls="password" aria-pressed=move || visible.get().to_string()
                    on:click=move |_| visible.update(|v| *v = !*v)>
                    {move || if visible.get() { lang.t("Masquer", "Hide") } else { lang.t("Afficher", "Show") }}
                </button>
            </div>
            <FieldError id="password" message=error/>
        </div>
    }
}

/// Turns `data-island-ready="1"` once the island runs in the browser: browser tests (and
/// curious developers) can tell hydration happened.
#[component]
pub fn HydrationMarker() -> impl IntoView {
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    view! { <span hidden data-island-ready=move || if ready.get() { "1" } else { "0" }></span> }
}
