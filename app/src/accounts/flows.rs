//! The accounts use-cases, called by the server functions: sign-up, e-mail verification,
//! sign-in (with progressive delays and a lock), sign-out, password reset.
//!
//! Every answer that could tell whether an address has an account is the same either way,
//! and takes comparable time (a password hash is computed on both paths).

use super::emails;
use super::service::{self, NewPatient, TokenPurpose, TokenState};
use crate::domain::account::{AccountStatus, UserKind};
use crate::domain::date::Date;
use crate::domain::email::Email;
use crate::domain::password;
use crate::error::{AppError, AppResult};
use crate::form::{FieldErrors, NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::clock::{DAY, HOUR, MINUTE};
use crate::platform::db::is_unique_violation;
use crate::platform::mail::outbox;
use crate::platform::passwords::HashError;
use crate::platform::rate_limit::{self, Limit};
use crate::platform::state::internal;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry, session};

/// Sign-in failures before delays start.
pub const FAILURES_BEFORE_DELAY: i64 = 3;
/// Sign-in failures that lock the account until a password reset.
pub const LOCK_AFTER: i64 = 10;
/// How long sign-in failures are remembered.
const FAILURE_MEMORY: Limit = Limit { max: LOCK_AFTER, window: 30 * DAY };
/// Sign-in failures accepted from one client address.
const CLIENT_FAILURES: Limit = Limit { max: 50, window: 15 * MINUTE };
/// Sign-ups accepted from one client address.
const CLIENT_SIGNUPS: Limit = Limit { max: 10, window: HOUR };
/// Link e-mails (verification, reset) per address.
const LINKS_PER_ADDRESS: Limit = Limit { max: 5, window: HOUR };
/// Link e-mails per client address.
const LINKS_PER_CLIENT: Limit = Limit { max: 20, window: HOUR };

/// Maps a hashing failure: overload is a 503, the rest an internal error.
pub fn hash_error(e: HashError) -> AppError {
    match e {
        HashError::Overloaded => AppError::Overloaded,
        HashError::Failed(m) => {
            tracing::error!(error = %m, "password hashing failed");
            AppError::Internal
        }
    }
}

/// Seconds to wait after `failures` consecutive sign-in failures.
pub fn delay_after(failures: i64) -> i64 {
    if failures < FAILURES_BEFORE_DELAY { 0 } else { (1i64 << (failures - FAILURES_BEFORE_DELAY).min(6)).min(60) }
}

fn login_key(state: &AppState, email_key: &str) -> String {
    format!("login:{}", state.keyed_hash("login", email_key))
}

async fn limited(state: &AppState, key: &str, limit: Limit) -> AppResult<()> {
    if let Some(wait) =
        rate_limit::exceeded(&state.db, key, limit, state.now()).await.map_err(internal("rate limit"))?
    {
        return Err(AppError::RateLimited(wait));
    }
    rate_limit::hit(&state.db, key, limit, state.now()).await.map_err(internal("rate limit"))?;
    Ok(())
}

/// What the sign-up form sends.
pub struct SignUpInput {
    /// E-mail address.
    pub email: String,
    /// Password.
    pub password: String,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// Birth date.
    pub birth_date: String,
    /// Terms accepted.
    pub terms: bool,
    /// The honeypot field, invisible to people.
    pub honeypot: String,
}

