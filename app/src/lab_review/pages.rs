//! `/support/verifications`: the record links waiting for the lab's review.

use super::api::{ConfirmLink, RefuseLink};
use super::flows::{self, ReviewItem};
use crate::activation::pages::relation_label;
use crate::approval::pages::day;
use crate::error::AppError;
use crate::form::PlainForm;
use crate::form::{Outcome, Submitted, submitted};
use crate::i18n::Lang;
use crate::pages::errors::ErrorPage;
use crate::platform::guards::require_support;
use crate::platform::{app_state, request_context};
use crate::ui::notice::Notice;
use crate::ui::plain::{RefusalForm, outcome_of};
use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;

const PAGE: &str = "/support/verifications";

#[component]
fn ReviewCard(item: ReviewItem, lang: Lang, sub: Submitted<Outcome>) -> impl IntoView {
    let id = item.id;
    let birth = crate::pages::day(&item.birth_date, lang);
    let asked_by = (item.relation != "self").then(|| {
        view! { <p class="meta">{lang.t("Demandé par ", "Asked by ")}{item.account_name()}" · "{relation_label(&item.relation, lang)}</p> }
    });
    view! {
        <li class="card" aria-label=item.given_name()>
            <h3>{item.given_name()}</h3>
            {asked_by}
            <dl class="compare">
                <dt>{lang.t("Nom indiqué", "Name given")}</dt>
                <dd>{item.given_name()}</dd>
                <dt>{lang.t("Dossier du laboratoire", "Lab record")}</dt>
                <dd>
                    {item.record_name()}
                    {item.record_birth_name().map(|b| view! { {lang.t(", nom de naissance ", ", birth name ")}{b} })}
                    " · "{lang.t("réf. ", "ref. ")}{item.lab_reference.clone()}
                </dd>
                <dt>{lang.t("Date de naissance (concordante)", "Date of birth (matching)")}</dt>
                <dd>{birth}</dd>
            </dl>
            <p class="meta">{lang.t("Demande du ", "Asked on ")}{day(item.asked_at, lang)}</p>
            <div class="actions">
                <PlainForm fn_path={<ConfirmLink as ServerFn>::PATH} page=PAGE>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button type="submit">{lang.t("Rattacher le dossier", "Link the record")}</button>
                </PlainForm>
            </div>
            <RefusalForm fn_path={<RefuseLink as ServerFn>::PATH} page=PAGE id=id sub=sub lang=lang/>
        </li>
    }
}

/// `/support/verifications`
#[component]
pub fn LabReviewPage() -> impl IntoView {
    let lang = request_context().lang;
    let sub = [<ConfirmLink as ServerFn>::PATH, <RefuseLink as ServerFn>::PATH]
        .iter()
        .map(|p| submitted::<Outcome>(p))
        .find(|s| s.outcome.is_some())
        .unwrap_or_default();
    Suspend::new(async move {
        if let Err(e) = require_support(&request_context()) {
            return view! { <ErrorPage lang=lang error=e/> }.into_any();
        }
        let Ok(state) = app_state() else {
            return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any();
        };
        let (Ok(items), Ok(count)) = (flows::pending(&state.db).await, flows::waiting_count(&state.db).await) else {
            return view! { <ErrorPage lang=lang error=AppError::Internal/> }.into_any();
        };
        let more = (count > items.len() as i64).then(|| {
            view! { <p class="meta">{match lang {
                Lang::Fr => format!("Les {} plus anciennes sont affichées ; les suivantes apparaîtront au fur et à mesure.", items.len()),
                Lang::En => format!("The {} oldest are shown; the next ones appear as these are handled.", items.len()),
            }}</p> }
        });
        view! {
            <Title text=lang.t("Vérifications d'identité", "Identity checks")/>
            <h1>{lang.t("Vérifications d'identité", "Identity checks")}</h1>
            <p>{lang.t(
                "Ces personnes ont saisi un code d'activation et la bonne date de naissance, mais un nom différent de celui du dossier. Rattachez le dossier si c'est bien la même personne (nom d'usage, nom de naissance, faute de frappe) ; sinon refusez en expliquant quoi faire : le code pourra être saisi de nouveau.",
                "These people entered an activation code and the right date of birth, but a name that differs from the record's. Link the record if it is the same person (used name, birth name, typo); otherwise refuse and explain what to do: the code can be entered again.",
            )}</p>
            <Notice outcome=outcome_of(&sub, lang)/>
            <section class="panel">
                <h2>{match lang { Lang::Fr => format!("À vérifier ({count})"), Lang::En => format!("To check ({count})") }}</h2>
                {more}
                {if count == 0 {
                    view! { <p>{lang.t("Aucune demande de rattachement n'attend de vérification.", "No link request awaits a check.")}</p> }.into_any()
                } else {
                    view! { <ul class="cards">{items.into_iter().map(|i| view! { <ReviewCard item=i lang=lang sub=sub.clone()/> }).collect_view()}</ul> }.into_any()
                }}
            </section>
        }
        .into_any()
    })
}
