//! Forms that work before, and without, WebAssembly.
//!
//! Every form is a plain HTML `<form method="post">` whose `action` is the page it sits on,
//! with a hidden `_fn` field naming its server function ([`crate::form::PlainForm`]).
//! The browser posts to the page, with or without WebAssembly; a server middleware runs the
//! server function, then either follows its redirect or renders the same page again with
//! the outcome and the values typed (passwords excepted), handed to the page as a
//! [`Submitted`]. Islands inside a form only check fields as they are typed; they never
//! send the form themselves, so the browser build carries no request encoding and no
//! decoding of the server's answers. One server function, one set of rules, one path.
//!
//! Forms are `novalidate`: the browser's own bubbles (in the browser's language, gone in a
//! moment, not announced next to the field) give way to Sésame's messages, in French or
//! English, under each field, from the same rules whatever the path.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Name of the hidden field that tells the server which server function a form calls.
pub const FN_FIELD: &str = "_fn";

/// Field names whose values are never sent back into a re-rendered page: passwords and
/// every code (activation code, provisional access code, second-factor codes).
pub const SECRET_FIELDS: &[&str] =
    &["password", "new_password", "current_password", "totp", "recovery_code", "code", "access_code"];

/// Percent-encodes a value for a query string or a form body (letters, digits, `/`, `-`,
/// `_`, `.`, `~` kept). Hand-written for the islands: the browser build carries no URL
/// crate for these few bytes (the server uses the `percent-encoding` crate).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[(b >> 4) as usize]));
            out.push(char::from(b"0123456789ABCDEF"[(b & 15) as usize]));
        }
    }
    out
}

/// The state a form starts in: after a submission, the values typed and the outcome;
/// otherwise empty. `R` is the server function's answer as the page receives it (its
/// result, or an error); see [`Settled`] for what an island receives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Submitted<O, R = Result<O, AppError>> {
    /// Values typed, by field name (secrets removed).
    pub values: Vec<(String, String)>,
    /// The server function's answer, if the form was submitted.
    pub outcome: Option<R>,
    /// What the answer is an answer to.
    #[serde(skip)]
    pub marker: std::marker::PhantomData<fn() -> O>,
}

/// A submission whose failure is already a notice in the person's language: what an island
/// form starts from. The browser then decodes texts only, never the server's error type.
pub type Settled = Submitted<Outcome, Outcome>;

impl<O, R> Default for Submitted<O, R> {
    fn default() -> Self {
        Submitted { values: Vec::new(), outcome: None, marker: std::marker::PhantomData }
    }
}

impl Submitted<Outcome> {
    /// The same submission with a failure turned into its notice (see [`Outcome::from_error`]).
    pub fn settled(self, lang: crate::i18n::Lang) -> Settled {
        let outcome = self.outcome.map(|r| r.unwrap_or_else(|e| Outcome::from_error(&e, lang)));
        Submitted { values: self.values, outcome, marker: std::marker::PhantomData }
    }
}

impl<O, R> Submitted<O, R> {
    /// The value typed in a field, or an empty string.
    pub fn value(&self, name: &str) -> String {
        self.values.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    /// Every value typed under one name (checkbox groups).
    pub fn values_of(&self, name: &str) -> Vec<String> {
        self.values.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    /// The value typed, or a default when the form was not submitted yet.
    pub fn value_or(&self, name: &str, default: &str) -> String {
        if self.values.is_empty() { default.to_string() } else { self.value(name) }
    }

    /// True when a checkbox was checked in the submission, or `default` when not submitted.
    pub fn checked_or(&self, name: &str, default: bool) -> bool {
        if self.values.is_empty() { default } else { self.values.iter().any(|(k, _)| k == name) }
    }
}

/// How a notice above a form reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeKind {
    /// Something to fix or that failed.
    Error,
    /// It worked.
    Success,
    /// For information (e.g. what happens next).
    Info,
    /// Attention needed.
    Warn,
}

impl NoticeKind {
    /// CSS class suffix.
    pub fn class(self) -> &'static str {
        match self {
            NoticeKind::Error => "error",
            NoticeKind::Success => "success",
            NoticeKind::Info => "info",
            NoticeKind::Warn => "warn",
        }
    }
}

/// The answer of every form's server function for things a person can act on: errors next
/// to fields, a message above the form, and a way forward (a link) instead of a dead end.
/// Texts are already in the person's language (the server knows it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Errors by field name.
    pub field_errors: Vec<(String, String)>,
    /// A message above the form.
    pub notice: Option<(NoticeKind, String)>,
    /// A way forward: (path, label).
    pub follow_up: Option<(String, String)>,
    /// Items shown once under the notice (e.g. recovery codes).
    #[serde(default)]
    pub items: Vec<String>,
}

impl Outcome {
    /// No error: used when the server function also redirected.
    pub fn ok() -> Self {
        Outcome::default()
    }

    /// Field errors, with a summary above the form.
    pub fn invalid(field_errors: Vec<(String, String)>, lang: crate::i18n::Lang) -> Self {
        Outcome {
            field_errors,
            notice: Some((
                NoticeKind::Error,
                lang.t(
                    "Certaines informations sont à corriger : voyez les messages sous les champs.",
                    "Some information needs fixing: see the messages under the fields.",
                )
                .into(),
            )),
            ..Outcome::default()
        }
    }

