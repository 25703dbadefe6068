//! Professional access requests: profiles, rights, site scope and the request's life.
//!
//! The life of a request is a state machine whose states are distinct types: a request
//! can only be approved while it waits for its approver, validated while it waits for
//! support, activated once validated, and refused from either waiting state. Any other
//! transition does not compile.

use serde::{Deserialize, Serialize};

/// What kind of professional asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Profile {
    /// A biologist: responsible for the structure's access rights.
    Biologist,
    /// A collaborator (secretary, technician…): rights are approved by an approver.
    Collaborator,
}

impl Profile {
    /// Reads the form or stored value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "biologist" => Some(Profile::Biologist),
            "collaborator" => Some(Profile::Collaborator),
            _ => None,
        }
    }

    /// Stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            Profile::Biologist => "biologist",
            Profile::Collaborator => "collaborator",
        }
    }

    /// Label in the interface.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            Profile::Biologist => lang.t("Biologiste", "Biologist"),
            Profile::Collaborator => lang.t("Collaborateur", "Collaborator"),
        }
    }

    /// The rights a request starts with: both for a biologist, none for a collaborator.
    pub const fn default_rights(self) -> Rights {
        match self {
            Profile::Biologist => Rights { results: true, invoices: true },
            Profile::Collaborator => Rights { results: false, invoices: false },
        }
    }
}

/// The two pages that need a specific right.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rights {
    /// The Results page.
    pub results: bool,
    /// The Invoices page.
    pub invoices: bool,
}

impl Rights {
    /// True when at least one right is asked for or held.
    pub const fn any(self) -> bool {
        self.results || self.invoices
    }

    /// "Résultats, Factures", "Résultats", or "aucun".
    pub fn describe(self, lang: crate::i18n::Lang) -> String {
        let mut parts = Vec::new();
        if self.results {
            parts.push(lang.t("Résultats", "Results"));
        }
        if self.invoices {
            parts.push(lang.t("Factures", "Invoices"));
        }
        if parts.is_empty() { lang.t("aucun droit", "no right").to_string() } else { parts.join(", ") }
    }
}

/// Whose data an account sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SiteScope {
    /// Every site of the structure, including sites added later.
    All,
    /// A chosen subset (never empty); sites added later are not included.
    Selected(Vec<i64>),
}

impl SiteScope {
    /// Builds a scope, refusing an empty subset.
    pub fn new(all: bool, mut sites: Vec<i64>) -> Option<Self> {
        if all {
            return Some(SiteScope::All);
        }
        sites.sort_unstable();
        sites.dedup();
        (!sites.is_empty()).then_some(SiteScope::Selected(sites))
    }

    /// True for "all sites".
    pub fn is_all(&self) -> bool {
        matches!(self, SiteScope::All)
    }

    /// The chosen sites (empty for "all").
    pub fn selected(&self) -> &[i64] {
        match self {
            SiteScope::All => &[],
            SiteScope::Selected(s) => s,
        }
    }
}

/// A request's state, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RequestState {
    /// Waiting for the approver named by a collaborator.
    PendingApprover,
    /// Waiting for support's validation.
    PendingSupport,
    /// Validated: a provisional access code was sent.
    Validated,
    /// The person signed in for the first time: the account is active.
    Active,
    /// Refused, with a reason.
    Refused,
}

impl RequestState {
    /// Stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            RequestState::PendingApprover => "pending_approver",
            RequestState::PendingSupport => "pending_support",
            RequestState::Validated => "validated",
            RequestState::Active => "active",
            RequestState::Refused => "refused",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending_approver" => RequestState::PendingApprover,
            "pending_support" => RequestState::PendingSupport,
            "validated" => RequestState::Validated,
            "active" => RequestState::Active,
            "refused" => RequestState::Refused,
            _ => return None,
        })
    }

    /// Label in the interface.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            RequestState::PendingApprover => lang.t("En attente de l'approbateur", "Waiting for the approver"),
            RequestState::PendingSupport => {
                lang.t("En attente de validation par le support", "Waiting for support's validation")
            }
            RequestState::Validated => lang.t("Validée : code d'accès envoyé", "Validated: access code sent"),
            RequestState::Active => lang.t("Compte actif", "Account active"),
            RequestState::Refused => lang.t("Refusée", "Refused"),
        }
    }

    /// The state a new request starts in: with the approver for a collaborator asking for
    /// rights, with support otherwise.
    pub const fn initial(profile: Profile, rights: Rights) -> Self {
        match (profile, rights.any()) {
            (Profile::Collaborator, true) => RequestState::PendingApprover,
            _ => RequestState::PendingSupport,
        }
    }
}

