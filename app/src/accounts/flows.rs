//! The accounts use-cases, called by the server functions: sign-up, e-mail verification,
//! sign-in (with progressive delays and a lock), sign-out, password reset.
//!
//! Every answer that could tell whether an address has an account is the same either way,
//! and takes comparable time (a password hash is computed on both paths).

use super::emails;
use super::store::{self, NewPatient, TokenPurpose, TokenState};
use crate::domain::account::{AccountStatus, UserKind};
use crate::domain::date::Date;
use crate::domain::email::Email;
use crate::domain::password;
use crate::error::{AppError, FlowResult};
use crate::form::{FieldErrors, NoticeKind, Outcome};
use crate::i18n::Lang;
use crate::platform::db::is_unique_violation;
use crate::platform::limits::{self, LimitedAction, SIGN_IN_FAILURES_BEFORE_DELAY, SIGN_IN_LOCK_AFTER};
use crate::platform::mail::outbox;
use crate::platform::passwords::HashError;
use crate::platform::rate_limit;
use crate::platform::{AppState, RequestContext, audit, audit::AuditEntry, session};

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

/// Seconds to wait after `failures` consecutive sign-in failures from one client.
pub fn delay_after(failures: i64) -> i64 {
    if failures < SIGN_IN_FAILURES_BEFORE_DELAY {
        0
    } else {
        (1i64 << (failures - SIGN_IN_FAILURES_BEFORE_DELAY).min(6)).min(60)
    }
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
    /// Where the person was going (e.g. `/activation`), kept through the verification link.
    pub next: String,
}

use crate::domain::names::parse_name;

/// Creates a patient account and e-mails the verification link. Redirects to the page that
/// says "check your e-mails" whether or not the address already had an account.
#[tracing::instrument(skip_all)]
pub async fn sign_up(state: &AppState, ctx: &RequestContext, input: SignUpInput) -> FlowResult<Outcome> {
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
    limits::check(state, LimitedAction::SignUp { client: &ctx.client_key }).await?;

    // Hash on every path, so an existing address answers in the same time as a new one.
    let hash = state.hasher.hash(input.password).await?;
    if !input.honeypot.trim().is_empty() {
        // A robot filled the invisible field: answer as usual, create nothing.
        tracing::info!("sign-up honeypot triggered");
        leptos_axum::redirect("/inscription/envoyee");
        return Ok(Outcome::ok());
    }

    let now = state.now();
    let key = email.key();
    let mut tx = state.db.begin().await?;
    let new = NewPatient {
        email: email.as_str(),
        email_key: &key,
        password_hash: &hash,
        last_name: &last_name,
        first_name: &first_name,
        birth_date: &birth_date.iso(),
        lang: lang.code(),
    };
    match store::insert_patient(&mut tx, &new, now).await {
        Ok(user_id) => {
            let token = store::issue_token(&mut tx, user_id, TokenPurpose::VerifyEmail, now).await?;
            let link = verification_link(state, &token, &input.next);
            outbox::enqueue(&mut tx, &emails::verification(lang, email.as_str(), &first_name, &link), now).await?;
            audit::record(&mut tx, now, AuditEntry::new(Some(user_id), "account.signed_up", "user", Some(user_id)))
                .await?;
            tx.commit().await?;
        }
        Err(e) if is_unique_violation(&e) => {
            drop(tx);
            // The address has an account: tell its owner, not the visitor.
            let existing = store::find_by_email_key(&state.db, &key).await?;
            let mut tx = state.db.begin().await?;
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
            outbox::enqueue(&mut tx, &mail, now).await?;
            tx.commit().await?;
        }
        Err(e) => return Err(crate::error::FlowError::from(e)),
    }
    state.wake_mailer();
    leptos_axum::redirect("/inscription/envoyee");
    Ok(Outcome::ok())
}

