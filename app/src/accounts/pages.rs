//! Pages of the accounts journey.

use super::api::{ConfirmPassword, RequestPasswordReset, ResendVerification, SignIn, VerifyEmail};
use super::islands::{PasswordInput, SignUpForm};
use super::store::{self, TokenPurpose, TokenState};
use crate::form::PlainForm;
use crate::form::{NoticeKind, Outcome, submitted};
use crate::pages::query_param;
use crate::platform::{app_state, request_context};
use crate::ui::notice::Notice;
use crate::ui::plain::{Input, outcome_of};
use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

/// `/inscription`
#[component]
pub fn SignUpPage() -> impl IntoView {
    let lang = request_context().lang;
    let initial = submitted::<Outcome>(<super::api::SignUp as ServerFn>::PATH);
    let next = query_param("suite")
        .or_else(|| Some(initial.value("next")))
        .and_then(|n| {
            app_state().ok().and_then(|s| crate::platform::redirect::local_target(&s.settings.public_url, &n))
        })
        .unwrap_or_default();
    let sign_in = if next.is_empty() {
        "/connexion".to_string()
    } else {
        format!("/connexion?suite={}", crate::pages::url_encode(&next))
    };
    view! {
        <Title text=lang.t("Créer mon compte", "Create my account")/>
        <section class="panel narrow">
            <h1>{lang.t("Créer mon compte patient", "Create my patient account")}</h1>
            <p class="form-intro">{lang.t(
                "Ensuite, vous rattacherez vos dossiers avec le code d'activation imprimé sur vos comptes rendus (et, si besoin, ceux de vos enfants ou de personnes que vous accompagnez).",
                "You will then link your records with the activation code printed on your reports (and, if needed, those of your children or people you care for).",
            )}</p>
            <Notice outcome=outcome_of(&initial, lang)/>
            <SignUpForm lang=lang initial=initial.settled(lang) next=next/>
            <p class="muted">{lang.t("Déjà inscrit ? ", "Already registered? ")}<a href=sign_in>{lang.t("Se connecter", "Sign in")}</a></p>
            <p class="muted">{lang.t("Vous êtes professionnel de laboratoire ? ", "Lab professional? ")}<a href="/demande-acces">{lang.t("Faire une demande d'accès", "Request access")}</a></p>
        </section>
    }
}

