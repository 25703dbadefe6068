//! Shared (organisation) accounts: the professions of the responsible professional, whether
//! they need an RPPS identifier, and the roles of the members.

use serde::{Deserialize, Serialize};

/// The profession of a shared account's responsible professional.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Profession {
    /// Biologiste.
    Biologist,
    /// Médecin.
    Physician,
    /// Pharmacien.
    Pharmacist,
    /// Infirmier.
    Nurse,
    /// Sage-femme.
    Midwife,
    /// Chirurgien-dentiste.
    Dentist,
    /// Masseur-kinésithérapeute.
    Physiotherapist,
    /// Another profession, without an RPPS identifier.
    Other,
}

impl Profession {
    /// Every profession, in the order of the list.
    pub const ALL: [Profession; 8] = [
        Profession::Biologist,
        Profession::Physician,
        Profession::Pharmacist,
        Profession::Nurse,
        Profession::Midwife,
        Profession::Dentist,
        Profession::Physiotherapist,
        Profession::Other,
    ];

    /// Stored and form value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Profession::Biologist => "biologiste",
            Profession::Physician => "medecin",
            Profession::Pharmacist => "pharmacien",
            Profession::Nurse => "infirmier",
            Profession::Midwife => "sage-femme",
            Profession::Dentist => "chirurgien-dentiste",
            Profession::Physiotherapist => "masseur-kinesitherapeute",
            Profession::Other => "autre",
        }
    }

    /// Reads the stored or form value.
    pub fn parse(s: &str) -> Option<Self> {
        Profession::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Label in the interface.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            Profession::Biologist => lang.t("Biologiste", "Biologist"),
            Profession::Physician => lang.t("Médecin", "Physician"),
            Profession::Pharmacist => lang.t("Pharmacien", "Pharmacist"),
            Profession::Nurse => lang.t("Infirmier", "Nurse"),
            Profession::Midwife => lang.t("Sage-femme", "Midwife"),
            Profession::Dentist => lang.t("Chirurgien-dentiste", "Dentist"),
            Profession::Physiotherapist => lang.t("Masseur-kinésithérapeute", "Physiotherapist"),
            Profession::Other => lang.t("Autre", "Other"),
        }
    }

    /// Whether the profession is registered in the RPPS (every health profession of the
    /// list; "autre" is not).
    pub const fn has_rpps(self) -> bool {
        !matches!(self, Profession::Other)
    }
}

impl TryFrom<String> for Profession {
    type Error = crate::domain::account::UnknownValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Profession::parse(&s).ok_or(crate::domain::account::UnknownValue(s))
    }
}

/// What a member may do on a shared account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SharedRole {
    /// The responsible professional: everything a manager does, names managers, hands over.
    Responsible,
    /// Adds and removes members.
    Manager,
    /// Uses the account.
    Member,
}

impl SharedRole {
    /// Stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            SharedRole::Responsible => "responsible",
            SharedRole::Manager => "manager",
            SharedRole::Member => "member",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "responsible" => Some(SharedRole::Responsible),
            "manager" => Some(SharedRole::Manager),
            "member" => Some(SharedRole::Member),
            _ => None,
        }
    }

    /// Label in the interface.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            SharedRole::Responsible => lang.t("Responsable", "Responsible"),
            SharedRole::Manager => lang.t("Gestionnaire", "Manager"),
            SharedRole::Member => lang.t("Membre", "Member"),
        }
    }

    /// Whether this role adds and removes members.
    pub const fn manages_members(self) -> bool {
        matches!(self, SharedRole::Responsible | SharedRole::Manager)
    }

    /// Whether a member of this role may remove a member of role `other`: managers remove
    /// members and other managers, never the responsible (who hands over first).
    pub const fn may_remove(self, other: SharedRole) -> bool {
        self.manages_members() && !matches!(other, SharedRole::Responsible)
    }
}

impl TryFrom<String> for SharedRole {
    type Error = crate::domain::account::UnknownValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        SharedRole::parse(&s).ok_or(crate::domain::account::UnknownValue(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn professions_round_trip_and_rpps() {
        for p in Profession::ALL {
            assert_eq!(Profession::parse(p.as_str()), Some(p));
        }
        assert!(Profession::Nurse.has_rpps());
        assert!(!Profession::Other.has_rpps());
        assert_eq!(Profession::parse("plombier"), None);
    }

    #[test]
    fn who_removes_whom() {
        use SharedRole::*;
        assert!(Responsible.may_remove(Manager));
        assert!(Manager.may_remove(Member));
        assert!(Manager.may_remove(Manager));
        assert!(!Manager.may_remove(Responsible));
        assert!(!Member.may_remove(Member));
        for r in [Responsible, Manager, Member] {
            assert_eq!(SharedRole::parse(r.as_str()), Some(r));
        }
    }
}