/// The verification link of a token, carrying where the person was going, if anywhere on
/// this site.
fn verification_link(state: &AppState, token: &str, next: &str) -> String {
    match crate::platform::redirect::local_target(&state.settings.public_url, next) {
        Some(next) => {
            state.settings.url(&format!("/verifier-email?jeton={token}&suite={}", crate::pages::url_encode(&next)))
        }
        None => state.settings.url(&format!("/verifier-email?jeton={token}")),
    }
}

/// Sends a new verification link, if the address has an unverified account. Same answer
/// in every case.
#[tracing::instrument(skip_all)]
pub async fn resend_verification(state: &AppState, ctx: &RequestContext, email: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let email = match Email::parse(email) {
        Ok(e) => e,
        Err(e) => return Ok(Outcome::invalid(vec![("email".into(), e.message(lang).into())], lang)),
    };
    limits::check(state, LimitedAction::LinkMailFromClient { client: &ctx.client_key }).await?;
    limits::check(state, LimitedAction::LinkMailToAddress { email_key: &email.key() }).await?;
    let now = state.now();
    let user = store::find_by_email_key(&state.db, &email.key()).await?;
    if let Some(user) = user.filter(|u| u.status == AccountStatus::Unverified) {
        let mut tx = state.db.begin().await?;
        let token = store::issue_token(&mut tx, user.id, TokenPurpose::VerifyEmail, now).await?;
        let link = state.settings.url(&format!("/verifier-email?jeton={token}"));
        let mail = emails::verification(Lang::from_code(&user.lang), &user.email, &user.first_name, &link);
        outbox::enqueue(&mut tx, &mail, now).await?;
        tx.commit().await?;
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
#[tracing::instrument(skip_all)]
pub async fn verify_email(state: &AppState, ctx: &RequestContext, token: &str, next: &str) -> FlowResult<Outcome> {
    let now = state.now();
    let mut tx = state.db.begin().await?;
    match store::consume_token(&mut tx, token.trim(), TokenPurpose::VerifyEmail, now).await? {
        TokenState::Valid(user_id) => {
            store::mark_verified(&mut tx, user_id, now).await?;
            audit::record(
                &mut tx,
                now,
                AuditEntry::new(Some(user_id), "account.email_verified", "user", Some(user_id)),
            )
            .await?;
            tx.commit().await?;
            match crate::platform::redirect::local_target(&state.settings.public_url, next) {
                Some(next) => {
                    leptos_axum::redirect(&format!("/connexion?verifie=1&suite={}", crate::pages::url_encode(&next)))
                }
                None => leptos_axum::redirect("/connexion?verifie=1"),
            }
            Ok(Outcome::ok())
        }
        other => Ok(link_problem(other, TokenPurpose::VerifyEmail, ctx.lang)),
    }
}

/// What happened at sign-in, before opening a session.
#[derive(Debug)]
pub enum SignInResult {
    /// Password right and account usable.
    Success(SignedIn),
    /// Answered without opening a session.
    Refused(Outcome),
}

/// An account whose password was just checked.
#[derive(Debug, Clone, Copy)]
pub struct SignedIn {
    /// The account.
    pub user_id: i64,
    /// Its kind.
    pub kind: UserKind,
    /// Too many failures on this account lately (all clients together): the password alone
    /// is not enough, a code e-mailed to the owner is asked too.
    pub needs_email_code: bool,
}

fn waiting(lang: Lang, secs: u64) -> Outcome {
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
    Outcome::notice(NoticeKind::Warn, message)
        .with_follow_up("/mot-de-passe-oublie", lang.t("Mot de passe oublié ?", "Forgot your password?"))
}

/// Checks an e-mail and password. Every attempt is counted before the password is
/// checked: per client (any account), per account and client (progressive delays, then
/// that client alone is locked out of that account), and per account (after 100 failures
/// in a row the password alone no longer signs in). A stranger can thus slow down or lock
/// only their own attempts, never the owner's.
#[tracing::instrument(skip_all)]
pub async fn check_credentials(
    state: &AppState,
    ctx: &RequestContext,
    email: &str,
    password: String,
) -> FlowResult<SignInResult> {
    let lang = ctx.lang;
    let mut errors = FieldErrors::default();
    if email.trim().is_empty() {
        errors.add("email", lang.t("Indiquez votre adresse e-mail.", "Enter your e-mail address."));
    }
    if password.is_empty() {
        errors.add("password", lang.t("Indiquez votre mot de passe.", "Enter your password."));
    }
    if email.chars().count() > 254 || password.chars().count() > 1024 {
        errors
            .add("email", lang.t("Adresse e-mail ou mot de passe trop long.", "E-mail address or password too long."));
    }
    if !errors.is_empty() {
        return Ok(SignInResult::Refused(Outcome::invalid(errors.0, lang)));
    }
    let email_key = email.trim().to_lowercase();
    let now = state.now();

    // The three counters take their turn at once (one statement), then the rules decide in
    // their order; what a refusal did not use is taken back.
    let from_client = LimitedAction::SignInFromClient { client: &ctx.client_key };
    let this_client = LimitedAction::SignIn { email_key: &email_key, client: &ctx.client_key };
    let account = LimitedAction::SignInAccount { email_key: &email_key };
    let [client_count, turn, account_count] = limits::take_turns(state, [from_client, this_client, account]).await?;
    // While this client must wait for this account, its turn was not counted.
    let waiting_now = turn.blocked_until > now;
    if client_count.over(from_client.limit()) {
        let undo: &[LimitedAction] = if waiting_now { &[account] } else { &[this_client, account] };
        limits::settle(state, undo, &[]).await?;
        return Err(AppError::RateLimited(client_count.retry_after_secs(from_client.limit(), now)).into());
    }
    if waiting_now {
        limits::settle(state, &[from_client, account], &[]).await?;
        return Ok(SignInResult::Refused(waiting(lang, ((turn.blocked_until - now) as u64).div_ceil(1000))));
    }
    if turn.count > SIGN_IN_LOCK_AFTER {
        limits::settle(state, &[account], &[]).await?;
        return Ok(SignInResult::Refused(locked(lang)));
    }

    let user = store::find_by_email_key(&state.db, &email_key).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = match state.hasher.verify(password, stored).await {
        Ok(ok) => ok,
        Err(e) => {
            // No verdict (overloaded): the attempt gave the person nothing, so it does not
            // use up their allowance — the refusal says to come back in a moment.
            limits::settle(state, &[this_client, from_client, account], &[]).await?;
            return Err(e.into());
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        let wait = delay_after(turn.count);
        if wait > 0 {
            rate_limit::block_until(&state.db, &this_client.key(state), now + wait * 1000).await?;
        }
        if turn.count >= SIGN_IN_LOCK_AFTER {
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
    // This client's failures are forgotten, and the account's too unless they reached the
    // hard stop (then an e-mailed code is asked for, which forgets them).
    let needs_email_code = account_count.count > limits::SIGN_IN_ACCOUNT_HARD_STOP;
    let forget: &[LimitedAction] = if needs_email_code { &[this_client] } else { &[this_client, account] };
    limits::settle(state, &[from_client], forget).await?;
    match user.status {
        AccountStatus::Active | AccountStatus::InvitationAccepted => {
            Ok(SignInResult::Success(SignedIn { user_id: user.id, kind: user.kind, needs_email_code }))
        }
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
            "Par sécurité, la connexion à ce compte est bloquée depuis cet appareil après trop d'essais infructueux. Choisissez un nouveau mot de passe pour la débloquer.",
            "For safety, signing in to this account is blocked from this device after too many failed attempts. Choose a new password to unblock it.",
        ),
    )
    .with_follow_up("/mot-de-passe-oublie", lang.t("Choisir un nouveau mot de passe", "Choose a new password"))
}

/// Which second factor a sign-in needs, from the account's kind and enrolment: support and
/// administrators their authenticator app (only), professionals theirs or a code e-mailed
/// now, patients theirs if they enrolled one (or an e-mailed code after too many failures).
fn second_factor_for(
    kind: UserKind,
    totp: bool,
    needs_email_code: bool,
) -> Option<crate::second_factor::flows::Method> {
    use crate::second_factor::flows::Method;
    match (kind, totp) {
        (_, true) => Some(Method::App),
        (UserKind::Support, false) => None, // enrols at once: the back-office refuses without it
        // A shared account never signs in (it has no password); asking a code is the safe side.
        (UserKind::Professional | UserKind::Shared | UserKind::FrontDesk, false) => Some(Method::Email),
        (UserKind::Patient, false) => needs_email_code.then_some(Method::Email),
    }
}

/// Opens a session after a successful password check: a full one, or one that only
/// allows giving the second factor (an e-mailed code is sent at once when that is the
/// factor). "Rester connecté" is kept for patients only.
#[tracing::instrument(skip_all)]
pub async fn open_session(
    state: &AppState,
    ctx: &RequestContext,
    signed_in: SignedIn,
    remember: bool,
) -> FlowResult<session::Stage> {
    let now = state.now();
    let totp = store::second_factor(&state.db, signed_in.user_id).await?.totp_enabled_at;
    let new = session::NewSession {
        remember: remember && signed_in.kind == UserKind::Patient,
        device: ctx.device.clone(),
        authenticated_at: now,
    };
    match second_factor_for(signed_in.kind, totp.is_some(), signed_in.needs_email_code) {
        None => {
            open_session_at(state, signed_in.user_id, session::Stage::Full, &new, now).await?;
            Ok(session::Stage::Full)
        }
        Some(method) => {
            open_session_at(state, signed_in.user_id, session::Stage::SecondFactor, &new, now).await?;
            if method == crate::second_factor::flows::Method::Email {
                crate::second_factor::flows::send_email_code(state, signed_in.user_id).await?;
            }
            Ok(session::Stage::SecondFactor)
        }
    }
}

/// Opens a session at a given stage and sets its cookie.
#[tracing::instrument(skip_all)]
pub async fn open_session_at(
    state: &AppState,
    user_id: i64,
    stage: session::Stage,
    new: &session::NewSession,
    now: i64,
) -> FlowResult<()> {
    let mut tx = state.db.begin().await?;
    let token = session::create(&mut tx, user_id, now, stage, new).await?;
    if stage == session::Stage::Full {
        store::touch(&mut tx, user_id, now).await?;
    }
    let action = if stage == session::Stage::Full { "account.signed_in" } else { "account.password_checked" };
    audit::record(&mut tx, now, AuditEntry::new(Some(user_id), action, "user", Some(user_id))).await?;
    tx.commit().await?;
    set_cookie(&session::cookie_header(
        &token,
        state.settings.secure_cookies,
        new.remember && stage == session::Stage::Full,
    ))
}

/// Adds a `Set-Cookie` header to the server function's response.
pub fn set_cookie(value: &str) -> FlowResult<()> {
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
        UserKind::Shared => "/comptes-partages",
        UserKind::FrontDesk => "/support/dossiers",
    }
}

/// Ends the current session.
#[tracing::instrument(skip_all)]
pub async fn sign_out(state: &AppState, ctx: &RequestContext) -> FlowResult<()> {
    if let Some(hash) = &ctx.session_hash {
        session::revoke(&state.db, hash).await?;
    }
    set_cookie(&session::clear_cookie_header(state.settings.secure_cookies))?;
    leptos_axum::redirect("/?deconnecte=1");
    Ok(())
}

/// Checks the signed-in person's own password before a sensitive step (changing it,
/// turning the second factor off, opening a health document after a pause). The attempt
/// is counted first (5 per 15 minutes per account); a right password clears the count.
pub async fn check_own_password(state: &AppState, user_id: i64, password: String) -> FlowResult<bool> {
    limits::check(state, LimitedAction::PasswordCheck { user_id }).await?;
    let stored = store::find_by_id(&state.db, user_id).await?.and_then(|u| u.password_hash);
    if !state.hasher.verify(password, stored).await? {
        return Ok(false);
    }
    limits::forget(state, LimitedAction::PasswordCheck { user_id }).await?;
    Ok(true)
}

/// The refusal of a wrong current password, on the field `field`.
pub fn wrong_password(field: &str, lang: Lang) -> Outcome {
    Outcome::invalid(
        vec![(field.into(), lang.t("Ce mot de passe n'est pas le bon.", "This is not the right password.").into())],
        lang,
    )
}

/// `/mon-compte/confirmer`: the password again, after a remembered session sat idle, before
/// a health document opens; then back to where the person was going.
#[tracing::instrument(skip_all)]
pub async fn confirm_password(
    state: &AppState,
    ctx: &RequestContext,
    password: String,
    next: &str,
) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let user = ctx.require_user()?;
    if password.is_empty() {
        return Ok(Outcome::invalid(
            vec![("password".into(), lang.t("Indiquez votre mot de passe.", "Enter your password.").into())],
            lang,
        ));
    }
    if !check_own_password(state, user.id, password).await? {
        return Ok(wrong_password("password", lang));
    }
    if let Some(hash) = &ctx.session_hash {
        session::reauthenticated(&state.db, hash, state.now()).await?;
    }
    leptos_axum::redirect(&crate::platform::redirect::local_or(&state.settings.public_url, next, home_of(user.kind)));
    Ok(Outcome::ok())
}

/// Sends a reset link (or, for an address without account, a note saying so). Same answer
/// in every case; redirects to the "check your e-mails" page.
#[tracing::instrument(skip_all)]
pub async fn request_reset(state: &AppState, ctx: &RequestContext, email: &str) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let email = match Email::parse(email) {
        Ok(e) => e,
        Err(e) => return Ok(Outcome::invalid(vec![("email".into(), e.message(lang).into())], lang)),
    };
    limits::check(state, LimitedAction::LinkMailFromClient { client: &ctx.client_key }).await?;
    limits::check(state, LimitedAction::LinkMailToAddress { email_key: &email.key() }).await?;
    let now = state.now();
    let user = store::find_by_email_key(&state.db, &email.key()).await?;
    let mut tx = state.db.begin().await?;
    match user.filter(|u| u.status != AccountStatus::Deactivated) {
        // A shared account has no password: its reader is told how members reach it.
        Some(user) if user.kind == UserKind::Shared => {
            let mail = crate::shared_accounts::emails::no_password(
                user.language(),
                &user.email,
                &state.settings.url("/connexion"),
            );
            outbox::enqueue(&mut tx, &mail, now).await?;
        }
        Some(user) => {
            let token = store::issue_token(&mut tx, user.id, TokenPurpose::ResetPassword, now).await?;
            let link = state.settings.url(&format!("/nouveau-mot-de-passe?jeton={token}"));
            let mail = emails::reset(Lang::from_code(&user.lang), &user.email, &user.first_name, &link);
            outbox::enqueue(&mut tx, &mail, now).await?;
            audit::record(&mut tx, now, AuditEntry::new(None, "account.reset_requested", "user", Some(user.id)))
                .await?;
        }
        None => {
            let mail = emails::reset_no_account(lang, email.as_str(), &state.settings.url("/inscription"));
            outbox::enqueue(&mut tx, &mail, now).await?;
        }
    }
    tx.commit().await?;
    state.wake_mailer();
    leptos_axum::redirect("/mot-de-passe-oublie/envoye");
    Ok(Outcome::ok())
}

/// Sets a new password from a reset link: single use, signs out every other session,
/// lifts the sign-in lock, and signs this browser in.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: &AppState,
    ctx: &RequestContext,
    token: &str,
    new_password: String,
) -> FlowResult<Outcome> {
    let lang = ctx.lang;
    let now = state.now();
    let token = token.trim();
    let user_id = match store::peek_token(&state.db, token, TokenPurpose::ResetPassword, now).await? {
        TokenState::Valid(id) => id,
        other => return Ok(link_problem(other, TokenPurpose::ResetPassword, lang)),
    };
    let Some(user) = store::find_by_id(&state.db, user_id).await? else {
        return Ok(link_problem(TokenState::Unknown, TokenPurpose::ResetPassword, lang));
    };
    let hash = match new_password_hash(state, &user, new_password, lang).await? {
        Ok(hash) => hash,
        Err(refused) => return Ok(refused),
    };
    let mut tx = state.db.begin().await?;
    match store::consume_token(&mut tx, token, TokenPurpose::ResetPassword, now).await? {
        TokenState::Valid(id) if id == user.id => {}
        other => return Ok(link_problem(other, TokenPurpose::ResetPassword, lang)),
    }
    // The link proves the mailbox is theirs: an unconfirmed sign-up becomes active.
    let reset = store::Activation {
        from: &[
            AccountStatus::Unverified,
            AccountStatus::InvitationSent,
            AccountStatus::InvitationExpired,
            AccountStatus::InvitationAccepted,
            AccountStatus::Active,
        ],
        to: None,
        terms: false,
    };
    if !store::set_password_and_activate(&mut tx, user.id, &hash, reset, now).await? {
        return Ok(link_problem(TokenState::Unknown, TokenPurpose::ResetPassword, lang));
    }
    let revoked = session::revoke_all(&mut tx, user.id, None).await?;
    let mail = emails::password_changed(
        Lang::from_code(&user.lang),
        &user.email,
        &user.first_name,
        &state.settings.url("/mot-de-passe-oublie"),
    );
    outbox::enqueue(&mut tx, &mail, now).await?;
    audit::record(
        &mut tx,
        now,
        AuditEntry::new(Some(user.id), "account.password_reset", "user", Some(user.id))
            .with(serde_json::json!({ "sessions_revoked": revoked })),
    )
    .await?;
    tx.commit().await?;
    lift_sign_in_limits(state, user.id, &user.email).await?;
    state.wake_mailer();
    let refreshed = store::find_by_id(&state.db, user.id).await?;
    match refreshed {
        Some(u) if matches!(u.status, AccountStatus::Active) => {
            let signed_in = SignedIn { user_id: u.id, kind: u.kind, needs_email_code: false };
            match open_session(state, ctx, signed_in, false).await? {
                session::Stage::Full => leptos_axum::redirect(&format!("{}?mot-de-passe=1", home_of(u.kind))),
                session::Stage::SecondFactor => leptos_axum::redirect("/connexion/code"),
            }
        }
        _ => leptos_axum::redirect("/connexion?mot-de-passe=1"),
    }
    Ok(Outcome::ok())
}