/// The resend-a-verification-link form.
#[component]
fn ResendForm(page: &'static str) -> impl IntoView {
    let lang = request_context().lang;
    let sub = submitted::<Outcome>(<ResendVerification as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let error = outcome.as_ref().and_then(|o| o.error_for("email"));
    view! {
        <Notice outcome=outcome/>
        <PlainForm fn_path={<ResendVerification as ServerFn>::PATH} page=page>
            <Input id="resend-email" name="email" label=lang.t("Adresse e-mail", "E-mail address") input_type="email"
                autocomplete="email" value=sub.value("email") error=error.unwrap_or_default()/>
            <button type="submit" class="button-secondary">{lang.t("Renvoyer le lien", "Send the link again")}</button>
        </PlainForm>
    }
}

/// `/inscription/envoyee`: what to do next after signing up.
#[component]
pub fn SignUpSentPage() -> impl IntoView {
    let lang = request_context().lang;
    view! {
        <Title text=lang.t("Vérifiez vos e-mails", "Check your e-mails")/>
        <section class="panel narrow">
            <h1>{lang.t("Vérifiez vos e-mails", "Check your e-mails")}</h1>
            <p>{lang.t(
                "Nous vous avons envoyé un e-mail avec un lien pour confirmer votre adresse. Ouvrez-le, puis connectez-vous. Le lien est valable 24 heures.",
                "We sent you an e-mail with a link to confirm your address. Open it, then sign in. The link is valid for 24 hours.",
            )}</p>
            <p class="muted">{lang.t(
                "Rien reçu après quelques minutes ? Regardez dans les courriers indésirables, vérifiez l'adresse saisie, ou demandez un nouveau lien :",
                "Nothing after a few minutes? Look in your spam folder, check the address you typed, or ask for a new link:",
            )}</p>
            <ResendForm page="/inscription/envoyee"/>
        </section>
    }
}

async fn peek(token: &str, purpose: TokenPurpose) -> TokenState {
    let Ok(app) = app_state() else { return TokenState::Unknown };
    match store::peek_token(&app.db, token, purpose, app.now()).await {
        Ok(state) => state,
        Err(e) => {
            tracing::error!(error = %e, "cannot read a link token");
            TokenState::Unknown
        }
    }
}

/// `/verifier-email?jeton=…`: confirms the address with a button (a POST).
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let lang = request_context().lang;
    let sub = submitted::<Outcome>(<VerifyEmail as ServerFn>::PATH);
    let token = query_param("jeton").unwrap_or_else(|| sub.value("token"));
    let next = query_param("suite").unwrap_or_else(|| sub.value("next"));
    let outcome = outcome_of(&sub, lang);
    view! {
        <Title text=lang.t("Confirmer mon adresse", "Confirm my address")/>
        <section class="panel narrow">
            <h1>{lang.t("Confirmer mon adresse e-mail", "Confirm my e-mail address")}</h1>
            <Notice outcome=outcome/>
            {Suspend::new(async move {
                    match peek(&token, TokenPurpose::VerifyEmail).await {
                        TokenState::Valid(_) => view! {
                            <p>{lang.t("Un clic, et votre compte est prêt.", "One click, and your account is ready.")}</p>
                            <PlainForm fn_path={<VerifyEmail as ServerFn>::PATH} page=format!("/verifier-email?jeton={token}")>
                                <input type="hidden" name="token" value=token.clone()/>
                                <input type="hidden" name="next" value=next.clone()/>
                                <button type="submit">{lang.t("Confirmer mon adresse e-mail", "Confirm my e-mail address")}</button>
                            </PlainForm>
                        }.into_any(),
                        other => view! {
                            <Notice outcome=Some(super::flows::link_problem(other, TokenPurpose::VerifyEmail, lang))/>
                            <ResendForm page="/verifier-email"/>
                        }.into_any(),
                    }
            })}
        </section>
    }
}

