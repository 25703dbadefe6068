//! `/aide` and its pages: the person's problem first, the self-service answer and its link,
//! then (only then) the form that writes to support. Server-rendered, no island.

use super::api::{ConfirmSupportMessage, RemindAddress, WriteToSupport};
use super::topics::Topic;
use crate::form::PlainForm;
use crate::form::{Outcome, submitted};
use crate::i18n::Lang;
use crate::pages::query_param;
use crate::platform::request_context;
use crate::ui::fields::{Required, RequiredNote};
use crate::ui::notice::Notice;
use crate::ui::plain::{Input, outcome_of};
use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

/// `/aide`, `/aide?sujet=…` (the answer) and `/aide?sujet=…&ecrire=1` (the form).
#[component]
pub fn HelpPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let sub = submitted::<Outcome>(<WriteToSupport as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let topic = query_param("sujet")
        .or_else(|| Some(sub.value("category")).filter(|c| !c.is_empty()))
        .and_then(|s| Topic::parse(&s));
    let writing = query_param("ecrire").is_some() || sub.outcome.is_some();
    let sent = query_param("envoye");
    let title = lang.t("Aide et contact", "Help and contact");
    let body = match (sent, topic) {
        (Some(how), _) => view! { <Sent lang=lang confirm=how == "confirmer"/> }.into_any(),
        (None, None) => view! { <Topics lang=lang/> }.into_any(),
        (None, Some(topic)) => view! {
            <Answer topic=topic lang=lang/>
            {if writing || topic == Topic::Other {
                let signed_in = ctx.user.is_some();
                let err = |k: &str| outcome.as_ref().and_then(|o| o.error_for(k)).unwrap_or_default();
                let (email_value, name_value, body_value) = (sub.value("email"), sub.value("name"), sub.value("body"));
                let (email_error, name_error, body_error) = (err("email"), err("name"), err("body"));
                let body_invalid = if body_error.is_empty() { "false" } else { "true" };
                view! {
                    <section class="panel" aria-labelledby="write-title">
                        <h2 id="write-title">{lang.t("Écrire au support", "Write to support")}</h2>
                        <Notice outcome=Signal::stored(outcome.clone())/>
                        <PlainForm fn_path={<WriteToSupport as ServerFn>::PATH} page=format!("/aide?sujet={}&ecrire=1", topic.slug())>
                            <input type="hidden" name="category" value=topic.slug()/>
                            <RequiredNote lang=lang/>
                            {if signed_in {
                                view! { <p class="meta">{lang.t(
                                    "La réponse arrivera à l'adresse e-mail de votre compte.",
                                    "The answer will come to your account's e-mail address.",
                                )}</p> }.into_any()
                            } else {
                                view! {
                                    <Input id="email" name="email" label=lang.t("Adresse e-mail", "E-mail address") input_type="email"
                                        autocomplete="email" inputmode="email" value=email_value error=email_error
                                        hint=lang.t("Vous recevrez un lien pour confirmer votre message.", "You will receive a link to confirm your message.")/>
                                    <Input id="name" name="name" label=lang.t("Nom et prénom", "Full name") required=false
                                        autocomplete="name" value=name_value error=name_error/>
                                }.into_any()
                            }}
                            <div class="field">
                                <label for="body">{lang.t("Votre message", "Your message")}</label><Required/>
                                <span class="hint" id="body-hint">{lang.t(
                                    "N'indiquez aucune donnée médicale (résultats, traitements).",
                                    "Do not give any medical information (results, treatments).",
                                )}</span>
                                <textarea id="body" name="body" rows="6" maxlength="4000" required=true
                                    aria-invalid=body_invalid
                                    aria-describedby="body-hint body-error">{body_value}</textarea>
                                <p class="field-error" id="body-error">{body_error}</p>
                            </div>
                            <div class="honeypot" aria-hidden="true">
                                <label for="website">"Site web"</label>
                                <input id="website" name="website" type="text" tabindex="-1" autocomplete="off"/>
                            </div>
                            <button type="submit">{lang.t("Envoyer au support", "Send to support")}</button>
                        </PlainForm>
                    </section>
                }.into_any()
            } else {
                view! {
                    <section class="panel">
                        <h2>{lang.t("Toujours bloqué ?", "Still stuck?")}</h2>
                        <p><a class="button button-secondary" href=format!("/aide?sujet={}&ecrire=1#write-title", topic.slug())>
                            {lang.t("Écrire au support", "Write to support")}</a></p>
                    </section>
                }.into_any()
            }}
            <p><a href="/aide">{lang.t("← Autre problème", "← Another problem")}</a></p>
        }
        .into_any(),
    };
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        {body}
    }
}