/// Checks a new password against the rules and the account's own words (address, names),
/// then hashes it; `Err(outcome)` carries the password field's error. The same check for
/// every way a password is chosen (reset, invitation, first sign-in, change).
#[tracing::instrument(skip_all)]
pub async fn new_password_hash(
    state: &AppState,
    user: &store::UserRow,
    new_password: String,
    lang: Lang,
) -> FlowResult<Result<String, Outcome>> {
    let personal = [user.email.as_str(), user.first_name.as_str(), user.last_name.as_str()];
    if let Some(problem) = password::check(&new_password, &personal).first() {
        return Ok(Err(Outcome::invalid(vec![("password".into(), problem.message(lang).into())], lang)));
    }
    Ok(Ok(state.hasher.hash(new_password).await?))
}

/// Lifts what a password reset lifts: every client's sign-in lock on the account, the
/// account-wide failure count and a blocked second factor.
#[tracing::instrument(skip_all)]
pub async fn lift_sign_in_limits(state: &AppState, user_id: i64, email: &str) -> FlowResult<()> {
    let email_key = email.to_lowercase();
    rate_limit::clear_prefix(&state.db, &LimitedAction::sign_in_prefix(state, &email_key)).await?;
    limits::forget(state, LimitedAction::SignInAccount { email_key: &email_key }).await?;
    limits::forget(state, LimitedAction::SecondFactorHardStop { user_id }).await?;
    Ok(())
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
}
