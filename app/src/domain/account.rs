//! Kinds of accounts and their statuses.

use serde::{Deserialize, Serialize};

/// Who an account belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UserKind {
    /// A patient (or parent, caregiver) who links lab records.
    Patient,
    /// A lab professional: biologist or collaborator.
    Professional,
    /// A support agent of the lab network (back-office).
    Support,
    /// A shared (organisation) account, e.g. a structure's secretariat: it has no password
    /// and never signs in; its members reach it from their own accounts.
    Shared,
    /// Lab front-desk staff (Accueil): only finds patient records and issues new
    /// activation codes at the counter (`/support/dossiers`).
    FrontDesk,
}

impl UserKind {
    /// Stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            UserKind::Patient => "patient",
            UserKind::Professional => "professional",
            UserKind::Support => "support",
            UserKind::Shared => "shared",
            UserKind::FrontDesk => "front_desk",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "patient" => Some(UserKind::Patient),
            "professional" => Some(UserKind::Professional),
            "support" => Some(UserKind::Support),
            "shared" => Some(UserKind::Shared),
            "front_desk" => Some(UserKind::FrontDesk),
            _ => None,
        }
    }

    /// Label in the interface.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            UserKind::Patient => lang.t("Patient", "Patient"),
            UserKind::Professional => lang.t("Professionnel", "Professional"),
            UserKind::Support => lang.t("Support", "Support"),
            UserKind::Shared => lang.t("Compte partagé", "Shared account"),
            UserKind::FrontDesk => lang.t("Accueil", "Front desk"),
        }
    }
}

/// Where an account is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccountStatus {
    /// A patient who has not yet confirmed their e-mail address.
    Unverified,
    /// Invitation (or provisional access code) sent, not yet accepted.
    InvitationSent,
    /// Invitation not accepted within 14 days.
    InvitationExpired,
    /// Password chosen; terms not yet accepted at a first sign-in.
    InvitationAccepted,
    /// In use.
    Active,
    /// Blocked by support: signed out everywhere, cannot sign in.
    Deactivated,
}

impl AccountStatus {
    /// Stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Unverified => "unverified",
            AccountStatus::InvitationSent => "invitation_sent",
            AccountStatus::InvitationExpired => "invitation_expired",
            AccountStatus::InvitationAccepted => "invitation_accepted",
            AccountStatus::Active => "active",
            AccountStatus::Deactivated => "deactivated",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "unverified" => AccountStatus::Unverified,
            "invitation_sent" => AccountStatus::InvitationSent,
            "invitation_expired" => AccountStatus::InvitationExpired,
            "invitation_accepted" => AccountStatus::InvitationAccepted,
            "active" => AccountStatus::Active,
            "deactivated" => AccountStatus::Deactivated,
            _ => return None,
        })
    }

    /// Every status, in the order of an account's life.
    pub const ALL: [AccountStatus; 6] = [
        AccountStatus::Unverified,
        AccountStatus::InvitationSent,
        AccountStatus::InvitationExpired,
        AccountStatus::InvitationAccepted,
        AccountStatus::Active,
        AccountStatus::Deactivated,
    ];

    /// Label in the interface (the admin console's status filter uses these).
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            AccountStatus::Unverified => lang.t("E-mail non vérifié", "E-mail not verified"),
            AccountStatus::InvitationSent => lang.t("Invitation envoyée", "Invitation sent"),
            AccountStatus::InvitationExpired => lang.t("Invitation expirée", "Invitation expired"),
            AccountStatus::InvitationAccepted => lang.t("Invitation acceptée", "Invitation accepted"),
            AccountStatus::Active => lang.t("Actif", "Active"),
            AccountStatus::Deactivated => lang.t("Désactivé", "Deactivated"),
        }
    }
}

/// A stored value that names no known variant: a row that does not decode is an error,
/// never a silent default.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown stored value '{0}'")]
pub struct UnknownValue(pub String);

impl TryFrom<String> for UserKind {
    type Error = UnknownValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        UserKind::parse(&s).ok_or(UnknownValue(s))
    }
}

impl TryFrom<String> for AccountStatus {
    type Error = UnknownValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        AccountStatus::parse(&s).ok_or(UnknownValue(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_forms_round_trip() {
        for s in AccountStatus::ALL {
            assert_eq!(AccountStatus::parse(s.as_str()), Some(s));
        }
        for k in [UserKind::Patient, UserKind::Professional, UserKind::Support, UserKind::Shared] {
            assert_eq!(UserKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(AccountStatus::parse("nonsense"), None);
        assert!(UserKind::try_from("robot".to_string()).is_err(), "no silent default");
    }
}
