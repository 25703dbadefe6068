//! `/mes-resultats` and `/mes-resultats/:id`: a patient's reports, phone first, with no
//! island (plain links; the PDF opens in the browser's own viewer).

use super::store::{self, PatientReport};
use crate::activation::pages::relation_label;
use crate::domain::account::UserKind;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::errors::ErrorPage;
use crate::platform::{app_state, request_context};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn sampled(r: &PatientReport, lang: Lang) -> String {
    r.sampled_on.as_deref().map(|d| crate::pages::day(d, lang)).unwrap_or_default()
}

fn status_tag(status: &str, lang: Lang) -> impl IntoView + use<> {
    if status == "complete" {
        view! { <span class="tag tag-ok">{lang.t("Complet", "Complete")}</span> }.into_any()
    } else {
        view! { <span class="tag tag-warn">{lang.t("Résultats partiels", "Partial results")}</span> }.into_any()
    }
}

/// A document's size as its link says it: "48 ko", "2,4 Mo" (kB and MB in English).
pub fn file_size(bytes: i64, lang: Lang) -> String {
    let (kb, mb) = if lang == Lang::Fr { ("ko", "Mo") } else { ("kB", "MB") };
    if bytes >= 1024 * 1024 {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
        let sep = if lang == Lang::Fr { ',' } else { '.' };
        format!("{}{sep}{} {mb}", tenths / 10, tenths % 10)
    } else {
        format!("{} {kb}", (bytes + 1023) / 1024)
    }
}

fn title_of(r: &PatientReport, lang: Lang) -> String {
    r.title.clone().unwrap_or_else(|| lang.t("Compte rendu", "Report").to_string())
}

