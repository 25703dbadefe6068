//! Support's inbox: `/support/messages` (open messages with their cause and age, the counts
//! per cause per week) and `/support/messages/{id}` (the message, what happened lately on
//! the writer's account, the replies, and the forms that answer and close).

use super::api::{CloseMessage, ReplyToMessage};
use super::store::{self, MessageRow};
use super::topics::Topic;
use crate::form::Outcome;
use crate::form::PlainForm;
use crate::i18n::Lang;
use crate::pages::errors::ErrorPage;
use crate::pages::{date_time, query_param};
use crate::platform::clock::DAY;
use crate::platform::guards::require_support;
use crate::platform::limits::LimitedAction;
use crate::platform::{AppState, app_state, request_context};
use crate::ui::fields::Required;
use crate::ui::notice::Notice;
use crate::ui::plain::outcome_of;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use server_fn::ServerFn;

async fn guard(lang: Lang) -> Result<AppState, AnyView> {
    let ctx = request_context();
    if let Err(e) = require_support(&ctx) {
        return Err(view! { <ErrorPage lang=lang error=e/> }.into_any());
    }
    app_state().map_err(|e| view! { <ErrorPage lang=lang error=e/> }.into_any())
}

/// "3 h", "2 j": how long a message has waited.
fn age(since: i64, now: i64, lang: Lang) -> String {
    let hours = (now - since).max(0) / crate::platform::clock::HOUR;
    if hours < 48 { format!("{hours} h") } else { format!("{} {}", hours / 24, lang.t("j", "d")) }
}

