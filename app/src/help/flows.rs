//! Help and contact use cases: writing to support (a signed-out writer confirms their
//! address first), confirming, the forgotten-address reminder, and support's replies.
//!
//! Nothing here says whether an address has an account: a signed-out writer always gets a
//! confirmation link, and the reminder page answers the same whatever was typed.

use super::emails;
use super::store::{self, NewMessage};
use super::topics::Topic;
use crate::accounts::store as accounts;
use crate::domain::account::UserKind;
use crate::domain::email::Email;
use crate::error::{AppError, FlowResult};
use crate::form::{FieldErrors, NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::clock::DAY;
use crate::platform::crypto::{random_token, sha256_hex};
use crate::platform::guards::require_support;
use crate::platform::limits::{self, LimitedAction};
use crate::platform::mail::outbox;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry};

/// How long a signed-out writer's confirmation link works.
pub const CONFIRM_VALIDITY: i64 = DAY;
/// The longest message accepted, in characters.
pub const MAX_MESSAGE: usize = 4000;
/// How many addresses the forgotten-address form takes at once.
pub const MAX_ADDRESSES: usize = 5;

/// What the contact form sends.
#[derive(Debug, Default)]
pub struct WriteInput {
    /// Topic slug.
    pub category: String,
    /// Reply address (signed-out writers; ignored for a signed-in one).
    pub email: String,
    /// Signature (signed-out writers).
    pub name: String,
    /// The message.
    pub body: String,
    /// Honeypot: people leave it empty.
    pub website: String,
}

/// Sends a message to support from `/aide`.
#[tracing::instrument(skip_all)]
pub async fn write(state: &AppState, ctx: &RequestContext, input: WriteInput) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let topic = Topic::parse(&input.category).unwrap_or(Topic::Other);
    let mut errors = FieldErrors::default();
    let body = input.body.trim();
    if body.is_empty() {
        errors.add("body", lang.t("Écrivez votre message.", "Write your message."));
    } else if body.chars().count() > MAX_MESSAGE {
        errors.add("body", lang.t("Au plus 4 000 caractères.", "At most 4,000 characters."));
    }
    let user = ctx.user.clone();
    let email = match &user {
        Some(_) => None,
        None => errors.check("email", Email::parse(&input.email), |e| e.message(lang).into()),
    };
    if user.is_none() && input.name.trim().chars().count() > 100 {
        errors.add("name", lang.t("Au plus 100 caractères.", "At most 100 characters."));
    }
    if !errors.is_empty() {
        return Ok(Outcome::invalid(errors.0, lang));
    }
    // Every message counts against its client first, then is decided.
    limits::check(state, LimitedAction::SupportMessage { client: &ctx.client_key }).await?;
    let now = state.now();
    let done = |confirm: bool| {
        leptos_axum::redirect(if confirm { "/aide?envoye=confirmer" } else { "/aide?envoye=1" });
        Ok(Outcome::ok())
    };
    if !input.website.trim().is_empty() {
        // A robot filled the hidden field: answer as if it worked, store nothing.
        return done(user.is_none());
    }
    match (user, email) {
        (Some(user), _) => {
            let me = accounts::find_by_id(&state.db, user.id).await?.ok_or(AppError::Forbidden)?;
            let name = format!("{} {}", me.first_name, me.last_name);
            let mut tx = state.db.begin().await?;
            let id = store::insert(
                &mut tx,
                &NewMessage {
                    category: topic.slug(),
                    user_id: Some(user.id),
                    email: &me.email,
                    name: &name,
                    body,
                    lang: lang.code(),
                    confirm: None,
                },
                now,
            )
            .await?;
            audit::record(
                &mut tx,
                now,
                AuditEntry::new(Some(user.id), "help.message_written", "support_message", Some(id)),
            )
            .await?;
            tx.commit().await?;
            done(false)
        }
        (None, Some(email)) => {
            limits::check(state, LimitedAction::LinkMailToAddress { email_key: &email.key() }).await?;
            let mut tx = state.db.begin().await?;
            let token = random_token();
            let hash = sha256_hex(&token);
            let id = store::insert(
                &mut tx,
                &NewMessage {
                    category: topic.slug(),
                    user_id: None,
                    email: email.as_str(),
                    name: input.name.trim(),
                    body,
                    lang: lang.code(),
                    confirm: Some((&hash, now + CONFIRM_VALIDITY)),
                },
                now,
            )
            .await?;
            let link = state.settings.url(&format!("/aide/confirmer?jeton={token}"));
            outbox::enqueue(&mut tx, &emails::confirm_message(lang, email.as_str(), &link), now).await?;
            audit::record(&mut tx, now, AuditEntry::new(None, "help.message_written", "support_message", Some(id)))
                .await?;
            tx.commit().await?;
            state.wake_mailer();
            done(true)
        }
        (None, None) => Err(AppError::Forbidden.into()),
    }
}

/// Confirms a signed-out writer's address: the message reaches support.
#[tracing::instrument(skip_all)]
pub async fn confirm(state: &AppState, ctx: &RequestContext, token: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let Some(id) = store::confirm(&mut tx, &sha256_hex(token.trim()), now).await? else {
        return Ok(Outcome::notice(
            NoticeKind::Error,
            lang.t(
                "Ce lien n'est pas valable : il a expiré ou a déjà servi. Si votre message n'est pas parti, écrivez-le de nouveau.",
                "This link is not valid: it expired or was already used. If your message did not go, write it again.",
            ),
        )
        .with_follow_up("/aide", lang.t("Aide et contact", "Help and contact")));
    };
    audit::record(&mut tx, now, AuditEntry::new(None, "help.message_confirmed", "support_message", Some(id))).await?;
    tx.commit().await?;
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Votre message est transmis au support. La réponse arrivera à votre adresse e-mail.",
            "Your message is passed on to support. The answer will come to your e-mail address.",
        ),
    ))
}