/// `/connexion`
#[component]
pub fn SignInPage() -> impl IntoView {
    let lang = request_context().lang;
    let sub = submitted::<Outcome>(<SignIn as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let next = query_param("suite").unwrap_or_else(|| sub.value("next"));
    let info = if query_param("verifie").is_some() {
        Some(lang.t(
            "Votre adresse e-mail est confirmée : connectez-vous pour continuer.",
            "Your e-mail address is confirmed: sign in to continue.",
        ))
    } else if query_param("mot-de-passe").is_some() {
        Some(lang.t(
            "Votre mot de passe a été modifié : connectez-vous avec le nouveau.",
            "Your password was changed: sign in with the new one.",
        ))
    } else {
        None
    };
    let email_error = outcome.as_ref().and_then(|o| o.error_for("email"));
    let password_error = outcome.as_ref().and_then(|o| o.error_for("password"));
    let page = if next.is_empty() {
        "/connexion".to_string()
    } else {
        format!("/connexion?suite={}", crate::pages::url_encode(&next))
    };
    view! {
        <Title text=lang.t("Se connecter", "Sign in")/>
        <section class="panel narrow">
            <h1>{lang.t("Se connecter", "Sign in")}</h1>
            {info.map(|m| view! { <Notice outcome=Some(Outcome::notice(NoticeKind::Success, m))/> })}
            <Notice outcome=outcome/>
            <PlainForm fn_path={<SignIn as ServerFn>::PATH} page=page>
                <crate::ui::fields::RequiredNote lang=lang/>
                <input type="hidden" name="next" value=next/>
                <Input id="email" name="email" label=lang.t("Adresse e-mail", "E-mail address") input_type="email"
                    autocomplete="username" inputmode="email" value=sub.value("email") error=email_error.unwrap_or_default()/>
                <Input id="password" name="password" label=lang.t("Mot de passe", "Password") input_type="password"
                    autocomplete="current-password" error=password_error.unwrap_or_default()/>
                <div class="field">
                    <div class="check">
                        <input id="remember" name="remember" type="checkbox" value="on" aria-describedby="remember-hint"
                            checked=sub.checked_or("remember", false)/>
                        <label for="remember">{lang.t("Rester connecté sur cet appareil", "Stay signed in on this device")}</label>
                    </div>
                    <p class="hint" id="remember-hint">{lang.t(
                        "Comptes patients, sur un appareil personnel : 30 jours. L'ouverture d'un compte rendu redemandera le mot de passe après 30 minutes d'inactivité.",
                        "Patient accounts, on a personal device: 30 days. Opening a report asks for the password again after 30 minutes idle.",
                    )}</p>
                </div>
                <p><a href="/mot-de-passe-oublie">{lang.t("Mot de passe oublié ?", "Forgot your password?")}</a></p>
                <button type="submit">{lang.t("Se connecter", "Sign in")}</button>
            </PlainForm>
            <p class="muted">{lang.t("Pas encore de compte ? ", "No account yet? ")}<a href="/inscription">{lang.t("Créer mon compte", "Create my account")}</a></p>
            <p class="muted">{lang.t("Professionnel avec un code d'accès provisoire ? ", "Professional with a provisional access code? ")}<a href="/premiere-connexion">{lang.t("Première connexion", "First sign-in")}</a></p>
        </section>
    }
}

/// `/deconnexion`: a confirmation button (signing out is a POST).
#[component]
pub fn SignOutPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    view! {
        <Title text=lang.t("Se déconnecter", "Sign out")/>
        <section class="panel narrow">
            <h1>{lang.t("Se déconnecter", "Sign out")}</h1>
            {if ctx.user.is_some() {
                view! {
                    <PlainForm fn_path={<super::api::SignOut as ServerFn>::PATH} page="/deconnexion">
                        <button type="submit">{lang.t("Se déconnecter", "Sign out")}</button>
                    </PlainForm>
                }.into_any()
            } else {
                view! {
                    <p>{lang.t("Vous n'êtes pas connecté.", "You are not signed in.")}</p>
                    <p><a class="button" href="/connexion">{lang.t("Se connecter", "Sign in")}</a></p>
                }.into_any()
            }}
        </section>
    }
}

/// `/mot-de-passe-oublie`
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let lang = request_context().lang;
    let sub = submitted::<Outcome>(<RequestPasswordReset as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let error = outcome.as_ref().and_then(|o| o.error_for("email"));
    view! {
        <Title text=lang.t("Mot de passe oublié", "Forgotten password")/>
        <section class="panel narrow">
            <h1>{lang.t("Mot de passe oublié", "Forgotten password")}</h1>
            <p class="form-intro">{lang.t(
                "Indiquez l'adresse e-mail de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe. Aucune question secrète.",
                "Enter your account's e-mail address: you will receive a link to choose a new password. No security questions.",
            )}</p>
            <Notice outcome=outcome/>
            <PlainForm fn_path={<RequestPasswordReset as ServerFn>::PATH} page="/mot-de-passe-oublie">
                <crate::ui::fields::RequiredNote lang=lang/>
                <Input id="email" name="email" label=lang.t("Adresse e-mail", "E-mail address") input_type="email"
                    autocomplete="email" inputmode="email" value=sub.value("email") error=error.unwrap_or_default()/>
                <button type="submit">{lang.t("Recevoir le lien", "Send me the link")}</button>
            </PlainForm>
        </section>
    }
}

/// `/mot-de-passe-oublie/envoye`
#[component]
pub fn ForgotSentPage() -> impl IntoView {
    let lang = request_context().lang;
    view! {
        <Title text=lang.t("Vérifiez vos e-mails", "Check your e-mails")/>
        <section class="panel narrow">
            <h1>{lang.t("Vérifiez vos e-mails", "Check your e-mails")}</h1>
            <p>{lang.t(
                "Si un compte utilise cette adresse, vous allez recevoir un lien pour choisir un nouveau mot de passe (valable une heure). Sinon, un e-mail vous le signalera.",
                "If an account uses this address, you will receive a link to choose a new password (valid for one hour). Otherwise, an e-mail will tell you so.",
            )}</p>
            <p class="muted">{lang.t("Pensez à regarder dans les courriers indésirables.", "Check your spam folder too.")}</p>
            <p><a href="/connexion">{lang.t("Retour à la connexion", "Back to sign-in")}</a></p>
        </section>
    }
}