    /// A message above the form.
    pub fn notice(kind: NoticeKind, message: impl Into<String>) -> Self {
        Outcome { notice: Some((kind, message.into())), ..Outcome::default() }
    }

    /// Adds a way forward.
    pub fn with_follow_up(mut self, path: impl Into<String>, label: impl Into<String>) -> Self {
        self.follow_up = Some((path.into(), label.into()));
        self
    }

    /// The error of one field, if any.
    pub fn error_for(&self, field: &str) -> Option<String> {
        self.field_errors.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone())
    }

    /// True when nothing is wrong.
    pub fn is_ok(&self) -> bool {
        self.field_errors.is_empty() && !matches!(self.notice, Some((NoticeKind::Error, _)))
    }

    /// The outcome shown for a real failure.
    pub fn from_error(error: &AppError, lang: crate::i18n::Lang) -> Self {
        let out = Outcome::notice(NoticeKind::Error, error.message(lang));
        match error {
            AppError::SignInRequired | AppError::SessionExpired => {
                out.with_follow_up("/connexion", lang.t("Se connecter", "Sign in"))
            }
            AppError::SecondFactorRequired => out.with_follow_up(
                "/mon-compte/securite",
                lang.t("Configurer l'authentification à deux facteurs", "Set up two-factor authentication"),
            ),
            _ => out,
        }
    }
}

/// The field name of the refusal reason of item `id`, where a page lists several refusable
/// items: the flows report a missing reason under it and the form shows it there.
pub fn reason_field(id: i64) -> String {
    format!("reason-{id}")
}

/// Collects field errors while parsing a form.
#[derive(Debug, Default)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    /// Records an error for a field.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_string(), message.into()));
    }

    /// Keeps the parsed value, or records the error.
    pub fn check<T, E>(&mut self, field: &str, result: Result<T, E>, message: impl FnOnce(E) -> String) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, message(e));
                None
            }
        }
    }

    /// True when no error was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A form posting to `page` that runs the server function at `fn_path`. Its children keep
/// their own type (no `AnyView`): inside an island, type-erased children would cost the
/// browser build a copy of every rendering path of the whole form.
#[component]
pub fn PlainForm<T: IntoView + 'static>(
    /// Server function path (`<ServFn as ServerFn>::PATH`).
    fn_path: &'static str,
    /// Page to post to.
    #[prop(into)]
    page: String,
    /// CSS class.
    #[prop(optional)]
    class: Option<&'static str>,
    /// Element id (for inputs placed elsewhere that name this form with `form=`).
    #[prop(optional)]
    id: Option<&'static str>,
    /// Fields and buttons.
    children: TypedChildren<T>,
) -> impl IntoView {
    let children = children.into_inner();
    view! {
        <form method="post" action=page class=class id=id novalidate=true>
            <input type="hidden" name=FN_FIELD value=fn_path/>
            {children()}
        </form>
    }
}

/// A server-rendered submission handed from the no-JavaScript middleware to the page.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub struct FormSubmission {
    /// Path of the server function that ran.
    pub fn_path: String,
    /// HTTP status of its answer.
    pub status: u16,
    /// Its body (JSON of the outcome, or of the error).
    pub body: String,
    /// Fields as posted (secrets already removed).
    pub fields: Vec<(String, String)>,
}

/// The submission among several server functions of one page (each form of the page names
/// its own): the one that was posted, or an empty submission.
#[cfg(feature = "ssr")]
pub fn first_submission(paths: &[&str]) -> Submitted<Outcome> {
    paths.iter().map(|p| submitted::<Outcome>(p)).find(|s| s.outcome.is_some()).unwrap_or_default()
}

/// The submission of the server function at `fn_path`, if the current request is the
/// re-rendering of a form posted without JavaScript.
#[cfg(feature = "ssr")]
pub fn submitted<O: serde::de::DeserializeOwned>(fn_path: &str) -> Submitted<O> {
    use server_fn::error::FromServerFnError;
    let Some(sub) = use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<FormSubmission>().cloned())
        .filter(|s| s.fn_path == fn_path)
    else {
        return Submitted::default();
    };
    let outcome = if (200..300).contains(&sub.status) {
        match serde_json::from_str::<O>(&sub.body) {
            Ok(o) => Ok(o),
            Err(e) => {
                tracing::error!(error = %e, "cannot decode a server function outcome");
                Err(AppError::Internal)
            }
        }
    } else {
        Err(AppError::de(sub.body.clone().into()))
    };
    Submitted { values: sub.fields, outcome: Some(outcome), marker: std::marker::PhantomData }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submitted_values() {
        let s: Submitted<()> = Submitted {
            values: vec![("email".into(), "a@b.fr".into()), ("site".into(), "1".into()), ("site".into(), "3".into())],
            ..Submitted::default()
        };
        assert_eq!(s.value("email"), "a@b.fr");
        assert_eq!(s.values_of("site"), vec!["1", "3"]);
        assert!(s.checked_or("site", false));
        assert!(!s.checked_or("results", false));
        let empty: Submitted<()> = Submitted::default();
        assert!(empty.checked_or("results", true));
        assert_eq!(empty.value_or("profile", "biologist"), "biologist");
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_bytes() {
        assert_eq!(percent_encode("/activation"), "/activation");
        assert_eq!(percent_encode("86 BV01&x=é"), "86%20BV01%26x%3D%C3%A9");
    }
}