/// Checks a name field: present, not absurdly long, no control characters.
pub fn parse_name(value: &str, lang: Lang, empty: (&'static str, &'static str)) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(lang.t(empty.0, empty.1).into());
    }
    if v.chars().count() > 100 || v.chars().any(char::is_control) {
        return Err(lang.t("Ce nom n'est pas valide.", "This name is not valid.").into());
    }
    Ok(v.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Creates a patient account and e-mails the verification link. Redirects to the page that
/// says "check your e-mails" whether or not the address already had an account.
pub async fn sign_up(state: &AppState, ctx: &RequestContext, input: SignUpInput) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let mut errors = FieldErrors::default();
    let email = errors.check("email", Email::parse(&input.email), |e| e.message(lang).into());
    let last_name = errors.check(
        "last_name",
        parse_name(&input.last_name, lang, ("Indiquez votre nom.", "Enter your last name.")),
        |e| e,
    );
    let first_name = errors.check(
        "first_name",
        parse_name(&input.first_name, lang, ("Indiquez votre prénom.", "Enter your first name.")),
        |e| e,
    );
    let birth_date = errors
        .check("birth_date", Date::parse_birth_date(&input.birth_date, state.today()), |e| e.message(lang).into());
    let personal: Vec<&str> =
        [input.email.as_str(), input.last_name.as_str(), input.first_name.as_str()].into_iter().collect();
    let problems = password::check(&input.password, &personal);
    if let Some(first) = problems.first() {
        errors.add("password", first.message(lang));
    }
    if !input.terms {
        errors.add(
            "terms",
            lang.t(
                "Pour créer votre compte, acceptez les conditions d'utilisation.",
                "To create your account, accept the terms of use.",
            ),
        );
    }
    let (Some(email), Some(last_name), Some(first_name), Some(birth_date)) = (email, last_name, first_name, birth_date)
    else {
        return Ok(Outcome::invalid(errors.0, lang));
    };
    if !errors.is_empty() {
        return Ok(Outcome::invalid(errors.0, lang));
    }
    limited(state, &format!("signup:{}", ctx.client_key), CLIENT_SIGNUPS).await?;

    // Hash on every path, so an existing address answers in the same time as a new one.
    let hash = state.hasher.hash(input.password).await.map_err(hash_error)?;
    if !input.honeypot.trim().is_empty() {
        // A robot filled the invisible field: answer as usual, create nothing.
        tracing::info!("sign-up honeypot triggered");
        leptos_axum::redirect("/inscription/envoyee");
        return Ok(Outcome::ok());
    }

    let now = state.now();
    let key = email.key();
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    let new = NewPatient {
        email: email.as_str(),
        email_key: &key,
        password_hash: &hash,
        last_name: &last_name,
        first_name: &first_name,
        birth_date: &birth_date.iso(),
        lang: lang.code(),
    };
    match service::insert_patient(&mut tx, &new, now).await {
        Ok(user_id) => {
            let token = service::issue_token(&mut tx, user_id, TokenPurpose::VerifyEmail, now)
                .await
                .map_err(internal("token"))?;
            let link = state.settings.url(&format!("/verifier-email?jeton={token}"));
            outbox::enqueue(&mut tx, &emails::verification(lang, email.as_str(), &first_name, &link), now)
                .await
                .map_err(internal("outbox"))?;
            audit::record(&mut tx, now, AuditEntry::new(Some(user_id), "account.signed_up", "user", Some(user_id)))
                .await
                .map_err(internal("audit"))?;
            tx.commit().await.map_err(internal("commit"))?;
        }
        Err(e) if is_unique_violation(&e) => {
            drop(tx);
            // The address has an account: tell its owner, not the visitor.
            let existing = service::find_by_email_key(&state.db, &key).await.map_err(internal("find user"))?;
            let mut tx = state.db.begin().await.map_err(internal("begin"))?;
            let (name, user_lang) = existing
                .map(|u| (u.first_name, Lang::from_code(&u.lang)))
                .unwrap_or_else(|| (first_name.clone(), lang));
            let mail = emails::already_registered(
                user_lang,
                email.as_str(),
                &name,
                &state.settings.url("/connexion"),
                &state.settings.url("/mot-de-passe-oublie"),
            );
            outbox::enqueue(&mut tx, &mail, now).await.map_err(internal("outbox"))?;
            tx.commit().await.map_err(internal("commit"))?;
        }
        Err(e) => return Err(internal("insert patient")(e)),
    }
    state.wake_mailer();
    leptos_axum::redirect("/inscription/envoyee");
    Ok(Outcome::ok())
}

