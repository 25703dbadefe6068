//! `/mon-compte/securite` and `/connexion/code`.

use super::api::{ChangePassword, DisableTotp, EnableTotp, EndSession, SendSignInCode, StartTotp, VerifySecondFactor};
use crate::error::AppError;
use crate::form::PlainForm;
use crate::form::{Outcome, submitted};
use crate::pages::errors::ErrorPage;
use crate::pages::query_param;
use crate::platform::{app_state, request_context, totp};
use crate::ui::notice::Notice;
use crate::ui::plain::{Input, outcome_of};
use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

/// `/mon-compte/securite`: the second factor, the open sessions, the password.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let Some(user) = ctx.user.clone() else {
        return view! { <ErrorPage lang=lang error=AppError::SignInRequired/> }.into_any();
    };
    let enable_sub = submitted::<Outcome>(<EnableTotp as ServerFn>::PATH);
    let disable_sub = submitted::<Outcome>(<DisableTotp as ServerFn>::PATH);
    let end_sub = submitted::<Outcome>(<EndSession as ServerFn>::PATH);
    let outcome = outcome_of(&enable_sub, lang);
    let other_outcome = outcome_of(&disable_sub, lang).or_else(|| outcome_of(&end_sub, lang));
    let codes = outcome.as_ref().map(|o| o.items.clone()).unwrap_or_default();
    let code_error = outcome.as_ref().and_then(|o| o.error_for("code")).unwrap_or_default();
    let password_error = other_outcome.as_ref().and_then(|o| o.error_for("current_password")).unwrap_or_default();
    let kind = user.kind;
    let support = kind == crate::domain::account::UserKind::Support;
    let current = ctx.session_handle.clone().unwrap_or_default();
    Suspend::new(async move {
        let Ok(state) = app_state() else { return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any() };
        let (enabled, pending) = match super::flows::enrolment(&state, user.id).await {
            Ok(v) => v,
            Err(e) => return view! { <ErrorPage lang=lang error=e.into()/> }.into_any(),
        };
        let email = match crate::accounts::store::find_by_id(&state.db, user.id).await {
            Ok(Some(u)) => u.email,
            Ok(None) => return view! { <ErrorPage lang=lang error=AppError::SignInRequired/> }.into_any(),
            Err(e) => return view! { <ErrorPage lang=lang error=crate::error::FlowError::from(e).into()/> }.into_any(),
        };
        let sessions = crate::platform::session::list_for_user(&state.db, user.id, state.now()).await.unwrap_or_default();
        let others = sessions.iter().filter(|s| s.handle != current).count();
        let body = match (enabled, pending) {
            (Some(at), _) => view! {
                <p class="notice notice-success">{lang.t("L'authentification à deux facteurs est activée depuis le ", "Two-factor authentication is on since ")}{crate::approval::pages::day(at, lang)}"."</p>
                {(!codes.is_empty()).then(|| view! {
                    <h2>{lang.t("Vos codes de secours", "Your recovery codes")}</h2>
                    <ul class="recovery-codes">{codes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                })}
                <p class="muted">{lang.t(
                    "Vous avez perdu votre téléphone ? Utilisez un code de secours pour vous connecter, puis contactez le support pour réinitialiser votre second facteur.",
                    "Lost your phone? Use a recovery code to sign in, then contact support to reset your second factor.",
                )}</p>
                {(!support).then(|| view! {
                    <details class="disclosure">
                        <summary>{lang.t("Désactiver l'authentification à deux facteurs", "Turn two-factor authentication off")}</summary>
                        <PlainForm fn_path={<DisableTotp as ServerFn>::PATH} page="/mon-compte/securite">
                            <Input id="current_password" name="current_password" label=lang.t("Mot de passe actuel", "Current password")
                                input_type="password" autocomplete="current-password" error=password_error.clone()/>
                            <button type="submit" class="button-secondary">{lang.t("Désactiver", "Turn off")}</button>
                        </PlainForm>
                    </details>
                })}
            }.into_any(),
            (None, Some(secret)) => {
                let svg = totp::otpauth_uri(&secret, &email).map(|uri| totp::qr_svg(&uri)).unwrap_or_default();
                view! {
                    <ol class="choices">
                        <li>{lang.t("Ouvrez votre application d'authentification (par exemple FreeOTP, Aegis, Google Authenticator…) et scannez ce QR code :", "Open your authenticator app (for example FreeOTP, Aegis, Google Authenticator…) and scan this QR code:")}</li>
                    </ol>
                    <div class="qr" inner_html=svg></div>
                    <p>{lang.t("Ou saisissez cette clé dans l'application : ", "Or type this key in the app: ")}<span class="secret" data-secret=secret.clone()>{totp::grouped(&secret)}</span></p>
                    <PlainForm fn_path={<EnableTotp as ServerFn>::PATH} page="/mon-compte/securite">
                        <Input id="code" name="code" label=lang.t("Code à 6 chiffres", "6-digit code") inputmode="numeric" autocomplete="one-time-code"
                            hint=lang.t("Le code affiché par l'application, pour vérifier qu'elle est bien configurée.", "The code the app shows, to check it is set up.") error=code_error/>
                        <button type="submit">{lang.t("Activer", "Turn on")}</button>
                    </PlainForm>
                }.into_any()
            }
            (None, None) => view! {
                <p>{match kind {
                    crate::domain::account::UserKind::Professional => lang.t(
                        "À chaque connexion, un code vous est envoyé par e-mail. Vous pouvez utiliser à la place une application d'authentification sur votre téléphone : elle affiche un code à 6 chiffres, sans attendre d'e-mail.",
                        "At each sign-in, a code is e-mailed to you. You can use an authenticator app on your phone instead: it shows a 6-digit code, with no e-mail to wait for.",
                    ),
                    _ => lang.t(
                        "Protégez votre compte avec un second facteur : après votre mot de passe, Sésame vous demandera un code à 6 chiffres affiché par une application sur votre téléphone.",
                        "Protect your account with a second factor: after your password, Sésame will ask for a 6-digit code shown by an app on your phone.",
                    ),
                }}</p>
                <PlainForm fn_path={<StartTotp as ServerFn>::PATH} page="/mon-compte/securite">
                    <button type="submit">{lang.t("Configurer l'authentification à deux facteurs", "Set up two-factor authentication")}</button>
                </PlainForm>
            }.into_any(),
        };
        view! {
            <Title text=lang.t("Sécurité du compte", "Account security")/>
            <section class="panel narrow">
                <h1>{lang.t("Sécurité du compte", "Account security")}</h1>
                {(support && enabled.is_none()).then(|| view! {
                    <p class="notice notice-warn">{lang.t(
                        "L'authentification à deux facteurs est obligatoire pour le support et les administrateurs : configurez-la pour accéder au back-office.",
                        "Two-factor authentication is mandatory for support and administrators: set it up to reach the back-office.",
                    )}</p>
                })}
                <Notice outcome=outcome.clone().map(|mut o| { o.items.clear(); o })/>
                <Notice outcome=other_outcome.clone()/>
                <h2>{lang.t("Authentification à deux facteurs", "Two-factor authentication")}</h2>
                {body}
                <h2>{lang.t("Mot de passe", "Password")}</h2>
                <p><a href="/mon-compte/mot-de-passe">{lang.t("Changer mon mot de passe", "Change my password")}</a></p>
                <h2>{lang.t("Sessions ouvertes", "Open sessions")}</h2>
                <ul class="sessions">
                    {sessions.into_iter().map(|s| {
                        let this = s.handle == current;
                        let device = if s.device.is_empty() { lang.t("Appareil inconnu", "Unknown device").to_string() } else { s.device.clone() };
                        view! {
                            <li class="card">
                                <p><strong>{device}</strong>{this.then(|| view! { " " <span class="tag tag-ok">{lang.t("cette session", "this session")}</span> })}</p>
                                <p class="meta">{lang.t("Ouverte le ", "Opened on ")}{crate::pages::date_time(s.created_at, lang)}
                                    " · "{lang.t("dernière activité le ", "last active on ")}{crate::pages::date_time(s.last_seen_at, lang)}
                                    {(s.remember != 0).then(|| view! { " · " {lang.t("appareil mémorisé", "device remembered")} })}</p>
                                {(!this).then(|| view! {
                                    <PlainForm fn_path={<EndSession as ServerFn>::PATH} page="/mon-compte/securite">
                                        <input type="hidden" name="handle" value=s.handle.clone()/>
                                        <button type="submit" class="button-secondary">{lang.t("Fermer cette session", "End this session")}</button>
                                    </PlainForm>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {(others > 0).then(|| view! {
                    <PlainForm fn_path={<EndSession as ServerFn>::PATH} page="/mon-compte/securite">
                        <input type="hidden" name="handle" value="all"/>
                        <button type="submit" class="button-secondary">{lang.t("Fermer toutes les autres sessions", "End every other session")}</button>
                    </PlainForm>
                })}
            </section>
        }
        .into_any()
    })
    .into_any()
}

/// `/connexion/code`: the second factor after the password — the authenticator app's code,
/// or a code e-mailed at sign-in (with **Renvoyer le code**).
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let Some(user_id) = ctx.second_factor_pending else {
        return view! { <ErrorPage lang=lang error=AppError::SignInRequired/> }.into_any();
    };
    let verify_sub = submitted::<Outcome>(<VerifySecondFactor as ServerFn>::PATH);
    let resend_sub = submitted::<Outcome>(<SendSignInCode as ServerFn>::PATH);
    let outcome = outcome_of(&verify_sub, lang).or_else(|| outcome_of(&resend_sub, lang));
    let error = outcome.as_ref().and_then(|o| o.error_for("code")).unwrap_or_default();
    let next = query_param("suite").unwrap_or_else(|| verify_sub.value("next"));
    let page = if next.is_empty() {
        "/connexion/code".to_string()
    } else {
        format!("/connexion/code?suite={}", crate::pages::url_encode(&next))
    };
    Suspend::new(async move {
        let Ok(state) = app_state() else { return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any() };
        let row = match crate::accounts::store::second_factor(&state.db, user_id).await {
            Ok(row) => row,
            Err(e) => return view! { <ErrorPage lang=lang error=crate::error::FlowError::from(e).into()/> }.into_any(),
        };
        let app = row.totp_enabled_at.is_some();
        let email_allowed = row.kind != crate::domain::account::UserKind::Support;
        let intro = if app {
            lang.t("Saisissez le code à 6 chiffres affiché par votre application d'authentification.", "Type the 6-digit code shown by your authenticator app.")
        } else {
            lang.t(
                "Nous venons de vous envoyer un code à 6 chiffres par e-mail (valable 10 minutes) : saisissez-le pour terminer votre connexion.",
                "We just e-mailed you a 6-digit code (valid 10 minutes): type it to finish signing in.",
            )
        };
        let hint = if app {
            lang.t("Sans votre téléphone ? Saisissez l'un de vos codes de secours.", "Without your phone? Type one of your recovery codes.")
        } else {
            lang.t("Pensez à regarder dans les courriers indésirables.", "Check your spam folder too.")
        };
        view! {
            <Title text=lang.t("Code de vérification", "Verification code")/>
            <section class="panel narrow">
                <h1>{lang.t("Code de vérification", "Verification code")}</h1>
                <p>{intro}</p>
                <Notice outcome=outcome/>
                <PlainForm fn_path={<VerifySecondFactor as ServerFn>::PATH} page=page.clone()>
                    <input type="hidden" name="next" value=next/>
                    <Input id="code" name="code" label=lang.t("Code de vérification", "Verification code") autocomplete="one-time-code"
                        inputmode="numeric" hint=hint error=error/>
                    <button type="submit">{lang.t("Valider", "Verify")}</button>
                </PlainForm>
                {email_allowed.then(|| view! {
                    <PlainForm fn_path={<SendSignInCode as ServerFn>::PATH} page=page.clone() class="secondary-action">
                        <button type="submit" class="button-secondary">{if app {
                            lang.t("Recevoir plutôt un code par e-mail", "Get a code by e-mail instead")
                        } else {
                            lang.t("Renvoyer le code", "Send the code again")
                        }}</button>
                    </PlainForm>
                })}
            </section>
        }
        .into_any()
    })
    .into_any()
}

/// `/mon-compte/mot-de-passe`: change one's password.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    if ctx.user.is_none() {
        return view! { <ErrorPage lang=lang error=AppError::SignInRequired/> }.into_any();
    }
    let sub = submitted::<Outcome>(<ChangePassword as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let current_error = outcome.as_ref().and_then(|o| o.error_for("current_password"));
    let new_error = outcome.as_ref().and_then(|o| o.error_for("password"));
    view! {
        <Title text=lang.t("Changer mon mot de passe", "Change my password")/>
        <section class="panel narrow">
            <h1>{lang.t("Changer mon mot de passe", "Change my password")}</h1>
            <p class="form-intro">{lang.t(
                "Vos autres sessions seront fermées et un e-mail vous confirmera le changement.",
                "Your other sessions will be signed out and an e-mail will confirm the change.",
            )}</p>
            <Notice outcome=outcome/>
            <PlainForm fn_path={<ChangePassword as ServerFn>::PATH} page="/mon-compte/mot-de-passe">
                <Input id="current_password" name="current_password" label=lang.t("Mot de passe actuel", "Current password")
                    input_type="password" autocomplete="current-password" error=current_error.unwrap_or_default()/>
                <crate::accounts::islands::PasswordInput lang=lang label="new".to_string() server_error=new_error/>
                <button type="submit">{lang.t("Changer le mot de passe", "Change the password")}</button>
            </PlainForm>
            <p><a href="/mon-compte/securite">{lang.t("Retour à la sécurité du compte", "Back to account security")}</a></p>
        </section>
    }
    .into_any()
}