/// `/mes-resultats`: one section per profile, reports newest first.
#[component]
pub fn MyResultsPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let Some(user) = ctx.user.clone() else {
        return view! { <ErrorPage lang=lang error=AppError::SignInRequired/> }.into_any();
    };
    if user.kind != UserKind::Patient {
        return view! { <ErrorPage lang=lang error=AppError::Forbidden/> }.into_any();
    }
    Suspend::new(async move {
        let Ok(state) = app_state() else { return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any() };
        let (profiles, reports) = match (
            crate::activation::store::profiles(&state, user.id).await,
            store::patient_reports(&state.db, user.id).await,
        ) {
            (Ok(p), Ok(r)) => (p, r),
            (Err(e), _) | (_, Err(e)) => return view! { <ErrorPage lang=lang error=e.into()/> }.into_any(),
        };
        let linked: Vec<_> = profiles.into_iter().filter(|p| p.status == "linked").collect();
        view! {
            <Title text=lang.t("Mes résultats", "My results")/>
            <h1>{lang.t("Mes résultats", "My results")}</h1>
            {if linked.is_empty() {
                view! {
                    <section class="panel">
                        <p>{lang.t("Aucun dossier n'est encore rattaché à votre compte.", "No record is linked to your account yet.")}</p>
                        <p><a class="button" href="/activation">{lang.t("J'ai un code d'activation", "I have an activation code")}</a></p>
                    </section>
                }.into_any()
            } else {
                linked.into_iter().map(|p| {
                    let mine: Vec<_> = reports.iter().filter(|r| r.record_id == p.record_id).cloned().collect();
                    view! {
                        <section class="panel">
                            <h2>{p.patient_name()}</h2>
                            <p class="meta">{relation_label(&p.relation, lang)}</p>
                            {if mine.is_empty() {
                                view! { <p class="meta">{lang.t(
                                    "Votre laboratoire publiera ici vos comptes rendus ; vous recevrez un e-mail à chaque nouveau compte rendu.",
                                    "Your lab will publish your reports here; you will get an e-mail for each new one.",
                                )}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="cards">
                                        {mine.into_iter().map(|r| view! {
                                            <li class="card report">
                                                <p><a href=format!("/mes-resultats/{}", r.id)><strong>{title_of(&r, lang)}</strong></a>
                                                    {(!r.opened.0 && r.version > 0).then(|| view! { " " <span class="tag tag-new">{lang.t("Nouveau", "New")}</span> })}</p>
                                                <p class="meta">{lang.t("Prélèvement du ", "Sampled on ")}{sampled(&r, lang)}" · "{status_tag(&r.status, lang)}</p>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                    }
                }).collect_view().into_any()
            }}
        }
        .into_any()
    })
    .into_any()
}

/// The first thing a signed-in patient sees at home: their newest report, a link to all.
/// Nothing when no report was published yet (the profiles below say what to expect).
#[component]
pub fn NewestReport(
    /// The patient.
    user_id: i64,
    /// Interface language.
    lang: Lang,
) -> impl IntoView {
    Suspend::new(async move {
        let state = app_state().ok()?;
        let r = store::newest_patient_report(&state.db, user_id)
            .await
            .inspect_err(|e| tracing::error!(error = %e, "newest report"))
            .ok()
            .flatten()?;
        Some(view! {
            <section class="panel newest-report">
                <h2>{lang.t("Votre dernier compte rendu", "Your latest report")}</h2>
                <p><a href=format!("/mes-resultats/{}", r.id)><strong>{title_of(&r, lang)}</strong></a>
                    {(!r.opened.0 && r.version > 0).then(|| view! { " " <span class="tag tag-new">{lang.t("Nouveau", "New")}</span> })}</p>
                <p class="meta">{lang.t("Prélèvement du ", "Sampled on ")}{sampled(&r, lang)}" · "{status_tag(&r.status, lang)}</p>
                <p><a href="/mes-resultats">{lang.t("Tous mes résultats", "All my results")}</a></p>
            </section>
        })
    })
}

/// `/mes-resultats/:id`: one report, its versions and who opened it.
#[component]
pub fn MyReportPage() -> impl IntoView {
    let ctx = request_context();
    let lang = ctx.lang;
    let Some(user) = ctx.user.clone() else {
        return view! { <ErrorPage lang=lang error=AppError::SignInRequired/> }.into_any();
    };
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())).unwrap_or(0);
    if !ctx.fresh {
        return view! { <ErrorPage lang=lang error=AppError::PasswordRequired/> }.into_any();
    }
    Suspend::new(async move {
        let Ok(state) = app_state() else { return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any() };
        let report = match store::patient_report(&state.db, user.id, id).await {
            Ok(Some(r)) if user.kind == UserKind::Patient => r,
            Ok(_) => return view! { <ErrorPage lang=lang error=AppError::Forbidden/> }.into_any(),
            Err(e) => return view! { <ErrorPage lang=lang error=e.into()/> }.into_any(),
        };
        let (versions, accesses) = match (store::versions(&state.db, id).await, store::accesses(&state.db, "report", id).await) {
            (Ok(v), Ok(a)) => (v, a),
            (Err(e), _) | (_, Err(e)) => return view! { <ErrorPage lang=lang error=e.into()/> }.into_any(),
        };
        let sizes = crate::documents::store::sizes(&state.db, &versions.iter().map(|v| v.document_id).collect::<Vec<_>>())
            .await
            .unwrap_or_default();
        let size_of = move |document_id: i64| file_size(sizes.iter().find(|(d, _)| *d == document_id).map_or(0, |(_, s)| *s), lang);
        let title = title_of(&report, lang);
        let latest = versions.first().cloned();
        let earlier: Vec<_> = versions.iter().skip(1).cloned().collect();
        let me = user.id;
        view! {
            <Title text=title.clone()/>
            <p><a href="/mes-resultats">{lang.t("← Mes résultats", "← My results")}</a></p>
            <h1>{title}</h1>
            <p class="meta">{lang.t("Prélèvement du ", "Sampled on ")}{sampled(&report, lang)}" · "{status_tag(&report.status, lang)}</p>
            {match latest {
                None => view! { <p>{lang.t("Le laboratoire n'a pas encore transmis ce document.", "The lab has not sent this document yet.")}</p> }.into_any(),
                Some(v) => view! {
                    <p class="actions">
                        <a class="button" href=format!("/mes-resultats/{id}/pdf")>{lang.t("Ouvrir le compte rendu", "Open the report")}" (PDF, "{size_of(v.document_id)}")"</a>
                        <a class="button button-secondary" href=format!("/mes-resultats/{id}/pdf?telecharger=1") download="">{lang.t("Télécharger", "Download")}</a>
                    </p>
                }.into_any(),
            }}
            {(!earlier.is_empty()).then(|| view! {
                <section class="panel">
                    <h2>{lang.t("Versions précédentes", "Earlier versions")}</h2>
                    <ul>
                        {earlier.into_iter().map(|v| {
                            let label = if v.status == "complete" { lang.t("complet", "complete") } else { lang.t("résultats partiels", "partial results") };
                            view! { <li><a href=format!("/mes-resultats/{id}/pdf?version={}", v.version)>
                                {format!("{} {} — {label} — {}", lang.t("Version", "Version"), v.version, crate::pages::date_time(v.created_at, lang))}
                                " (PDF, "{size_of(v.document_id)}")"</a></li> }
                        }).collect_view()}
                    </ul>
                </section>
            })}
            <section class="panel">
                <h2>{lang.t("Qui a ouvert ce compte rendu", "Who opened this report")}</h2>
                {if accesses.is_empty() {
                    view! { <p class="meta">{lang.t("Personne pour l'instant.", "Nobody yet.")}</p> }.into_any()
                } else {
                    view! {
                        <ul class="activity">
                            {accesses.into_iter().map(|a| {
                                let who = if a.user_id == Some(me) {
                                    lang.t("vous", "you").to_string()
                                } else {
                                    match (a.kind.as_deref(), a.name, a.structure_name) {
                                        (Some("professional"), Some(n), Some(s)) => format!("{n} — {s}"),
                                        (Some("shared"), Some(n), Some(s)) => match (&a.member_name, lang) {
                                            (Some(m), Lang::Fr) => format!("{m} pour le compte partagé {n} — {s}"),
                                            (Some(m), Lang::En) => format!("{m} for the shared account {n} — {s}"),
                                            (None, _) => format!("{n} — {s}"),
                                        },
                                        (Some("support"), _, _) => lang.t("le support du laboratoire", "the lab's support").to_string(),
                                        (_, Some(n), _) => n,
                                        _ => lang.t("un compte supprimé", "a deleted account").to_string(),
                                    }
                                };
                                let what = if a.action == "download" { lang.t("téléchargé", "downloaded") } else { lang.t("ouvert", "opened") };
                                view! { <li>{crate::pages::date_time(a.at, lang)}" — "{who}" ("{what}", version "{a.version}")"</li> }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        }
        .into_any()
    })
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(file_size(1, Lang::Fr), "1 ko");
        assert_eq!(file_size(48 * 1024, Lang::Fr), "48 ko");
        assert_eq!(file_size(2_516_582, Lang::Fr), "2,4 Mo");
        assert_eq!(file_size(2_516_582, Lang::En), "2.4 MB");
    }
}
