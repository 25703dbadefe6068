//! Every attempt limit of Sésame in one place: what is limited, by which key, over which
//! window, and how many attempts pass. Flows name the action; this module builds the key
//! (a keyed hash, never the address or code in clear), counts the attempt first, and then
//! decides (see [`super::rate_limit`]). docs/SECURITY.md prints the same table.

use super::AppState;
use super::clock::{DAY, HOUR, MINUTE};
use super::rate_limit::{self, Counter, Limit};
use crate::error::{AppError, FlowResult};

/// Sign-in failures from one client before it must wait (progressive delays start).
pub const SIGN_IN_FAILURES_BEFORE_DELAY: i64 = 3;
/// Sign-in failures of one account from one client before that client is locked out of
/// that account (other clients, and the owner's own devices, are not).
pub const SIGN_IN_LOCK_AFTER: i64 = 10;
/// Consecutive sign-in failures of one account, all clients together, after which the
/// password alone no longer signs in: an e-mailed code is required too (NIST SP 800-63B
/// §5.2.2 bounds consecutive failures at 100).
pub const SIGN_IN_ACCOUNT_HARD_STOP: i64 = 100;
/// Wrong second-factor codes (app, e-mail or recovery) of one account, in a row, after which
/// the second factor is blocked until support resets it or a password reset lifts it.
pub const SECOND_FACTOR_HARD_STOP: i64 = 20;

/// An action whose attempts are limited, with what identifies who attempts it.
#[derive(Clone, Copy, Debug)]
pub enum LimitedAction<'a> {
    /// Creating a patient account, per client.
    SignUp {
        /// Keyed hash of the client address.
        client: &'a str,
    },
    /// E-mails with a link (verification, reset, reminders), per client.
    LinkMailFromClient {
        /// Keyed hash of the client address.
        client: &'a str,
    },
    /// E-mails with a link, per recipient address.
    LinkMailToAddress {
        /// Lower-cased address.
        email_key: &'a str,
    },
    /// Wrong passwords from one client, whatever the account.
    SignInFromClient {
        /// Keyed hash of the client address.
        client: &'a str,
    },
    /// Wrong passwords for one account from one client: progressive delays, then that
    /// client is locked out of that account.
    SignIn {
        /// Lower-cased address typed.
        email_key: &'a str,
        /// Keyed hash of the client address.
        client: &'a str,
    },
    /// Wrong passwords for one account, all clients together.
    SignInAccount {
        /// Lower-cased address typed.
        email_key: &'a str,
    },
    /// Professional access requests, per client (every attempt counts).
    AccessRequest {
        /// Keyed hash of the client address.
        client: &'a str,
    },
    /// Correspondent-code lookups as the form is typed, per client.
    StructureLookup {
        /// Keyed hash of the client address.
        client: &'a str,
    },
    /// Activation-code attempts, per account.
    ActivationByAccount {
        /// The patient's account.
        user_id: i64,
    },
    /// Activation-code attempts, per client.
    ActivationFromClient {
        /// Keyed hash of the client address.
        client: &'a str,
    },
    /// Wrong birth dates given with one existing activation code.
    ActivationCode {
        /// Keyed hash of the code.
        code_hash: &'a str,
    },
    /// Wrong activation codes for the whole service: past this, answers slow down (they
    /// are never refused, so one attacker cannot shut activation for every patient).
    ActivationEverywhere,
    /// First sign-in with a provisional access code, per client.
    FirstSignInFromClient {
        /// Keyed hash of the client address.
        client: &'a str,
    },
    /// First sign-in with a provisional access code, per address.
    FirstSignInAddress {
        /// Lower-cased address.
        email_key: &'a str,
    },
    /// Second-factor codes (app, e-mail or recovery) of one account in a short window.
    SecondFactor {
        /// The account.
        user_id: i64,
    },
    /// Wrong second-factor codes of one account in a row (a hard stop).
    SecondFactorHardStop {
        /// The account.
        user_id: i64,
    },
    /// Sign-in codes sent by e-mail to one account.
    EmailCodeSend {
        /// The account.
        user_id: i64,
    },
    /// Current-password checks of a signed-in account (changing the password or the second
    /// factor).
    PasswordCheck {
        /// The account.
        user_id: i64,
    },
    /// Calls of the lab system's API, per token.
    LabCall {
        /// `lab_tokens.id`.
        token_id: i64,
    },
    /// Patient searches by NIR of one professional.
    PatientSearch {
        /// The professional.
        user_id: i64,
    },
    /// Codes e-mailed to confirm the creation of a shared account, per account.
    SharedAccountCodeSend {
        /// The professional.
        user_id: i64,
    },
    /// Codes typed to confirm the creation of a shared account, per account.
    SharedAccountCode {
        /// The professional.
        user_id: i64,
    },
    /// Members invited to shared accounts, per inviting account.
    SharedInvite {
        /// The professional.
        user_id: i64,
    },
    /// Messages written to support from `/aide`, per client.
    SupportMessage {
        /// Keyed hash of the client address.
        client: &'a str,
    },
    /// Codes issued at the front desk, per agent.
    FrontDeskCode {
        /// The agent.
        user_id: i64,
    },
    /// Exports of one's own data, per account.
    DataExport {
        /// The account.
        user_id: i64,
    },
}

