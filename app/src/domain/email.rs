//! E-mail addresses: one address, one account, compared without regard to case.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A syntactically valid e-mail address, trimmed, as the person typed it.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

/// Why an address was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EmailError {
    /// Nothing typed.
    Empty,
    /// No `@`, or more than one.
    MissingAt,
    /// Something before or after the `@` is not possible in an address.
    Invalid,
    /// Longer than the 254 characters an address may have.
    TooLong,
}

impl EmailError {
    /// The message shown next to the field.
    pub fn message(&self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            EmailError::Empty => lang.t("Indiquez votre adresse e-mail.", "Enter your e-mail address."),
            EmailError::MissingAt => lang.t(
                "Une adresse e-mail contient un « @ », par exemple prenom.nom@exemple.fr.",
                "An e-mail address contains an “@”, for example first.last@example.com.",
            ),
            EmailError::Invalid => lang.t(
                "Cette adresse e-mail n'est pas valide : vérifiez-la.",
                "This e-mail address is not valid: please check it.",
            ),
            EmailError::TooLong => lang.t("Cette adresse e-mail est trop longue.", "This e-mail address is too long."),
        }
    }
}

fn valid_local(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
}

impl Email {
    /// Parses a typed address.
    pub fn parse(s: &str) -> Result<Self, EmailError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let mut parts = s.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailError::MissingAt);
        };
        if !valid_local(local) || !valid_domain(domain) {
            return Err(EmailError::Invalid);
        }
        Ok(Email(s.to_string()))
    }

    /// The address as typed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key that makes addresses unique: lower case, so `Jean@X.fr` and `jean@x.fr`
    /// are the same account.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    /// A likely intended address when the domain looks like a typo of a common provider
    /// (`gmail.con`, `hotmial.fr`…), to suggest, never to impose.
    pub fn suggestion(&self) -> Option<String> {
        const KNOWN: &[&str] = &[
            "gmail.com",
            "hotmail.fr",
            "hotmail.com",
            "yahoo.fr",
            "yahoo.com",
            "orange.fr",
            "wanadoo.fr",
            "free.fr",
            "sfr.fr",
            "laposte.net",
            "outlook.fr",
            "outlook.com",
            "icloud.com",
            "live.fr",
            "bbox.fr",
            "neuf.fr",
        ];
        let (local, domain) = self.0.rsplit_once('@')?;
        let domain = domain.to_ascii_lowercase();
        if KNOWN.contains(&domain.as_str()) {
            return None;
        }
        KNOWN
            .iter()
            .find(|k| edit_distance(k, &domain) == 1 || is_transposition(k, &domain))
            .map(|k| format!("{local}@{k}"))
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn is_transposition(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() != b.len() {
        return false;
    }
    let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    diffs.len() == 2 && diffs[1] == diffs[0] + 1 && a[diffs[0]] == b[diffs[1]] && a[diffs[1]] == b[diffs[0]]
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    // Addresses are personal data: keep them out of debug output and logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in ["jean.dupont@example.fr", "a+b@labo-86.bio", " Marie@Orange.FR "] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(Email::parse(" Marie@Orange.FR ").unwrap().key(), "marie@orange.fr");
    }

    #[test]
    fn refuses_with_a_reason() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        assert_eq!(Email::parse("jean.dupont"), Err(EmailError::MissingAt));
        assert_eq!(Email::parse("a@b@c.fr"), Err(EmailError::MissingAt));
        assert_eq!(Email::parse("jean@localhost"), Err(EmailError::Invalid));
        assert_eq!(Email::parse("jean..d@x.fr"), Err(EmailError::Invalid));
        assert_eq!(Email::parse("jean d@x.fr"), Err(EmailError::Invalid));
        assert_eq!(Email::parse("jean@x.f"), Err(EmailError::Invalid));
        assert_eq!(Email::parse(&format!("{}@x.fr", "a".repeat(260))), Err(EmailError::TooLong));
    }

    #[test]
    fn suggests_common_providers() {
        let e = Email::parse("jean@gmial.com").unwrap();
        assert_eq!(e.suggestion().as_deref(), Some("jean@gmail.com"));
        let e = Email::parse("jean@orange.fe").unwrap();
        assert_eq!(e.suggestion().as_deref(), Some("jean@orange.fr"));
        assert_eq!(Email::parse("jean@gmail.com").unwrap().suggestion(), None);
        assert_eq!(Email::parse("jean@labo86.fr").unwrap().suggestion(), None);
    }

    #[test]
    fn debug_hides_the_address() {
        assert!(!format!("{:?}", Email::parse("jean@x.fr").unwrap()).contains("jean"));
    }
}
