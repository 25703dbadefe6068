//! `/mon-compte/securite` and `/connexion/code`.

use super::api::{EnableTotp, StartTotp, VerifySecondFactor};
use crate::error::AppError;
use crate::form::{Outcome, submitted};
use crate::pages::errors::ErrorPage;
use crate::pages::query_param;
use crate::platform::{app_state, request_context, totp};
use crate::ui::plain::{Input, OutcomeNotice, PlainForm, outcome_of};
use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

/// `/mon-compte/securite`
#[component]
pub fn SecurityPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let Some(user) = ctx.user.clone() else {
        return view! { <ErrorPage lang=lang error=AppError::SignInRequired/> }.into_any();
    };
    let enable_sub = submitted::<Outcome>(<EnableTotp as ServerFn>::PATH);
    let outcome = outcome_of(&enable_sub, lang);
    let codes = outcome.as_ref().map(|o| o.items.clone()).unwrap_or_default();
    let code_error = outcome.as_ref().and_then(|o| o.error_for("code")).unwrap_or_default();
    let required = matches!(user.kind, crate::domain::account::UserKind::Support);
    Suspend::new(async move {
        let Ok(state) = app_state() else { return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any() };
        let (enabled, pending) = match super::flows::enrolment(&state, user.id).await {
            Ok(v) => v,
            Err(e) => return view! { <ErrorPage lang=lang error=e/> }.into_any(),
        };
        let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1").bind(user.id).fetch_one(state.db.pool()).await.unwrap_or_default();
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
            }.into_any(),
            (None, Some(secret)) => {
                let svg = totp::qr_svg(&totp::otpauth_uri(&secret, &email));
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
                <p>{lang.t(
                    "Protégez votre compte avec un second facteur : après votre mot de passe, Sésame vous demandera un code à 6 chiffres affiché par une application sur votre téléphone.",
                    "Protect your account with a second factor: after your password, Sésame will ask for a 6-digit code shown by an app on your phone.",
                )}</p>
                <PlainForm fn_path={<StartTotp as ServerFn>::PATH} page="/mon-compte/securite">
                    <button type="submit">{lang.t("Configurer l'authentification à deux facteurs", "Set up two-factor authentication")}</button>
                </PlainForm>
            }.into_any(),
        };
        view! {
            <Title text=lang.t("Sécurité du compte", "Account security")/>
            <section class="panel narrow">
                <h1>{lang.t("Sécurité du compte", "Account security")}</h1>
                {(required && enabled.is_none()).then(|| view! {
                    <p class="notice notice-warn">{lang.t(
                        "L'authentification à deux facteurs est obligatoire pour le support et les administrateurs : configurez-la pour accéder au back-office.",
                        "Two-factor authentication is mandatory for support and administrators: set it up to reach the back-office.",
                    )}</p>
                })}
                <OutcomeNotice outcome=outcome.clone().map(|mut o| { o.items.clear(); o })/>
                {body}
            </section>
        }
        .into_any()
    })
    .into_any()
}

/// `/connexion/code`: the second factor after the password.
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    if ctx.second_factor_pending.is_none() {
        return view! { <ErrorPage lang=lang error=AppError::SignInRequired/> }.into_any();
    }
    let sub = submitted::<Outcome>(<VerifySecondFactor as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let error = outcome.as_ref().and_then(|o| o.error_for("code")).unwrap_or_default();
    let next = query_param("suite").unwrap_or_else(|| sub.value("next"));
    let page = if next.is_empty() {
        "/connexion/code".to_string()
    } else {
        format!("/connexion/code?suite={}", crate::pages::url_encode(&next))
    };
    view! {
        <Title text=lang.t("Code de vérification", "Verification code")/>
        <section class="panel narrow">
            <h1>{lang.t("Code de vérification", "Verification code")}</h1>
            <p>{lang.t("Saisissez le code à 6 chiffres affiché par votre application d'authentification.", "Type the 6-digit code shown by your authenticator app.")}</p>
            <OutcomeNotice outcome=outcome/>
            <PlainForm fn_path={<VerifySecondFactor as ServerFn>::PATH} page=page>
                <input type="hidden" name="next" value=next/>
                <Input id="code" name="code" label=lang.t("Code de vérification", "Verification code") autocomplete="one-time-code"
                    hint=lang.t("Sans votre téléphone ? Saisissez l'un de vos codes de secours.", "Without your phone? Type one of your recovery codes.") error=error/>
                <button type="submit">{lang.t("Valider", "Verify")}</button>
            </PlainForm>
        </section>
    }
    .into_any()
}
