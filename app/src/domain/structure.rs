//! Structures, their correspondent codes, départements and the roll-out calendar.

use super::date::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A structure's correspondent code: letters and digits, typed in any case, with or
/// without spaces or dashes.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Debug)]
pub struct CorrespondentCode(String);

/// Why a typed correspondent code was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CorrespondentCodeError {
    /// Nothing typed.
    Empty,
    /// Not 3 to 12 letters and digits.
    Invalid,
}

impl CorrespondentCodeError {
    /// The message shown next to the field.
    pub fn message(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            CorrespondentCodeError::Empty => lang
                .t("Indiquez le code correspondant de votre structure.", "Enter your structure's correspondent code."),
            CorrespondentCodeError::Invalid => lang.t(
                "Un code correspondant est fait de 3 à 12 lettres et chiffres.",
                "A correspondent code has 3 to 12 letters and digits.",
            ),
        }
    }
}

impl CorrespondentCode {
    /// Parses a typed code: case, spaces, dots and dashes do not matter.
    pub fn parse(s: &str) -> Result<Self, CorrespondentCodeError> {
        let canonical: String = s
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '.' | '_' | '/')))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if canonical.is_empty() {
            return Err(CorrespondentCodeError::Empty);
        }
        if !(3..=12).contains(&canonical.len()) || !canonical.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(CorrespondentCodeError::Invalid);
        }
        Ok(CorrespondentCode(canonical))
    }

    /// The canonical code (stored and compared).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CorrespondentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a French département code: `01`–`95` (`20` excepted), `2A`, `2B`, `971`–`976`.
pub fn parse_departement(s: &str) -> Option<String> {
    let t = s.trim().to_ascii_uppercase();
    let t = if t.len() == 1 && t.bytes().all(|b| b.is_ascii_digit()) { format!("0{t}") } else { t };
    let ok = match t.as_str() {
        "2A" | "2B" => true,
        d if d.len() == 2 => d.parse::<u32>().is_ok_and(|n| (1..=95).contains(&n) && n != 20),
        d if d.len() == 3 => d.parse::<u32>().is_ok_and(|n| (971..=976).contains(&n)),
        _ => false,
    };
    ok.then_some(t)
}

/// When a structure can sign up, given the départements of its sites.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Opening {
    /// At least one of its sites is in an open département.
    Open,
    /// Not yet: the earliest opening date of its départements.
    OpensOn(Date),
    /// Not scheduled: none of its départements is in the calendar yet.
    NotScheduled,
}

/// Decides a structure's opening from each of its sites' opening date (`None`: not in the
/// calendar) and today's date.
pub fn opening(site_openings: &[Option<Date>], today: Date) -> Opening {
    if site_openings.iter().flatten().any(|d| *d <= today) {
        return Opening::Open;
    }
    match site_openings.iter().flatten().min() {
        Some(d) => Opening::OpensOn(*d),
        None => Opening::NotScheduled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgiving_codes() {
        assert_eq!(CorrespondentCode::parse(" 86 bv-01 ").unwrap().as_str(), "86BV01");
        assert_eq!(CorrespondentCode::parse(""), Err(CorrespondentCodeError::Empty));
        assert_eq!(CorrespondentCode::parse("ab"), Err(CorrespondentCodeError::Invalid));
        assert_eq!(CorrespondentCode::parse("86é01"), Err(CorrespondentCodeError::Invalid));
    }

    #[test]
    fn departements() {
        assert_eq!(parse_departement("86").as_deref(), Some("86"));
        assert_eq!(parse_departement("5").as_deref(), Some("05"));
        assert_eq!(parse_departement("2a").as_deref(), Some("2A"));
        assert_eq!(parse_departement("974").as_deref(), Some("974"));
        assert_eq!(parse_departement("20"), None);
        assert_eq!(parse_departement("96"), None);
        assert_eq!(parse_departement("977"), None);
    }

    #[test]
    fn openings() {
        let today = Date::new(2026, 11, 22).unwrap();
        let past = Date::new(2026, 10, 1).unwrap();
        let soon = Date::new(2027, 1, 1).unwrap();
        let later = Date::new(2027, 3, 1).unwrap();
        assert_eq!(opening(&[Some(soon), Some(past)], today), Opening::Open);
        assert_eq!(opening(&[Some(later), Some(soon), None], today), Opening::OpensOn(soon));
        assert_eq!(opening(&[None, None], today), Opening::NotScheduled);
        assert_eq!(opening(&[Some(today)], today), Opening::Open);
    }
}