/// Sends a new verification link, if the address has an unverified account. Same answer
/// in every case.
pub async fn resend_verification(state: &AppState, ctx: &RequestContext, email: &str) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let email = match Email::parse(email) {
        Ok(e) => e,
        Err(e) => return Ok(Outcome::invalid(vec![("email".into(), e.message(lang).into())], lang)),
    };
    limited(state, &format!("links-client:{}", ctx.client_key), LINKS_PER_CLIENT).await?;
    limited(state, &format!("links:{}", state.keyed_hash("links", &email.key())), LINKS_PER_ADDRESS).await?;
    let now = state.now();
    let user = service::find_by_email_key(&state.db, &email.key()).await.map_err(internal("find user"))?;
    if let Some(user) = user.filter(|u| u.status == AccountStatus::Unverified) {
        let mut tx = state.db.begin().await.map_err(internal("begin"))?;
        let token =
            service::issue_token(&mut tx, user.id, TokenPurpose::VerifyEmail, now).await.map_err(internal("token"))?;
        let link = state.settings.url(&format!("/verifier-email?jeton={token}"));
        let mail = emails::verification(Lang::from_code(&user.lang), &user.email, &user.first_name, &link);
        outbox::enqueue(&mut tx, &mail, now).await.map_err(internal("outbox"))?;
        tx.commit().await.map_err(internal("commit"))?;
        state.wake_mailer();
    }
    Ok(Outcome::notice(
        NoticeKind::Success,
        lang.t(
            "Si un compte en attente de confirmation utilise cette adresse, un nouveau lien vient d'y être envoyé. Pensez à regarder dans les indésirables.",
            "If an account awaiting confirmation uses this address, a new link has just been sent to it. Check your spam folder too.",
        ),
    ))
}

/// Explains why a link cannot be used, with the way forward.
pub fn link_problem(state: TokenState, purpose: TokenPurpose, lang: Lang) -> Outcome {
    let (again_path, again_label) = match purpose {
        TokenPurpose::ResetPassword => ("/mot-de-passe-oublie", lang.t("Recevoir un nouveau lien", "Get a new link")),
        TokenPurpose::VerifyEmail => ("/inscription/envoyee", lang.t("Recevoir un nouveau lien", "Get a new link")),
        TokenPurpose::Invitation | TokenPurpose::ChangeEmail => ("/connexion", lang.t("Se connecter", "Sign in")),
    };
    let message = match state {
        TokenState::Expired => lang.t(
            "Ce lien a expiré. Demandez-en un nouveau : il arrivera en quelques instants.",
            "This link has expired. Ask for a new one: it will arrive in a moment.",
        ),
        TokenState::Used => lang.t(
            "Ce lien a déjà servi (ou un lien plus récent l'a remplacé). Utilisez le dernier e-mail reçu, ou demandez un nouveau lien.",
            "This link was already used (or replaced by a newer one). Use the latest e-mail, or ask for a new link.",
        ),
        TokenState::Unknown | TokenState::Valid(_) => lang.t(
            "Ce lien n'est pas valide : il a peut-être été mal copié. Demandez un nouveau lien.",
            "This link is not valid: it may have been copied incompletely. Ask for a new link.",
        ),
    };
    Outcome::notice(NoticeKind::Error, message).with_follow_up(again_path, again_label)
}

/// Confirms an address from the link's page (a POST: mail scanners that open links do not
/// consume them). Redirects to sign-in.
pub async fn verify_email(state: &AppState, ctx: &RequestContext, token: &str) -> AppResult<Outcome> {
    let now = state.now();
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    match service::consume_token(&mut tx, token.trim(), TokenPurpose::VerifyEmail, now)
        .await
        .map_err(internal("token"))?
    {
        TokenState::Valid(user_id) => {
            service::mark_verified(&mut tx, user_id, now).await.map_err(internal("verify"))?;
            audit::record(
                &mut tx,
                now,
                AuditEntry::new(Some(user_id), "account.email_verified", "user", Some(user_id)),
            )
            .await
            .map_err(internal("audit"))?;
            tx.commit().await.map_err(internal("commit"))?;
            leptos_axum::redirect("/connexion?verifie=1");
            Ok(Outcome::ok())
        }
        other => Ok(link_problem(other, TokenPurpose::VerifyEmail, ctx.lang)),
    }
}

/// What happened at sign-in, before opening a session.
#[derive(Debug)]
pub enum SignInResult {
    /// Password right and account usable: the user id.
    Success(i64, UserKind),
    /// Answered without opening a session.
    Refused(Outcome),
}

