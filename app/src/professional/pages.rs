//! `/resultats` and `/factures` — each needs its right, checked on the server for every
//! request — and the professional's part of `/mon-compte`.

use super::store::{self, ProAccess};
use crate::domain::account::{AccountStatus, UserKind};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::errors::ErrorPage;
use crate::platform::session::CurrentUser;
use crate::platform::{app_state, request_context};
use leptos::prelude::*;
use leptos_meta::Title;

/// Which right a page needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    /// The Results page.
    Results,
    /// The Invoices page.
    Invoices,
}

/// The caller's access if they may open the area, or the error to show.
pub async fn access_for(user: Option<CurrentUser>, area: Area) -> Result<ProAccess, AppError> {
    let user = user.ok_or(AppError::SignInRequired)?;
    if user.kind != UserKind::Professional || user.status != AccountStatus::Active {
        return Err(AppError::Forbidden);
    }
    let state = app_state()?;
    let access = store::access_of(&state.db, user.id).await?.ok_or(AppError::Forbidden)?;
    let allowed = match area {
        Area::Results => access.rights.results,
        Area::Invoices => access.rights.invoices,
    };
    if allowed { Ok(access) } else { Err(AppError::Forbidden) }
}

fn area_page(area: Area) -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let (title, what) = match area {
        Area::Results => (
            lang.t("Résultats", "Results"),
            lang.t(
                "Cette page présentera les comptes rendus d'analyses des patients de vos sites, avec leur état (partiel ou complet) et leur date de mise à disposition. Elle sera alimentée par le système informatique du laboratoire.",
                "This page will show the test reports of your sites' patients, with their state (partial or complete) and availability date. It will be fed by the lab's information system.",
            ),
        ),
        Area::Invoices => (
            lang.t("Factures", "Invoices"),
            lang.t(
                "Cette page présentera les factures de vos sites et leur état de règlement. Elle sera alimentée par le système de facturation du laboratoire.",
                "This page will show your sites' invoices and their payment state. It will be fed by the lab's billing system.",
            ),
        ),
    };
    Suspend::new(async move {
        let access = match access_for(ctx.user.clone(), area).await {
            Ok(a) => a,
            Err(e) => return view! { <ErrorPage lang=lang error=e/> }.into_any(),
        };
        let sites = match app_state() {
            Ok(state) => store::visible_sites(&state.db, &access).await.unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        view! {
            <Title text=title/>
            <h1>{title}</h1>
            <section class="panel">
                <p>{what}</p>
                <h2>{lang.t("Vos sites", "Your sites")}</h2>
                <ul class="choices">{sites.into_iter().map(|s| view! { <li>{format!("{} — {} {}", s.name, s.postcode, s.city)}</li> }).collect_view()}</ul>
            </section>
        }
        .into_any()
    })
}

/// `/resultats`
#[component]
pub fn ResultsPage() -> impl IntoView {
    area_page(Area::Results)
}

/// `/factures`
#[component]
pub fn InvoicesPage() -> impl IntoView {
    area_page(Area::Invoices)
}

/// The professional's part of `/mon-compte`: what their rights allow, for which sites.
#[component]
pub fn ProfessionalHome(
    /// The signed-in professional.
    user: CurrentUser,
    /// Interface language.
    lang: Lang,
) -> impl IntoView {
    Suspend::new(async move {
        let Ok(state) = app_state() else {
            return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any();
        };
        let access = store::access_of(&state.db, user.id).await.ok().flatten();
        let approver = !store::approver_structures(&state.db, user.id).await.unwrap_or_default().is_empty();
        let Some(access) = access else {
            return view! { <section class="panel"><p>{lang.t("Votre compte n'est rattaché à aucune structure.", "Your account belongs to no structure.")}</p></section> }.into_any();
        };
        let structure = crate::structures::store::find(&state.db, access.structure_id)
            .await
            .ok()
            .flatten()
            .map(|s| s.name)
            .unwrap_or_default();
        let sites = store::visible_sites(&state.db, &access).await.unwrap_or_default();
        let welcome = crate::pages::query_param("bienvenue").is_some();
        view! {
            {welcome.then(|| view! { <crate::ui::notice::Notice outcome=Some(crate::form::Outcome::notice(crate::form::NoticeKind::Success, lang.t("Votre compte est activé. Bienvenue sur Sésame !", "Your account is active. Welcome to Sésame!")))/> })}
            <section class="panel">
                <h2>{structure}</h2>
                <p class="meta">{access.profile.label(lang)}" · "{lang.t("droits : ", "rights: ")}{access.rights.describe(lang)}</p>
                <div class="doors">
                    {access.rights.results.then(|| view! { <a class="button" href="/resultats">{lang.t("Résultats", "Results")}</a> })}
                    {access.rights.invoices.then(|| view! { <a class="button" href="/factures">{lang.t("Factures", "Invoices")}</a> })}
                    {approver.then(|| view! { <a class="button button-secondary" href="/approbation-des-comptes">{lang.t("Approbation des comptes", "Account approval")}</a> })}
                </div>
                {(!access.rights.any()).then(|| view! { <p class="muted">{lang.t(
                    "Votre compte n'a pas de droit Résultats ni Factures. Votre biologiste peut vous les accorder depuis la page d'approbation des comptes.",
                    "Your account has neither the Results nor the Invoices right. Your biologist can grant them from the account approval page.",
                )}</p> })}
                <h3>{lang.t("Sites dont vous voyez les données", "Sites whose data you see")}</h3>
                <ul class="choices">{sites.into_iter().map(|s| view! { <li>{format!("{} — {}", s.name, s.city)}</li> }).collect_view()}</ul>
            </section>
        }
        .into_any()
    })
}