/// The list of problems.
#[component]
fn Topics(lang: Lang) -> impl IntoView {
    view! {
        <section class="panel">
            <h2>{lang.t("Quel est votre problème ?", "What is your problem?")}</h2>
            <ul class="choices help-topics">
                {Topic::ALL.into_iter().map(|t| view! {
                    <li><a href=format!("/aide?sujet={}", t.slug())>{t.label(lang)}</a></li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// A problem's self-service answer and the link that fixes it.
#[component]
fn Answer(topic: Topic, lang: Lang) -> impl IntoView {
    view! {
        <section class="panel">
            <h2>{topic.label(lang)}</h2>
            <ol class="help-steps">
                {topic.answer(lang).into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
            </ol>
            {topic.fix(lang).map(|(href, label)| view! { <p><a class="button" href=href>{label}</a></p> })}
        </section>
    }
}

/// After sending.
#[component]
fn Sent(lang: Lang, confirm: bool) -> impl IntoView {
    view! {
        <section class="panel narrow">
            <div class="notice notice-success" role="status">
                <p>{if confirm {
                    lang.t(
                        "Vérifiez vos e-mails : un lien de confirmation vient de vous être envoyé. Votre message parviendra au support dès que vous l'aurez ouvert (il est valable 24 heures).",
                        "Check your e-mails: a confirmation link was just sent to you. Your message reaches support as soon as you open it (it is valid for 24 hours).",
                    )
                } else {
                    lang.t(
                        "Votre message est transmis au support. La réponse arrivera à l'adresse e-mail de votre compte.",
                        "Your message is passed on to support. The answer will come to your account's e-mail address.",
                    )
                }}</p>
            </div>
            <p><a href="/">{lang.t("Revenir à l'accueil", "Back to the home page")}</a></p>
        </section>
    }
}

/// `/aide/confirmer?jeton=…`: the button that passes a signed-out writer's message on.
#[component]
pub fn ConfirmMessagePage() -> impl IntoView {
    let lang = request_context().lang;
    let sub = submitted::<Outcome>(<ConfirmSupportMessage as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let token = query_param("jeton").unwrap_or_else(|| sub.value("token"));
    let page = format!("/aide/confirmer?jeton={}", crate::pages::url_encode(&token));
    let done = outcome.is_some();
    let title = lang.t("Confirmer mon message", "Confirm my message");
    view! {
        <Title text=title/>
        <section class="panel narrow">
            <h1>{title}</h1>
            <Notice outcome=Signal::stored(outcome)/>
            {(!done).then(|| view! {
                <p>{lang.t(
                    "Confirmez que cette adresse est la vôtre : votre message parviendra alors au support, qui vous répondra à cette adresse.",
                    "Confirm this address is yours: your message then reaches support, which will answer at this address.",
                )}</p>
                <PlainForm fn_path={<ConfirmSupportMessage as ServerFn>::PATH} page=page>
                    <input type="hidden" name="token" value=token/>
                    <button type="submit">{lang.t("Confirmer mon message", "Confirm my message")}</button>
                </PlainForm>
            })}
        </section>
    }
}

/// `/aide/adresse-oubliee`
#[component]
pub fn ForgottenAddressPage() -> impl IntoView {
    let lang = request_context().lang;
    let sub = submitted::<Outcome>(<RemindAddress as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let error = outcome.as_ref().and_then(|o| o.error_for("addresses")).unwrap_or_default();
    let done = outcome.as_ref().is_some_and(|o| o.is_ok());
    let title = lang.t("Retrouver l'adresse de mon compte", "Find my account's address");
    view! {
        <Title text=title/>
        <section class="panel narrow">
            <h1>{title}</h1>
            <p class="form-intro">{lang.t(
                "Indiquez les adresses e-mail que vous avez pu utiliser (jusqu'à 5). Celle qui correspond à un compte Sésame reçoit un rappel ; pour votre sécurité, cette page ne dit pas laquelle.",
                "Give the e-mail addresses you may have used (up to 5). The one that belongs to a Sésame account receives a reminder; for your safety, this page does not say which.",
            )}</p>
            <Notice outcome=Signal::stored(outcome)/>
            {(!done).then(|| view! {
                <PlainForm fn_path={<RemindAddress as ServerFn>::PATH} page="/aide/adresse-oubliee">
                    <div class="field">
                        <label for="addresses">{lang.t("Adresses possibles", "Possible addresses")}</label><Required/>
                        <span class="hint" id="addresses-hint">{lang.t("Une par ligne.", "One per line.")}</span>
                        <textarea id="addresses" name="addresses" rows="4" required=true autocomplete="email"
                            aria-invalid=if error.is_empty() { "false" } else { "true" }
                            aria-describedby="addresses-hint addresses-error">{sub.value("addresses")}</textarea>
                        <p class="field-error" id="addresses-error">{error}</p>
                    </div>
                    <button type="submit">{lang.t("Recevoir un rappel", "Send me a reminder")}</button>
                </PlainForm>
            })}
            <p><a href="/connexion">{lang.t("Retour à la connexion", "Back to sign-in")}</a></p>
        </section>
    }
}