/// `/nouveau-mot-de-passe?jeton=…`
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let lang = request_context().lang;
    let sub = submitted::<Outcome>(<super::api::ResetPassword as ServerFn>::PATH);
    let token = query_param("jeton").unwrap_or_else(|| sub.value("token"));
    view! {
        <Title text=lang.t("Nouveau mot de passe", "New password")/>
        <section class="panel narrow">
            <h1>{lang.t("Choisir un nouveau mot de passe", "Choose a new password")}</h1>
            {Suspend::new(async move {
                match peek(&token, TokenPurpose::ResetPassword).await {
                    TokenState::Valid(_) => {
                        let outcome = outcome_of(&sub, lang);
                        let error = outcome.as_ref().and_then(|o| o.error_for("password"));
                        view! {
                            <Notice outcome=outcome/>
                            <PlainForm fn_path={<super::api::ResetPassword as ServerFn>::PATH} page=format!("/nouveau-mot-de-passe?jeton={token}")>
                                <input type="hidden" name="token" value=token.clone()/>
                                <PasswordInput lang=lang label="new".to_string() server_error=error/>
                                <button type="submit">{lang.t("Enregistrer le mot de passe", "Save the password")}</button>
                            </PlainForm>
                        }.into_any()
                    }
                    other => view! {
                        <Notice outcome=Some(super::flows::link_problem(other, TokenPurpose::ResetPassword, lang))/>
                    }.into_any(),
                }
            })}
        </section>
    }
}

/// The password again before a health document, after a remembered session sat idle:
/// shown by `/mon-compte/confirmer` and in place of the document's page itself.
#[component]
pub fn ConfirmPasswordForm(
    /// Interface language.
    lang: crate::i18n::Lang,
    /// Where to go once confirmed (a local path).
    next: String,
) -> impl IntoView {
    let sub = submitted::<Outcome>(<ConfirmPassword as ServerFn>::PATH);
    let outcome = outcome_of(&sub, lang);
    let error = outcome.as_ref().and_then(|o| o.error_for("password")).unwrap_or_default();
    let next = if next.is_empty() { sub.value("next") } else { next };
    let page = format!("/mon-compte/confirmer?suite={}", crate::pages::url_encode(&next));
    view! {
        <section class="panel narrow">
            <h1>{lang.t("Confirmez votre mot de passe", "Confirm your password")}</h1>
            <p class="form-intro">{crate::error::AppError::PasswordRequired.message(lang)}</p>
            <Notice outcome=outcome/>
            <PlainForm fn_path={<ConfirmPassword as ServerFn>::PATH} page=page>
                <input type="hidden" name="next" value=next/>
                <Input id="password" name="password" label=lang.t("Mot de passe", "Password") input_type="password"
                    autocomplete="current-password" error=error/>
                <button type="submit">{lang.t("Confirmer", "Confirm")}</button>
            </PlainForm>
            <p><a href="/mot-de-passe-oublie">{lang.t("Mot de passe oublié ?", "Forgot your password?")}</a></p>
        </section>
    }
}

/// `/mon-compte/confirmer`
#[component]
pub fn ConfirmPasswordPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    if ctx.user.is_none() {
        return view! { <crate::pages::errors::ErrorPage lang=lang error=crate::error::AppError::SignInRequired/> }
            .into_any();
    }
    let next = query_param("suite").unwrap_or_default();
    view! {
        <Title text=lang.t("Confirmez votre mot de passe", "Confirm your password")/>
        <ConfirmPasswordForm lang=lang next=next/>
    }
    .into_any()
}