/// Checks an e-mail and password with progressive delays and a lock.
pub async fn check_credentials(
    state: &AppState,
    ctx: &RequestContext,
    email: &str,
    password: String,
) -> AppResult<SignInResult> {
    let lang = ctx.lang;
    let mut errors = FieldErrors::default();
    if email.trim().is_empty() {
        errors.add("email", lang.t("Indiquez votre adresse e-mail.", "Enter your e-mail address."));
    }
    if password.is_empty() {
        errors.add("password", lang.t("Indiquez votre mot de passe.", "Enter your password."));
    }
    if !errors.is_empty() {
        return Ok(SignInResult::Refused(Outcome::invalid(errors.0, lang)));
    }
    let email_key = email.trim().to_lowercase();
    let key = login_key(state, &email_key);
    let now = state.now();

    if let Some(wait) =
        rate_limit::exceeded(&state.db, &format!("login-client:{}", ctx.client_key), CLIENT_FAILURES, now)
            .await
            .map_err(internal("rate limit"))?
    {
        return Err(AppError::RateLimited(wait));
    }
    let failures = rate_limit::peek(&state.db, &key, FAILURE_MEMORY, now).await.map_err(internal("rate limit"))?;
    if failures.count >= LOCK_AFTER {
        return Ok(SignInResult::Refused(locked(lang)));
    }
    let wait_ms = delay_after(failures.count) * 1000 - (now - failures.last_at);
    if failures.count >= FAILURES_BEFORE_DELAY && wait_ms > 0 {
        let secs = (wait_ms as u64).div_ceil(1000);
        let message = match lang {
            Lang::Fr => format!(
                "Plusieurs essais ont échoué : par sécurité, patientez {} avant de réessayer.",
                crate::domain::duration::human_fr(secs)
            ),
            Lang::En => format!(
                "Several attempts failed: for safety, wait {} before trying again.",
                crate::domain::duration::human_en(secs)
            ),
        };
        return Ok(SignInResult::Refused(
            Outcome::notice(NoticeKind::Warn, message)
                .with_follow_up("/mot-de-passe-oublie", lang.t("Mot de passe oublié ?", "Forgot your password?")),
        ));
    }

    let user = service::find_by_email_key(&state.db, &email_key).await.map_err(internal("find user"))?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = state.hasher.verify(password, stored).await.map_err(hash_error)?;
    let Some(user) = user.filter(|_| ok) else {
        let after = rate_limit::hit(&state.db, &key, FAILURE_MEMORY, now).await.map_err(internal("rate limit"))?;
        rate_limit::hit(&state.db, &format!("login-client:{}", ctx.client_key), CLIENT_FAILURES, now)
            .await
            .map_err(internal("rate limit"))?;
        if after.count >= LOCK_AFTER {
            return Ok(SignInResult::Refused(locked(lang)));
        }
        return Ok(SignInResult::Refused(
            Outcome::notice(
                NoticeKind::Error,
                lang.t("Adresse e-mail ou mot de passe incorrect.", "Incorrect e-mail address or password."),
            )
            .with_follow_up("/mot-de-passe-oublie", lang.t("Mot de passe oublié ?", "Forgot your password?")),
        ));
    };
    // The password is right: the person owns the account, so its state may be explained.
    rate_limit::clear(&state.db, &key).await.map_err(internal("rate limit"))?;
    match user.status {
        AccountStatus::Active | AccountStatus::InvitationAccepted => Ok(SignInResult::Success(user.id, user.kind)),
        AccountStatus::Unverified => Ok(SignInResult::Refused(
            Outcome::notice(
                NoticeKind::Warn,
                lang.t(
                    "Confirmez d'abord votre adresse e-mail avec le lien que nous vous avons envoyé à l'inscription (pensez aux indésirables).",
                    "First confirm your e-mail address with the link we sent when you signed up (check your spam folder).",
                ),
            )
            .with_follow_up("/inscription/envoyee", lang.t("Recevoir un nouveau lien", "Get a new link")),
        )),
        AccountStatus::InvitationSent | AccountStatus::InvitationExpired => Ok(SignInResult::Refused(
            Outcome::notice(
                NoticeKind::Warn,
                lang.t(
                    "Votre compte n'est pas encore activé : utilisez le lien ou le code reçu par e-mail pour votre première connexion.",
                    "Your account is not activated yet: use the link or code you received by e-mail for your first sign-in.",
                ),
            )
            .with_follow_up("/premiere-connexion", lang.t("Première connexion", "First sign-in")),
        )),
        AccountStatus::Deactivated => Ok(SignInResult::Refused(Outcome::notice(
            NoticeKind::Error,
            lang.t(
                "Ce compte ne permet pas de se connecter. Pour toute question, contactez le support de votre laboratoire.",
                "This account cannot sign in. For any question, contact your lab's support.",
            ),
        ))),
    }
}