impl LimitedAction<'_> {
    /// Every action, with a description of its key, for the documentation table.
    pub fn table() -> Vec<(&'static str, &'static str, Limit, &'static str)> {
        use LimitedAction::*;
        let e = "";
        [
            (SignUp { client: e }, "client address", "refused (429) until the window ends"),
            (LinkMailFromClient { client: e }, "client address", "refused (429)"),
            (LinkMailToAddress { email_key: e }, "recipient address", "refused (429)"),
            (SignInFromClient { client: e }, "client address", "refused (429)"),
            (
                SignIn { email_key: e, client: e },
                "account × client address",
                "delays 1 s, 2 s … 60 s after 3 failures; that client locked out of that account after 10, until a password reset",
            ),
            (
                SignInAccount { email_key: e },
                "account",
                "after 100 consecutive failures the correct password also needs a code e-mailed to the owner",
            ),
            (AccessRequest { client: e }, "client address", "refused (429)"),
            (StructureLookup { client: e }, "client address", "refused (429)"),
            (ActivationByAccount { user_id: 0 }, "account", "entry paused until the window ends"),
            (ActivationFromClient { client: e }, "client address", "entry paused until the window ends"),
            (ActivationCode { code_hash: e }, "activation code", "entry paused for that code"),
            (ActivationEverywhere, "whole service", "answers slowed down by 3 s, never refused"),
            (FirstSignInFromClient { client: e }, "client address", "refused (429)"),
            (FirstSignInAddress { email_key: e }, "address", "refused (429)"),
            (SecondFactor { user_id: 0 }, "account", "refused (429) until the window ends"),
            (
                SecondFactorHardStop { user_id: 0 },
                "account",
                "second factor blocked until support resets it or a password reset",
            ),
            (EmailCodeSend { user_id: 0 }, "account", "refused (429)"),
            (PasswordCheck { user_id: 0 }, "account", "refused (429)"),
            (LabCall { token_id: 0 }, "lab API token", "refused (429) with Retry-After"),
            (PatientSearch { user_id: 0 }, "account", "refused (429)"),
            (SharedAccountCodeSend { user_id: 0 }, "account", "refused (429)"),
            (SharedAccountCode { user_id: 0 }, "account", "refused (429) until the window ends"),
            (SharedInvite { user_id: 0 }, "account", "refused (429)"),
            (SupportMessage { client: e }, "client address", "refused (429)"),
            (FrontDeskCode { user_id: 0 }, "front-desk agent", "refused (429)"),
            (DataExport { user_id: 0 }, "account", "refused (429)"),
        ]
        .into_iter()
        .map(|(a, key, then)| (a.name(), key, a.limit(), then))
        .collect()
    }

    /// A short name of the action (documentation, logs).
    pub fn name(&self) -> &'static str {
        use LimitedAction::*;
        match self {
            SignUp { .. } => "patient sign-up",
            LinkMailFromClient { .. } => "link e-mails (verification, reset)",
            LinkMailToAddress { .. } => "link e-mails to one address",
            SignInFromClient { .. } => "wrong passwords from a client",
            SignIn { .. } => "wrong passwords for an account from a client",
            SignInAccount { .. } => "wrong passwords for an account",
            AccessRequest { .. } => "professional access requests",
            StructureLookup { .. } => "correspondent-code lookups",
            ActivationByAccount { .. } => "activation codes per account",
            ActivationFromClient { .. } => "activation codes per client",
            ActivationCode { .. } => "wrong birth dates for a code",
            ActivationEverywhere => "wrong activation codes, whole service",
            FirstSignInFromClient { .. } => "provisional access codes per client",
            FirstSignInAddress { .. } => "provisional access codes per address",
            SecondFactor { .. } => "second-factor codes",
            SecondFactorHardStop { .. } => "wrong second-factor codes in a row",
            EmailCodeSend { .. } => "sign-in codes e-mailed",
            PasswordCheck { .. } => "current-password checks",
            LabCall { .. } => "lab system API calls",
            PatientSearch { .. } => "patient searches by NIR",
            SharedAccountCodeSend { .. } => "shared-account codes e-mailed",
            SharedAccountCode { .. } => "shared-account codes typed",
            SharedInvite { .. } => "shared-account invitations",
            SupportMessage { .. } => "messages to support",
            FrontDeskCode { .. } => "activation codes issued at the front desk",
            DataExport { .. } => "exports of one's own data",
        }
    }

    /// How many attempts pass, over which window.
    pub fn limit(&self) -> Limit {
        use LimitedAction::*;
        match self {
            SignUp { .. } => Limit { max: 10, window: HOUR },
            LinkMailFromClient { .. } => Limit { max: 20, window: HOUR },
            LinkMailToAddress { .. } => Limit { max: 5, window: HOUR },
            SignInFromClient { .. } => Limit { max: 50, window: 15 * MINUTE },
            SignIn { .. } => Limit { max: SIGN_IN_LOCK_AFTER, window: 30 * DAY },
            SignInAccount { .. } => Limit { max: SIGN_IN_ACCOUNT_HARD_STOP, window: 30 * DAY },
            AccessRequest { .. } => Limit { max: 10, window: HOUR },
            StructureLookup { .. } => Limit { max: 300, window: HOUR },
            ActivationByAccount { .. } => Limit { max: 10, window: HOUR },
            ActivationFromClient { .. } => Limit { max: 30, window: HOUR },
            ActivationCode { .. } => Limit { max: 5, window: DAY },
            ActivationEverywhere => Limit { max: 5000, window: HOUR },
            FirstSignInFromClient { .. } => Limit { max: 20, window: HOUR },
            FirstSignInAddress { .. } => Limit { max: 10, window: HOUR },
            SecondFactor { .. } => Limit { max: 5, window: 15 * MINUTE },
            SecondFactorHardStop { .. } => Limit { max: SECOND_FACTOR_HARD_STOP, window: 30 * DAY },
            EmailCodeSend { .. } => Limit { max: 5, window: HOUR },
            PasswordCheck { .. } => Limit { max: 5, window: 15 * MINUTE },
            LabCall { .. } => Limit { max: 6000, window: MINUTE },
            PatientSearch { .. } => Limit { max: 100, window: HOUR },
            SharedAccountCodeSend { .. } => Limit { max: 5, window: HOUR },
            SharedAccountCode { .. } => Limit { max: 5, window: 15 * MINUTE },
            SharedInvite { .. } => Limit { max: 30, window: HOUR },
            SupportMessage { .. } => Limit { max: 10, window: HOUR },
            FrontDeskCode { .. } => Limit { max: 200, window: HOUR },
            DataExport { .. } => Limit { max: 5, window: DAY },
        }
    }

    /// The counter's key: a purpose, then keyed hashes (never personal data in clear).
    pub fn key(&self, state: &AppState) -> String {
        use LimitedAction::*;
        match self {
            SignUp { client } => format!("signup:{client}"),
            LinkMailFromClient { client } => format!("links-client:{client}"),
            LinkMailToAddress { email_key } => format!("links:{}", state.keyed_hash("links", email_key)),
            SignInFromClient { client } => format!("login-client:{client}"),
            SignIn { email_key, client } => {
                format!("{}{client}", Self::sign_in_prefix(state, email_key))
            }
            SignInAccount { email_key } => format!("login-account:{}", state.keyed_hash("login", email_key)),
            AccessRequest { client } => format!("access-request:{client}"),
            StructureLookup { client } => format!("lookup:{client}"),
            ActivationByAccount { user_id } => format!("code-account:{user_id}"),
            ActivationFromClient { client } => format!("code-client:{client}"),
            ActivationCode { code_hash } => format!("code:{code_hash}"),
            ActivationEverywhere => "code-global".to_string(),
            FirstSignInFromClient { client } => format!("first-login-client:{client}"),
            FirstSignInAddress { email_key } => format!("first-login:{}", state.keyed_hash("first-login", email_key)),
            SecondFactor { user_id } => format!("second-factor:{user_id}"),
            SecondFactorHardStop { user_id } => format!("second-factor-stop:{user_id}"),
            EmailCodeSend { user_id } => format!("email-code:{user_id}"),
            PasswordCheck { user_id } => format!("password-check:{user_id}"),
            LabCall { token_id } => format!("lab-token:{token_id}"),
            PatientSearch { user_id } => format!("patient-search:{user_id}"),
            SharedAccountCodeSend { user_id } => format!("shared-code-send:{user_id}"),
            SharedAccountCode { user_id } => format!("shared-code:{user_id}"),
            SharedInvite { user_id } => format!("shared-invite:{user_id}"),
            SupportMessage { client } => format!("support-message:{client}"),
            FrontDeskCode { user_id } => format!("front-desk:{user_id}"),
            DataExport { user_id } => format!("export:{user_id}"),
        }
    }

    /// The common start of every client's [`LimitedAction::SignIn`] key of one account
    /// (a password reset forgets them all).
    pub fn sign_in_prefix(state: &AppState, email_key: &str) -> String {
        format!("login:{}:", state.keyed_hash("login", email_key))
    }
}