/// `/support/messages`
#[component]
pub fn SupportMessagesPage() -> impl IntoView {
    let lang = request_context().lang;
    let show_closed = query_param("statut").as_deref() == Some("clos");
    let closed_notice = query_param("clos").is_some();
    Suspend::new(async move {
        let state = match guard(lang).await {
            Ok(s) => s,
            Err(v) => return v,
        };
        let now = state.now();
        let load = async {
            let rows = store::queue(&state.db, if show_closed { "closed" } else { "open" }, 200).await?;
            let counts = store::weekly_counts(&state.db, now - 8 * 7 * DAY).await?;
            Ok::<_, sqlx::Error>((rows, counts))
        };
        let (rows, counts) = match load.await {
            Ok(v) => v,
            Err(e) => {
                tracing::error!(error = %e, "support messages");
                return view! { <ErrorPage lang=lang error=crate::error::AppError::Internal/> }.into_any();
            }
        };
        let title = lang.t("Messages au support", "Messages to support");
        view! {
            <Title text=title/>
            <h1>{title}</h1>
            {closed_notice.then(|| view! { <Notice outcome=Some(Outcome::notice(crate::form::NoticeKind::Success, lang.t("Le message est clos.", "The message is closed.")))/> })}
            <p class="actions">
                {if show_closed {
                    view! { <a href="/support/messages">{lang.t("Voir les messages ouverts", "See open messages")}</a> }.into_any()
                } else {
                    view! { <a href="/support/messages?statut=clos">{lang.t("Voir les messages clos", "See closed messages")}</a> }.into_any()
                }}
            </p>
            <section class="panel">
                <h2>{if show_closed { lang.t("Messages clos", "Closed messages") } else { lang.t("Messages ouverts", "Open messages") }}</h2>
                {if rows.is_empty() {
                    view! { <p class="meta">{lang.t("Aucun message.", "No message.")}</p> }.into_any()
                } else {
                    view! {
                        <table class="table">
                            <thead><tr>
                                <th scope="col">{lang.t("Motif", "Cause")}</th>
                                <th scope="col">{lang.t("Attente", "Waiting")}</th>
                                <th scope="col">{lang.t("Compte", "Account")}</th>
                                <th scope="col">{lang.t("Message", "Message")}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|m| {
                                    let topic = Topic::parse(&m.category).unwrap_or(Topic::Other).label(lang);
                                    let since = m.confirmed_at.unwrap_or(m.created_at);
                                    view! {
                                        <tr>
                                            <td><a href=format!("/support/messages/{}", m.id)>{topic}</a></td>
                                            <td>{age(since, now, lang)}</td>
                                            <td>{match m.user_id {
                                                Some(_) => lang.t("oui", "yes"),
                                                None => lang.t("aucun", "none"),
                                            }}</td>
                                            <td>{m.body.chars().take(80).collect::<String>()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
            <WeeklyCounts counts=counts now=now lang=lang/>
        }
        .into_any()
    })
}

/// The number of messages per cause for each of the last 8 weeks.
#[component]
fn WeeklyCounts(counts: Vec<(i64, String, i64)>, now: i64, lang: Lang) -> impl IntoView {
    let week_ms = 7 * DAY;
    let shift = 3 * DAY;
    let this_week = (now + shift) / week_ms;
    let weeks: Vec<i64> = (0..8).map(|i| this_week - i).collect();
    let monday = |w: i64| crate::approval::pages::day(w * week_ms - shift, lang);
    view! {
        <section class="panel">
            <h2>{lang.t("Messages par motif et par semaine", "Messages per cause and week")}</h2>
            <div class="table-scroll">
            <table class="table weekly-counts">
                <thead><tr>
                    <th scope="col">{lang.t("Motif", "Cause")}</th>
                    {weeks.iter().map(|w| view! { <th scope="col">{lang.t("sem. du ", "week of ")}{monday(*w)}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {Topic::ALL.into_iter().map(|t| {
                        let counts = counts.clone();
                        let weeks = weeks.clone();
                        view! {
                            <tr>
                                <th scope="row">{t.label(lang)}</th>
                                {weeks.into_iter().map(|w| {
                                    let n = counts.iter().find(|(cw, c, _)| *cw == w && c == t.slug()).map(|c| c.2).unwrap_or(0);
                                    view! { <td>{n}</td> }
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </section>
    }
}

use crate::form::first_submission;

/// `/support/messages/{id}`
#[component]
pub fn SupportMessagePage() -> impl IntoView {
    let lang = request_context().lang;
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let sub = first_submission(&[<ReplyToMessage as ServerFn>::PATH, <CloseMessage as ServerFn>::PATH]);
    let outcome = outcome_of(&sub, lang);
    Suspend::new(async move {
        let state = match guard(lang).await {
            Ok(s) => s,
            Err(v) => return v,
        };
        let Some(id) = id else {
            return view! { <crate::pages::errors::NotFound lang=lang/> }.into_any();
        };
        let message = match store::find(&state.db, id).await {
            Ok(Some(m)) => m,
            Ok(None) => return view! { <crate::pages::errors::NotFound lang=lang/> }.into_any(),
            Err(e) => {
                tracing::error!(error = %e, "support message");
                return view! { <ErrorPage lang=lang error=crate::error::AppError::Internal/> }.into_any();
            }
        };
        let replies = store::replies(&state.db, id).await.unwrap_or_default();
        let events = match events(&state, &message).await {
            Ok(e) => e,
            Err(e) => {
                tracing::error!(error = %e, "support message events");
                Vec::new()
            }
        };
        let topic = Topic::parse(&message.category).unwrap_or(Topic::Other);
        let page = format!("/support/messages/{id}");
        let answer_error = outcome.as_ref().and_then(|o| o.error_for("answer")).unwrap_or_default();
        let open = message.status == "open";
        view! {
            <Title text=topic.label(lang)/>
            <p><a href="/support/messages">{lang.t("← Tous les messages", "← All messages")}</a></p>
            <h1>{topic.label(lang)}</h1>
            <Notice outcome=Signal::stored(outcome.clone())/>
            <section class="panel">
                <p class="meta">{message.name.clone()}" · "{message.email.clone()}" · "{date_time(message.confirmed_at.unwrap_or(message.created_at), lang)}
                    {message.user_id.map(|u| view! { " · "<a href=format!("/admin/utilisateurs/{u}")>{lang.t("Voir le compte", "See the account")}</a> })}</p>
                <p class="message-body">{message.body.clone()}</p>
            </section>
            <section class="panel">
                <h2>{lang.t("Événements récents du compte", "Recent account events")}</h2>
                {if events.is_empty() {
                    view! { <p class="meta">{if message.user_id.is_some() { lang.t("Aucun événement récent.", "No recent event.") } else { lang.t("Aucun compte n'utilise cette adresse.", "No account uses this address.") }}</p> }.into_any()
                } else {
                    view! { <ul class="activity">{events.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul> }.into_any()
                }}
            </section>
            <section class="panel">
                <h2>{lang.t("Réponses", "Answers")}</h2>
                {replies.into_iter().map(|r| view! {
                    <article class="card"><p class="meta">{date_time(r.created_at, lang)}</p><p class="message-body">{r.body}</p></article>
                }).collect_view()}
                <PlainForm fn_path={<ReplyToMessage as ServerFn>::PATH} page=page.clone()>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <div class="field">
                        <label for="answer">{lang.t("Réponse", "Answer")}</label><Required/>
                        <span class="hint" id="answer-hint">{lang.t(
                            "Envoyée par e-mail à l'adresse du message. Aucune donnée médicale.",
                            "Sent by e-mail to the message's address. No medical information.",
                        )}</span>
                        <textarea id="answer" name="answer" rows="6" maxlength="4000" required=true
                            aria-invalid=if answer_error.is_empty() { "false" } else { "true" }
                            aria-describedby="answer-hint answer-error"></textarea>
                        <p class="field-error" id="answer-error">{answer_error}</p>
                    </div>
                    <button type="submit">{lang.t("Répondre par e-mail", "Answer by e-mail")}</button>
                </PlainForm>
                {open.then(|| view! {
                    <PlainForm fn_path={<CloseMessage as ServerFn>::PATH} page=page.clone()>
                        <input type="hidden" name="id" value=id.to_string()/>
                        <button type="submit" class="button-secondary">{lang.t("Clore", "Close")}</button>
                    </PlainForm>
                })}
            </section>
        }
        .into_any()
    })
}

/// What happened lately on the writer's account, as sentences: mails sent and bounced,
/// activation codes typed this hour, links waiting for the lab, audit lines.
async fn events(state: &AppState, message: &MessageRow) -> Result<Vec<String>, sqlx::Error> {
    let lang = request_context().lang;
    let mut out = Vec::new();
    let now = state.now();
    for d in crate::platform::mail::outbox::to_address(&state.db, &message.email, 10).await? {
        let status = match (d.sent_at, d.failed_at) {
            (Some(at), _) => format!("{} {}", lang.t("envoyé le", "sent on"), date_time(at, lang)),
            (None, Some(at)) => format!("{} {}", lang.t("NON DISTRIBUÉ le", "BOUNCED on"), date_time(at, lang)),
            (None, None) => lang.t("en attente d'envoi", "waiting to be sent").to_string(),
        };
        out.push(format!("{} « {} » — {status}", lang.t("E-mail", "E-mail"), d.template));
    }
    let Some(user_id) = message.user_id else { return Ok(out) };
    let action = LimitedAction::ActivationByAccount { user_id };
    let counter = crate::platform::rate_limit::peek(&state.db, &action.key(state), action.limit(), now).await?;
    if counter.count > 0 {
        out.push(match lang {
            Lang::Fr => {
                format!("{} code(s) d'activation saisi(s) dans l'heure (au plus {})", counter.count, action.limit().max)
            }
            Lang::En => {
                format!("{} activation code(s) typed this hour (at most {})", counter.count, action.limit().max)
            }
        });
    }
    for p in crate::activation::store::profiles(state, user_id).await? {
        if p.status == "lab_review" {
            out.push(
                lang.t("Un rattachement attend la vérification du laboratoire", "A link waits for the lab's check")
                    .into(),
            );
        } else if p.status == "rejected" {
            out.push(lang.t("Un rattachement a été refusé par le laboratoire", "A link was refused by the lab").into());
        }
    }
    for a in crate::platform::audit::about_user(&state.db, user_id, 10).await? {
        out.push(format!("{} — {}", date_time(a.at, lang), crate::platform::audit::describe(&a.action, lang)));
    }
    Ok(out)
}