fn locked(lang: Lang) -> Outcome {
    Outcome::notice(
        NoticeKind::Error,
        lang.t(
            "Par sécurité, la connexion est bloquée après trop d'essais infructueux. Choisissez un nouveau mot de passe pour la débloquer.",
            "For safety, signing in is blocked after too many failed attempts. Choose a new password to unblock it.",
        ),
    )
    .with_follow_up("/mot-de-passe-oublie", lang.t("Choisir un nouveau mot de passe", "Choose a new password"))
}

/// Opens a session: stores it and sets the cookie on the response. Accounts with a second
/// factor first get a session that only allows giving it.
pub async fn open_session(state: &AppState, user_id: i64) -> AppResult<session::Stage> {
    let now = state.now();
    let totp: Option<i64> = sqlx::query_scalar("SELECT totp_enabled_at FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(state.db.pool())
        .await
        .map_err(internal("second factor"))?;
    let stage = if totp.is_some() { session::Stage::SecondFactor } else { session::Stage::Full };
    open_session_at(state, user_id, stage, now).await?;
    Ok(stage)
}

/// Opens a session at a given stage.
pub async fn open_session_at(state: &AppState, user_id: i64, stage: session::Stage, now: i64) -> AppResult<()> {
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    let token = session::create(&mut tx, user_id, now, stage).await.map_err(internal("session"))?;
    let action = if stage == session::Stage::Full { "account.signed_in" } else { "account.password_checked" };
    audit::record(&mut tx, now, AuditEntry::new(Some(user_id), action, "user", Some(user_id)))
        .await
        .map_err(internal("audit"))?;
    tx.commit().await.map_err(internal("commit"))?;
    set_cookie(&session::cookie_header(&token, state.settings.secure_cookies))
}

/// Adds a `Set-Cookie` header to the server function's response.
pub fn set_cookie(value: &str) -> AppResult<()> {
    let response = leptos::prelude::expect_context::<leptos_axum::ResponseOptions>();
    response
        .append_header(http::header::SET_COOKIE, http::HeaderValue::from_str(value).map_err(|_| AppError::Internal)?);
    Ok(())
}

/// Where a user goes after signing in, unless a safe `next` path was asked for.
pub fn home_of(kind: UserKind) -> &'static str {
    match kind {
        UserKind::Patient | UserKind::Professional => "/mon-compte",
        UserKind::Support => "/support/demandes",
    }
}

/// Ends the current session.
pub async fn sign_out(state: &AppState, ctx: &RequestContext) -> AppResult<()> {
    if let Some(hash) = &ctx.session_hash {
        session::revoke(&state.db, hash).await.map_err(internal("sign out"))?;
    }
    set_cookie(&session::clear_cookie_header(state.settings.secure_cookies))?;
    leptos_axum::redirect("/?deconnecte=1");
    Ok(())
}

/// Sends a reset link (or, for an address without account, a note saying so). Same answer
/// in every case; redirects to the "check your e-mails" page.
pub async fn request_reset(state: &AppState, ctx: &RequestContext, email: &str) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let email = match Email::parse(email) {
        Ok(e) => e,
        Err(e) => return Ok(Outcome::invalid(vec![("email".into(), e.message(lang).into())], lang)),
    };
    limited(state, &format!("links-client:{}", ctx.client_key), LINKS_PER_CLIENT).await?;
    limited(state, &format!("links:{}", state.keyed_hash("links", &email.key())), LINKS_PER_ADDRESS).await?;
    let now = state.now();
    let user = service::find_by_email_key(&state.db, &email.key()).await.map_err(internal("find user"))?;
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    match user.filter(|u| u.status != AccountStatus::Deactivated) {
        Some(user) => {
            let token = service::issue_token(&mut tx, user.id, TokenPurpose::ResetPassword, now)
                .await
                .map_err(internal("token"))?;
            let link = state.settings.url(&format!("/nouveau-mot-de-passe?jeton={token}"));
            let mail = emails::reset(Lang::from_code(&user.lang), &user.email, &user.first_name, &link);
            outbox::enqueue(&mut tx, &mail, now).await.map_err(internal("outbox"))?;
            audit::record(&mut tx, now, AuditEntry::new(None, "account.reset_requested", "user", Some(user.id)))
                .await
                .map_err(internal("audit"))?;
        }
        None => {
            let mail = emails::reset_no_account(lang, email.as_str(), &state.settings.url("/inscription"));
            outbox::enqueue(&mut tx, &mail, now).await.map_err(internal("outbox"))?;
        }
    }
    tx.commit().await.map_err(internal("commit"))?;
    state.wake_mailer();
    leptos_axum::redirect("/mot-de-passe-oublie/envoye");
    Ok(Outcome::ok())
}