/// Counts one attempt of `action` and returns its counter, whatever the count.
pub async fn count(state: &AppState, action: LimitedAction<'_>) -> FlowResult<Counter> {
    Ok(rate_limit::hit(&state.db, &action.key(state), action.limit(), state.now()).await?)
}

/// Counts one attempt of `action`, then refuses it with [`AppError::RateLimited`] (and the
/// time to wait) when it is beyond the limit.
pub async fn check(state: &AppState, action: LimitedAction<'_>) -> FlowResult<Counter> {
    let c = count(state, action).await?;
    if c.over(action.limit()) {
        return Err(AppError::RateLimited(c.retry_after_secs(action.limit(), state.now())).into());
    }
    Ok(c)
}

/// Counts one attempt of each action in one statement (see [`rate_limit::take_turns`]) and
/// returns their counters in the same order, whatever the counts: the caller decides, in
/// the order its rules go, and takes back with [`settle`] what a refusal did not use.
pub async fn take_turns<const N: usize>(state: &AppState, actions: [LimitedAction<'_>; N]) -> FlowResult<[Counter; N]> {
    let keys = actions.map(|a| a.key(state));
    let mut turns = [("", Limit { max: 0, window: 0 }); N];
    for ((turn, key), action) in turns.iter_mut().zip(&keys).zip(&actions) {
        *turn = (key.as_str(), action.limit());
    }
    Ok(rate_limit::take_turns(&state.db, turns, state.now()).await?)
}

/// Takes back one counted attempt of each action of `undo` and forgets the counters of
/// `forget`, in one statement.
pub async fn settle(state: &AppState, undo: &[LimitedAction<'_>], forget: &[LimitedAction<'_>]) -> FlowResult<()> {
    let undo: Vec<String> = undo.iter().map(|a| a.key(state)).collect();
    let forget: Vec<String> = forget.iter().map(|a| a.key(state)).collect();
    let undo: Vec<&str> = undo.iter().map(String::as_str).collect();
    let forget: Vec<&str> = forget.iter().map(String::as_str).collect();
    Ok(rate_limit::settle(&state.db, &undo, &forget).await?)
}

/// Takes back one counted attempt (it was not a failure).
pub async fn undo(state: &AppState, action: LimitedAction<'_>) -> FlowResult<()> {
    Ok(rate_limit::undo(&state.db, &action.key(state)).await?)
}

/// Forgets the counter of `action`.
pub async fn forget(state: &AppState, action: LimitedAction<'_>) -> FlowResult<()> {
    Ok(rate_limit::clear(&state.db, &action.key(state)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_table_names_every_action_once() {
        let table = LimitedAction::table();
        assert_eq!(table.len(), 26);
        let mut names: Vec<_> = table.iter().map(|r| r.0).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 26);
        assert!(table.iter().all(|r| r.2.max > 0 && r.2.window > 0));
    }

    fn window(ms: i64) -> String {
        match ms {
            ms if ms % DAY == 0 && ms / DAY > 1 => format!("{} days", ms / DAY),
            ms if ms == DAY => "1 day".into(),
            ms if ms % HOUR == 0 => format!("{} h", ms / HOUR),
            ms => format!("{} min", ms / MINUTE),
        }
    }

    #[test]
    fn docs_security_lists_every_limit_as_the_code_has_it() {
        let doc = include_str!("../../../docs/SECURITY.md");
        for (name, key, limit, then) in LimitedAction::table() {
            let row = format!("| {name} | {key} | {} | {} | {then} |", limit.max, window(limit.window));
            assert!(doc.contains(&row), "docs/SECURITY.md lacks: {row}");
        }
    }
}
