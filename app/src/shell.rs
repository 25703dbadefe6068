//! The HTML document and the route table.

use crate::accounts::pages as accounts;
use crate::pages;
use crate::platform::request_context;
use crate::ui::layout::Layout;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The whole HTML document, rendered on the server for every page.
pub fn shell() -> impl IntoView {
    let ctx = request_context();
    // The nonce the CSP header allows; the hydration script and our scripts carry it.
    provide_context(leptos::nonce::Nonce::from_value(ctx.nonce.clone()));
    let lang = ctx.lang;
    // The marker is replaced, once the page is rendered, by the inlined stylesheet (no
    // request before the first paint) and, on pages that have an island, the WebAssembly
    // loader (`ui::assets`). As Leptos's own `HydrationScripts` does in islands mode, only
    // islands carry hydration markers.
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#0b5c6b"/>
                <meta name="description" content=lang.t(
                    "Sésame, le portail des laboratoires de biologie médicale : vos comptes rendus d'analyses et vos accès professionnels.",
                    "Sésame, the medical biology labs' portal: your test reports and professional access.",
                )/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" href="/icons/logo.svg" type="image/svg+xml"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <meta name="sesame-assets"/>
                <script src="/sw-register.js" defer nonce=ctx.nonce.clone()></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: meta context, router, layout and pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = request_context().lang;
    view! {
        <Title formatter=move |t: String| if t.is_empty() { "Sésame".to_string() } else { format!("{t} · Sésame") }/>
        <Router>
            <Layout>
                <Routes fallback=move || view! { <pages::errors::NotFound lang=lang/> }>
                    // Every page is rendered completely before it is sent (SsrMode::Async):
                    // no streamed fragments that need JavaScript to fall into place.
                    <Route path=path!("/") view=pages::home::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/mentions-legales") view=pages::legal::LegalNotice ssr=SsrMode::Async/>
                    <Route path=path!("/confidentialite") view=pages::legal::PrivacyNotice ssr=SsrMode::Async/>
                    <Route path=path!("/conditions-utilisation") view=pages::legal::Terms ssr=SsrMode::Async/>
                    <Route path=path!("/inscription") view=accounts::SignUpPage ssr=SsrMode::Async/>
                    <Route path=path!("/inscription/envoyee") view=accounts::SignUpSentPage ssr=SsrMode::Async/>
                    <Route path=path!("/verifier-email") view=accounts::VerifyEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/connexion") view=accounts::SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/deconnexion") view=accounts::SignOutPage ssr=SsrMode::Async/>
                    <Route path=path!("/mot-de-passe-oublie") view=accounts::ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/mot-de-passe-oublie/envoye") view=accounts::ForgotSentPage ssr=SsrMode::Async/>
                    <Route path=path!("/nouveau-mot-de-passe") view=accounts::ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/activation") view=crate::activation::pages::ActivationPage ssr=SsrMode::Async/>
                    <Route path=path!("/mon-compte") view=pages::account::MyAccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/mes-resultats") view=crate::reports::pages::MyResultsPage ssr=SsrMode::Async/>
                    <Route path=path!("/mes-resultats/:id") view=crate::reports::pages::MyReportPage ssr=SsrMode::Async/>
                    <Route path=path!("/demande-acces") view=crate::access_request::pages::AccessRequestPage ssr=SsrMode::Async/>
                    <Route path=path!("/demande-acces/envoyee") view=crate::access_request::pages::AccessRequestSentPage ssr=SsrMode::Async/>
                    <Route path=path!("/approbation-des-comptes") view=crate::approval::pages::ApprovalPage ssr=SsrMode::Async/>
                    <Route path=path!("/premiere-connexion") view=crate::first_login::pages::FirstLoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/invitation") view=crate::invitations::pages::InvitationPage ssr=SsrMode::Async/>
                    <Route path=path!("/bienvenue") view=crate::invitations::pages::WelcomePage ssr=SsrMode::Async/>
                    <Route path=path!("/mon-compte/securite") view=crate::second_factor::pages::SecurityPage ssr=SsrMode::Async/>
                    <Route path=path!("/mon-compte/confirmer") view=accounts::ConfirmPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/mon-compte/mot-de-passe") view=crate::second_factor::pages::ChangePasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/connexion/code") view=crate::second_factor::pages::SecondFactorPage ssr=SsrMode::Async/>
                    <Route path=path!("/resultats") view=crate::professional::pages::ResultsPage ssr=SsrMode::Async/>
                    <Route path=path!("/resultats/recherche") view=crate::reports::search::PatientSearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/factures") view=crate::professional::pages::InvoicesPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/utilisateurs") view=crate::admin::pages::UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/utilisateurs/nouveau") view=crate::admin::pages::NewUserPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/utilisateurs/:id") view=crate::admin::pages::UserPage ssr=SsrMode::Async/>
                    <Route path=path!("/confirmer-email") view=crate::admin::pages::ConfirmEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/support/demandes") view=crate::support::pages::SupportRequestsPage ssr=SsrMode::Async/>
                    <Route path=path!("/support/demandes/:id") view=crate::support::pages::SupportRequestPage ssr=SsrMode::Async/>
                    <Route path=path!("/support/verifications") view=crate::lab_review::pages::LabReviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/support/documents") view=crate::reports::history::DocumentHistoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/support/structures") view=crate::support::pages::SupportStructuresPage ssr=SsrMode::Async/>
                    <Route path=path!("/comptes-partages") view=crate::shared_accounts::pages::SharedAccountsPage ssr=SsrMode::Async/>
                    <Route path=path!("/comptes-partages/nouveau") view=crate::shared_accounts::pages::NewSharedAccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/comptes-partages/confirmer") view=crate::shared_accounts::pages::ConfirmSharedAddressPage ssr=SsrMode::Async/>
                    <Route path=path!("/comptes-partages/:id") view=crate::shared_accounts::pages::SharedAccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/annuaire") view=crate::shared_accounts::pages::DirectoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/aide") view=crate::help::pages::HelpPage ssr=SsrMode::Async/>
                    <Route path=path!("/aide/confirmer") view=crate::help::pages::ConfirmMessagePage ssr=SsrMode::Async/>
                    <Route path=path!("/aide/adresse-oubliee") view=crate::help::pages::ForgottenAddressPage ssr=SsrMode::Async/>
                    <Route path=path!("/support/messages") view=crate::help::inbox::SupportMessagesPage ssr=SsrMode::Async/>
                    <Route path=path!("/support/messages/:id") view=crate::help::inbox::SupportMessagePage ssr=SsrMode::Async/>
                    <Route path=path!("/support/dossiers") view=crate::front_desk::pages::FrontDeskPage ssr=SsrMode::Async/>
                    <Route path=path!("/mon-compte/export") view=crate::my_data::pages::ExportPage ssr=SsrMode::Async/>
                    <Route path=path!("/mon-compte/adresse") view=crate::my_data::pages::ChangeEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/mon-compte/nom") view=crate::my_data::pages::ChangeNamesPage ssr=SsrMode::Async/>
                    <Route path=path!("/mon-compte/supprimer") view=crate::my_data::pages::DeleteAccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/compte-supprime") view=crate::my_data::pages::AccountDeletedPage ssr=SsrMode::Async/>
                    <Route path=path!("/support/structures/:id") view=crate::support::pages::SupportStructurePage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