/// Sets a new password from a reset link: single use, signs out every other session,
/// lifts the sign-in lock, and signs this browser in.
pub async fn reset_password(
    state: &AppState,
    ctx: &RequestContext,
    token: &str,
    new_password: String,
) -> AppResult<Outcome> {
    let lang = ctx.lang;
    let now = state.now();
    let token = token.trim();
    let user_id = match service::peek_token(&state.db, token, TokenPurpose::ResetPassword, now)
        .await
        .map_err(internal("token"))?
    {
        TokenState::Valid(id) => id,
        other => return Ok(link_problem(other, TokenPurpose::ResetPassword, lang)),
    };
    let Some(user) = service::find_by_id(&state.db, user_id).await.map_err(internal("find user"))? else {
        return Ok(link_problem(TokenState::Unknown, TokenPurpose::ResetPassword, lang));
    };
    let personal = [user.email.as_str(), user.first_name.as_str(), user.last_name.as_str()];
    if let Some(problem) = password::check(&new_password, &personal).first() {
        return Ok(Outcome::invalid(vec![("password".into(), problem.message(lang).into())], lang));
    }
    let hash = state.hasher.hash(new_password).await.map_err(hash_error)?;
    let mut tx = state.db.begin().await.map_err(internal("begin"))?;
    match service::consume_token(&mut tx, token, TokenPurpose::ResetPassword, now).await.map_err(internal("token"))? {
        TokenState::Valid(id) if id == user.id => {}
        other => return Ok(link_problem(other, TokenPurpose::ResetPassword, lang)),
    }
    service::set_password(&mut tx, user.id, &hash, now).await.map_err(internal("set password"))?;
    // The link proves the mailbox is theirs.
    service::mark_verified(&mut tx, user.id, now).await.map_err(internal("verify"))?;
    let revoked = session::revoke_all(&mut tx, user.id, None).await.map_err(internal("revoke"))?;
    let mail = emails::password_changed(
        Lang::from_code(&user.lang),
        &user.email,
        &user.first_name,
        &state.settings.url("/mot-de-passe-oublie"),
    );
    outbox::enqueue(&mut tx, &mail, now).await.map_err(internal("outbox"))?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "account.password_reset", "user", Some(user.id))
            .with(serde_json::json!({ "sessions_revoked": revoked })),
    )
    .await
    .map_err(internal("audit"))?;
    tx.commit().await.map_err(internal("commit"))?;
    rate_limit::clear(&state.db, &login_key(state, &user.email.to_lowercase()))
        .await
        .map_err(internal("rate limit"))?;
    state.wake_mailer();
    let refreshed = service::find_by_id(&state.db, user.id).await.map_err(internal("find user"))?;
    match refreshed {
        Some(u) if matches!(u.status, AccountStatus::Active) => match open_session(state, u.id).await? {
            session::Stage::Full => leptos_axum::redirect(&format!("{}?mot-de-passe=1", home_of(u.kind))),
            session::Stage::SecondFactor => leptos_axum::redirect("/connexion/code"),
        },
        _ => leptos_axum::redirect("/connexion?mot-de-passe=1"),
    }
    Ok(Outcome::ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_cap() {
        assert_eq!(delay_after(0), 0);
        assert_eq!(delay_after(2), 0);
        assert_eq!(delay_after(3), 1);
        assert_eq!(delay_after(4), 2);
        assert_eq!(delay_after(8), 32);
        assert_eq!(delay_after(9), 60);
    }

    #[test]
    fn names() {
        assert_eq!(parse_name("  Le   Gall ", Lang::Fr, ("x", "y")), Ok("Le Gall".into()));
        assert!(parse_name(" ", Lang::Fr, ("x", "y")).is_err());
        assert!(parse_name(&"a".repeat(101), Lang::Fr, ("x", "y")).is_err());
    }
}