/// The forgotten-address form: each typed address that has an account gets a reminder;
/// the answer is the same whatever was typed.
#[tracing::instrument(skip_all)]
pub async fn remind_address(state: &AppState, ctx: &RequestContext, addresses: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let typed: Vec<&str> =
        addresses.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|s| !s.is_empty()).collect();
    let mut parsed = Vec::new();
    for a in &typed {
        match Email::parse(a) {
            Ok(e) if !parsed.iter().any(|p: &Email| p.key() == e.key()) => parsed.push(e),
            Ok(_) => {}
            Err(_) => {
                return Ok(Outcome::invalid(
                    vec![(
                        "addresses".into(),
                        match lang {
                            Lang::Fr => format!("« {a} » n'est pas une adresse e-mail : vérifiez-la."),
                            Lang::En => format!("“{a}” is not an e-mail address: check it."),
                        },
                    )],
                    lang,
                ));
            }
        }
    }
    if parsed.is_empty() {
        return Ok(Outcome::invalid(
            vec![("addresses".into(), lang.t("Indiquez au moins une adresse.", "Give at least one address.").into())],
            lang,
        ));
    }
    if parsed.len() > MAX_ADDRESSES {
        return Ok(Outcome::invalid(
            vec![("addresses".into(), lang.t("Au plus 5 adresses à la fois.", "At most 5 addresses at once.").into())],
            lang,
        ));
    }
    limits::check(state, LimitedAction::LinkMailFromClient { client: &ctx.client_key }).await?;
    let now = state.now();
    let sign_in = state.settings.url("/connexion");
    for email in parsed {
        // Counted per address whether it has an account or not; an address over its limit
        // is skipped without a word (the answer must not differ).
        let counter = limits::count(state, LimitedAction::LinkMailToAddress { email_key: &email.key() }).await?;
        if counter.over(LimitedAction::LinkMailToAddress { email_key: "" }.limit()) {
            continue;
        }
        let Some(user) = accounts::find_by_email_key(&state.db, &email.key()).await? else { continue };
        if user.kind == UserKind::Shared {
            continue;
        }
        let mut tx = state.db.begin().await?;
        outbox::enqueue(
            &mut tx,
            &emails::address_reminder(user.language(), &user.email, &user.first_name, &sign_in),
            now,
        )
        .await?;
        audit::record(&mut tx, now, AuditEntry::new(None, "help.address_reminded", "user", Some(user.id))).await?;
        tx.commit().await?;
    }
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Info,
        lang.t(
            "C'est noté. Si l'une de ces adresses est celle d'un compte Sésame, elle reçoit un rappel dans quelques minutes. Pensez à regarder dans les courriers indésirables.",
            "Noted. If one of these addresses belongs to a Sésame account, it receives a reminder within minutes. Check your spam folder too.",
        ),
    ))
}

/// Support answers a message by e-mail.
#[tracing::instrument(skip_all)]
pub async fn reply(state: &AppState, ctx: &RequestContext, id: i64, answer: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let message = store::find(&state.db, id).await?.ok_or(AppError::Forbidden)?;
    let answer = answer.trim();
    if answer.is_empty() || answer.chars().count() > MAX_MESSAGE {
        return Ok(Outcome::invalid(
            vec![(
                "answer".into(),
                lang.t(
                    "Écrivez la réponse (au plus 4 000 caractères).",
                    "Write the answer (at most 4,000 characters).",
                )
                .into(),
            )],
            lang,
        ));
    }
    let now = state.now();
    let writer_lang = Lang::from_code(&message.lang);
    let topic = Topic::parse(&message.category).unwrap_or(Topic::Other).label(writer_lang);
    let first_name = match message.user_id {
        Some(uid) => accounts::find_by_id(&state.db, uid).await?.map(|u| u.first_name).unwrap_or_default(),
        None => message.name.clone(),
    };
    let mut tx = state.db.begin().await?;
    store::insert_reply(&mut tx, id, agent.id, answer, now).await?;
    outbox::enqueue(&mut tx, &emails::reply(writer_lang, &message.email, &first_name, topic, answer), now).await?;
    audit::record(&mut tx, now, AuditEntry::new(Some(agent.id), "help.replied", "support_message", Some(id))).await?;
    tx.commit().await?;
    state.wake_mailer();
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t("La réponse est envoyée par e-mail.", "The answer is sent by e-mail."),
    ))
}

/// Support closes a message.
#[tracing::instrument(skip_all)]
pub async fn close(state: &AppState, ctx: &RequestContext, id: i64) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let agent = require_support(ctx)?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    if !store::close(&mut tx, id, agent.id, now).await? {
        return Ok(Outcome::notice(
            NoticeKind::Info,
            lang.t("Ce message est déjà clos.", "This message is already closed."),
        ));
    }
    audit::record(&mut tx, now, AuditEntry::new(Some(agent.id), "help.closed", "support_message", Some(id))).await?;
    tx.commit().await?;
    leptos_axum::redirect("/support/messages?clos=1");
    Ok(Outcome::ok())
}
