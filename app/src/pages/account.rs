//! `/mon-compte`: the home of a signed-in person, with what their account allows.

use crate::activation::pages::PatientProfiles;
use crate::domain::account::UserKind;
use crate::error::AppError;
use crate::form::NoticeKind;
use crate::pages::errors::ErrorPage;
use crate::pages::query_param;
use crate::platform::request_context;
use crate::ui::plain::Notice;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/mon-compte`
#[component]
pub fn MyAccountPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let Some(user) = ctx.user else {
        return view! { <ErrorPage lang=lang error=AppError::SignInRequired/> }.into_any();
    };
    let password_changed = query_param("mot-de-passe").is_some();
    let body = match user.kind {
        UserKind::Patient => view! { <PatientProfiles user_id=user.id lang=lang/> }.into_any(),
        UserKind::Professional | UserKind::Support => crate::pages::account_sections::sections(&user, lang),
    };
    view! {
        <Title text=lang.t("Mon compte", "My account")/>
        <h1>{format!("{} {}", lang.t("Bonjour", "Hello"), user.first_name)}</h1>
        {password_changed.then(|| view! { <Notice kind=NoticeKind::Success message=lang.t("Votre nouveau mot de passe est enregistré ; vos autres sessions ont été fermées.", "Your new password is saved; your other sessions were signed out.")/> })}
        {body}
    }
    .into_any()
}