impl RequestState {
    /// The state a shared account's request starts in: with the structure's approvers when
    /// it asks for rights and its creator does not approve for the structure (nobody
    /// approves their own request), with support otherwise.
    pub const fn initial_shared(rights: Rights, creator_approves: bool) -> Self {
        if rights.any() && !creator_approves { RequestState::PendingApprover } else { RequestState::PendingSupport }
    }
}

impl TryFrom<String> for Profile {
    type Error = crate::domain::account::UnknownValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Profile::parse(&s).ok_or(crate::domain::account::UnknownValue(s))
    }
}

impl TryFrom<String> for RequestState {
    type Error = crate::domain::account::UnknownValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        RequestState::parse(&s).ok_or(crate::domain::account::UnknownValue(s))
    }
}

/// A non-empty reason for a refusal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason(String);

impl Reason {
    /// Longest reason kept.
    pub const MAX: usize = 1000;

    /// A trimmed, non-empty reason of at most 1000 characters.
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        (!t.is_empty() && t.chars().count() <= Self::MAX).then(|| Reason(t.to_string()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A request waiting for its approver (the only state that can be approved).
#[derive(Debug, PartialEq, Eq)]
pub struct AwaitingApprover(());
/// A request waiting for support (the only state that can be validated).
#[derive(Debug, PartialEq, Eq)]
pub struct AwaitingSupport(());
/// A validated request (the only state that can be activated).
#[derive(Debug, PartialEq, Eq)]
pub struct Validated(());
/// An active account's request: the end.
#[derive(Debug, PartialEq, Eq)]
pub struct Active(());
/// A refused request: the end.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused(pub Reason);

/// A legal move of a request from one typed state to the next. Only the transition
/// methods below make one; the store applies it to the database with an update that
/// expects `F`'s stored state and writes `T`'s, so an illegal move cannot even be written.
#[derive(Debug, PartialEq, Eq)]
pub struct Transition<F: State, T: State> {
    next: T,
    from: std::marker::PhantomData<F>,
}

impl<F: State, T: State> Transition<F, T> {
    fn to(next: T) -> Self {
        Transition { next, from: std::marker::PhantomData }
    }

    /// The stored state the request must be in.
    pub const fn from_state(&self) -> RequestState {
        F::STATE
    }

    /// The stored state it moves to.
    pub const fn to_state(&self) -> RequestState {
        T::STATE
    }

    /// The state reached (a refusal's reason, say).
    pub fn next(&self) -> &T {
        &self.next
    }

    /// The state reached, to go on from.
    pub fn into_next(self) -> T {
        self.next
    }
}

impl AwaitingApprover {
    /// The approver agrees (possibly with fewer rights or other sites).
    pub fn approve(self) -> Transition<AwaitingApprover, AwaitingSupport> {
        Transition::to(AwaitingSupport(()))
    }
    /// The approver refuses.
    pub fn refuse(self, reason: Reason) -> Transition<AwaitingApprover, Refused> {
        Transition::to(Refused(reason))
    }
}

impl AwaitingSupport {
    /// Support validates: a provisional access code is issued.
    pub fn validate(self) -> Transition<AwaitingSupport, Validated> {
        Transition::to(Validated(()))
    }
    /// Support refuses.
    pub fn refuse(self, reason: Reason) -> Transition<AwaitingSupport, Refused> {
        Transition::to(Refused(reason))
    }
}

impl Validated {
    /// The person signed in with the code and accepted the terms.
    pub fn activate(self) -> Transition<Validated, Active> {
        Transition::to(Active(()))
    }
}

/// A stored request, in the type of its state.
#[derive(Debug, PartialEq, Eq)]
pub enum Stored {
    /// See [`AwaitingApprover`].
    AwaitingApprover(AwaitingApprover),
    /// See [`AwaitingSupport`].
    AwaitingSupport(AwaitingSupport),
    /// See [`Validated`].
    Validated(Validated),
    /// Active.
    Active,
    /// Refused.
    Refused,
}

impl Stored {
    /// The typed state of a stored request.
    pub fn from_state(state: RequestState) -> Self {
        match state {
            RequestState::PendingApprover => Stored::AwaitingApprover(AwaitingApprover(())),
            RequestState::PendingSupport => Stored::AwaitingSupport(AwaitingSupport(())),
            RequestState::Validated => Stored::Validated(Validated(())),
            RequestState::Active => Stored::Active,
            RequestState::Refused => Stored::Refused,
        }
    }
}

/// The stored state each typed state corresponds to.
pub trait State {
    /// Stored form.
    const STATE: RequestState;
}

impl State for AwaitingApprover {
    const STATE: RequestState = RequestState::PendingApprover;
}
impl State for AwaitingSupport {
    const STATE: RequestState = RequestState::PendingSupport;
}
impl State for Validated {
    const STATE: RequestState = RequestState::Validated;
}
impl State for Active {
    const STATE: RequestState = RequestState::Active;
}
impl State for Refused {
    const STATE: RequestState = RequestState::Refused;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_of<S: State>(_: &S) -> RequestState {
        S::STATE
    }

    #[test]
    fn defaults_per_profile() {
        assert_eq!(Profile::Biologist.default_rights(), Rights { results: true, invoices: true });
        assert_eq!(Profile::Collaborator.default_rights(), Rights::default());
    }

    #[test]
    fn where_requests_start() {
        let rights = Rights { results: true, invoices: false };
        assert_eq!(RequestState::initial(Profile::Collaborator, rights), RequestState::PendingApprover);
        assert_eq!(RequestState::initial(Profile::Collaborator, Rights::default()), RequestState::PendingSupport);
        assert_eq!(RequestState::initial(Profile::Biologist, rights), RequestState::PendingSupport);
        assert_eq!(RequestState::initial(Profile::Biologist, Rights::default()), RequestState::PendingSupport);
    }

    #[test]
    fn where_shared_account_requests_start() {
        let rights = Rights { results: true, invoices: false };
        assert_eq!(RequestState::initial_shared(rights, false), RequestState::PendingApprover);
        assert_eq!(RequestState::initial_shared(rights, true), RequestState::PendingSupport);
        assert_eq!(RequestState::initial_shared(Rights::default(), false), RequestState::PendingSupport);
    }

    #[test]
    fn the_happy_path_of_a_collaborator() {
        let Stored::AwaitingApprover(r) = Stored::from_state(RequestState::PendingApprover) else { panic!() };
        let t = r.approve();
        assert_eq!((t.from_state(), t.to_state()), (RequestState::PendingApprover, RequestState::PendingSupport));
        let t = t.into_next().validate();
        assert_eq!(state_of(t.next()), RequestState::Validated);
        let t = t.into_next().activate();
        assert_eq!((t.from_state(), t.to_state()), (RequestState::Validated, RequestState::Active));
    }

    #[test]
    fn refusals_from_either_waiting_state_carry_a_reason() {
        let reason = Reason::parse("  Pas de ce laboratoire  ").unwrap();
        let Stored::AwaitingApprover(r) = Stored::from_state(RequestState::PendingApprover) else { panic!() };
        let refused = r.refuse(reason.clone());
        assert_eq!(refused.to_state(), RequestState::Refused);
        assert_eq!(refused.next().0.as_str(), "Pas de ce laboratoire");
        let Stored::AwaitingSupport(r) = Stored::from_state(RequestState::PendingSupport) else { panic!() };
        assert_eq!(r.refuse(reason).to_state(), RequestState::Refused);
        assert!(Reason::parse("   ").is_none());
        assert!(Reason::parse(&"x".repeat(1001)).is_none());
    }

    #[test]
    fn ended_requests_offer_no_transition() {
        assert_eq!(Stored::from_state(RequestState::Refused), Stored::Refused);
        assert_eq!(Stored::from_state(RequestState::Active), Stored::Active);
        for s in ["pending_approver", "pending_support", "validated", "active", "refused"] {
            assert_eq!(RequestState::parse(s).map(|x| x.as_str()), Some(s));
        }
    }

    #[test]
    fn site_scopes() {
        assert_eq!(SiteScope::new(true, vec![]), Some(SiteScope::All));
        assert_eq!(SiteScope::new(false, vec![]), None);
        assert_eq!(SiteScope::new(false, vec![3, 1, 3]), Some(SiteScope::Selected(vec![1, 3])));
    }
}
