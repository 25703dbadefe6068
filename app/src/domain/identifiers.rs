//! Identifiers of establishments and health professionals, checked with their keys: FINESS
//! (géographique), SIREN and SIRET for establishments, RPPS for professionals; and the
//! département a French postcode belongs to.
//!
//! Every one of them ends with a Luhn key, so one mistyped digit (or two neighbours swapped)
//! is caught as the person types, in the browser, by this very code — the server checks the
//! same way when the form arrives. Known exceptions:
//! - La Poste's SIRETs (SIREN 356 000 000): the sum of the 14 digits is a multiple of 5
//!   instead of a Luhn key (the number of establishments outgrew the key's space); its
//!   head office's SIRET keeps a Luhn key;
//! - Corsican FINESS numbers start with `2A` or `2B`: the key is checked with the letter read
//!   as `0` (or, as in the NIR, `2A` as 19 and `2B` as 18), whichever the number uses.
//!
//! Hand-written (a few lines each) rather than a crate: this module is compiled into the
//! browser build, where every byte counts.

use serde::{Deserialize, Serialize};

/// The SIREN of La Poste, whose SIRETs do not carry a Luhn key.
pub const LA_POSTE_SIREN: &str = "356000000";

/// True when a string of ASCII digits ends with a valid Luhn key.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// Keeps what a person typed without spaces, dots or dashes, in upper case.
fn compact(s: &str) -> String {
    s.chars().filter(|c| !(c.is_whitespace() || matches!(c, '.' | '-' | '/'))).map(|c| c.to_ascii_uppercase()).collect()
}

/// Which identifier an establishment gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EstablishmentIdKind {
    /// The FINESS number of the geographic establishment (preferred).
    Finess,
    /// SIRET (14 digits), when the establishment has no FINESS.
    Siret,
    /// SIREN (9 digits), when the establishment has no FINESS.
    Siren,
}

impl EstablishmentIdKind {
    /// Reads the form or stored value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "finess" => Some(EstablishmentIdKind::Finess),
            "siret" => Some(EstablishmentIdKind::Siret),
            "siren" => Some(EstablishmentIdKind::Siren),
            _ => None,
        }
    }

    /// Stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            EstablishmentIdKind::Finess => "finess",
            EstablishmentIdKind::Siret => "siret",
            EstablishmentIdKind::Siren => "siren",
        }
    }

    /// Label in the interface.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            EstablishmentIdKind::Finess => lang.t("FINESS géographique", "FINESS (geographic)"),
            EstablishmentIdKind::Siret => "SIRET",
            EstablishmentIdKind::Siren => "SIREN",
        }
    }

    /// Number of characters of this identifier.
    pub const fn length(self) -> usize {
        match self {
            EstablishmentIdKind::Finess | EstablishmentIdKind::Siren => 9,
            EstablishmentIdKind::Siret => 14,
        }
    }
}

/// Why an identifier was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdentifierError {
    /// Nothing typed.
    Empty,
    /// Not the right number of digits (or other characters than digits).
    Format,
    /// The key does not match: a digit is mistyped.
    Key,
}

impl IdentifierError {
    /// The message shown next to an establishment identifier.
    pub fn establishment_message(self, kind: EstablishmentIdKind, lang: crate::i18n::Lang) -> &'static str {
        use EstablishmentIdKind::*;
        match (self, kind) {
            (IdentifierError::Empty, _) => {
                lang.t("Indiquez l'identifiant de l'établissement.", "Enter the establishment's identifier.")
            }
            (IdentifierError::Format, Finess) => lang.t(
                "Un numéro FINESS compte 9 caractères : 9 chiffres, ou 2A / 2B suivis de 7 chiffres en Corse.",
                "A FINESS number has 9 characters: 9 digits, or 2A / 2B followed by 7 digits in Corsica.",
            ),
            (IdentifierError::Format, Siret) => {
                lang.t("Un numéro SIRET compte 14 chiffres.", "A SIRET number has 14 digits.")
            }
            (IdentifierError::Format, Siren) => {
                lang.t("Un numéro SIREN compte 9 chiffres.", "A SIREN number has 9 digits.")
            }
            (IdentifierError::Key, Finess) => lang.t(
                "Ce numéro FINESS n'est pas valide (sa clé ne correspond pas) : vérifiez chaque chiffre.",
                "This FINESS number is not valid (its key does not match): check each digit.",
            ),
            (IdentifierError::Key, _) => lang.t(
                "Ce numéro n'est pas valide (sa clé ne correspond pas) : vérifiez chaque chiffre.",
                "This number is not valid (its key does not match): check each digit.",
            ),
        }
    }

    /// The message shown next to an RPPS identifier.
    pub fn rpps_message(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            IdentifierError::Empty => lang.t(
                "Indiquez l'identifiant RPPS du responsable.",
                "Enter the responsible professional's RPPS identifier.",
            ),
            IdentifierError::Format => {
                lang.t("Un identifiant RPPS compte 11 chiffres.", "An RPPS identifier has 11 digits.")
            }
            IdentifierError::Key => lang.t(
                "Cet identifiant RPPS n'est pas valide (sa clé ne correspond pas) : vérifiez chaque chiffre.",
                "This RPPS identifier is not valid (its key does not match): check each digit.",
            ),
        }
    }
}

/// An establishment's identifier, checked with its key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstablishmentId {
    /// Which identifier it is.
    pub kind: EstablishmentIdKind,
    /// Its canonical characters (digits; `2A`/`2B` for a Corsican FINESS).
    pub value: String,
}

impl EstablishmentId {
    /// Parses a typed identifier of the given kind; spaces, dots and dashes are ignored.
    pub fn parse(kind: EstablishmentIdKind, typed: &str) -> Result<Self, IdentifierError> {
        let value = compact(typed);
        if value.is_empty() {
            return Err(IdentifierError::Empty);
        }
        if value.len() != kind.length() {
            return Err(IdentifierError::Format);
        }
        let valid = match kind {
            EstablishmentIdKind::Siren => {
                if !value.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(IdentifierError::Format);
                }
                luhn_valid(&value)
            }
            EstablishmentIdKind::Siret => {
                if !value.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(IdentifierError::Format);
                }
                if value.starts_with(LA_POSTE_SIREN) {
                    luhn_valid(&value) || value.bytes().map(|b| u32::from(b - b'0')).sum::<u32>().is_multiple_of(5)
                } else {
                    luhn_valid(&value)
                }
            }
            EstablishmentIdKind::Finess => finess_key_valid(&value)?,
        };
        if valid { Ok(EstablishmentId { kind, value }) } else { Err(IdentifierError::Key) }
    }
}

/// The FINESS key: Luhn on the nine characters; in Corsica (`2A`, `2B`) with the letter read
/// as `0`, or the département read as 19 / 18.
fn finess_key_valid(value: &str) -> Result<bool, IdentifierError> {
    let (head, rest) = value.split_at(2);
    if !rest.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdentifierError::Format);
    }
    match head {
        "2A" | "2B" => {
            let insee = if head == "2A" { "19" } else { "18" };
            let mut zero = String::from("20");
            zero.push_str(rest);
            let mut numeric = String::from(insee);
            numeric.push_str(rest);
            Ok(luhn_valid(&zero) || luhn_valid(&numeric))
        }
        h if h.bytes().all(|b| b.is_ascii_digit()) => Ok(luhn_valid(value)),
        _ => Err(IdentifierError::Format),
    }
}

/// Checks an RPPS identifier (11 digits, the last a Luhn key); returns its digits.
pub fn parse_rpps(typed: &str) -> Result<String, IdentifierError> {
    let value = compact(typed);
    if value.is_empty() {
        return Err(IdentifierError::Empty);
    }
    if value.len() != 11 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdentifierError::Format);
    }
    if luhn_valid(&value) { Ok(value) } else { Err(IdentifierError::Key) }
}

/// Checks a French postcode (5 digits); returns it without spaces.
pub fn parse_postcode(typed: &str) -> Option<String> {
    let value: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    (value.len() == 5 && value.bytes().all(|b| b.is_ascii_digit()) && !value.starts_with("00")).then_some(value)
}

/// The département of a postcode, when it can be told: the first two digits; Corsica's
/// `2A` (20000–20199) and `2B` (20200–20699); overseas `971`–`976`. `None` for what the
/// person must choose themselves (Monaco's 980, overseas collectivities, an invalid code).
pub fn departement_of_postcode(postcode: &str) -> Option<String> {
    let code = parse_postcode(postcode)?;
    let head = &code[..2];
    let dep = match head {
        "20" => {
            let n: u32 = code.parse().ok()?;
            if n < 20200 { "2A".to_string() } else { "2B".to_string() }
        }
        "97" => code[..3].to_string(),
        "98" => return None,
        h => h.to_string(),
    };
    super::structure::parse_departement(&dep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use EstablishmentIdKind::*;
    use proptest::prelude::*;

    #[test]
    fn fixed_vectors() {
        // Real, published numbers.
        assert!(EstablishmentId::parse(Siren, "732 829 320").is_ok());
        assert!(EstablishmentId::parse(Siren, "443061841").is_ok());
        assert!(EstablishmentId::parse(Siret, "732 829 320 00074").is_ok());
        assert!(EstablishmentId::parse(Siret, "443-061-841-00047").is_ok());
        assert!(EstablishmentId::parse(Finess, "330781196").is_ok());
        assert!(EstablishmentId::parse(Finess, "75 071 218 4").is_ok());
        assert!(EstablishmentId::parse(Finess, "010008407").is_ok());
        assert_eq!(EstablishmentId::parse(Siren, "732829321"), Err(IdentifierError::Key));
        assert_eq!(EstablishmentId::parse(Siret, "73282932000075"), Err(IdentifierError::Key));
        assert_eq!(EstablishmentId::parse(Finess, "330781197"), Err(IdentifierError::Key));
        assert_eq!(EstablishmentId::parse(Siren, ""), Err(IdentifierError::Empty));
        assert_eq!(EstablishmentId::parse(Siren, "1234"), Err(IdentifierError::Format));
        assert_eq!(EstablishmentId::parse(Siret, "7328293200007A"), Err(IdentifierError::Format));
        assert_eq!(EstablishmentId::parse(Finess, "33078119"), Err(IdentifierError::Format));
    }

    #[test]
    fn la_poste_sirets_use_their_own_rule() {
        // The head office has a Luhn key like everyone; the other establishments do not,
        // their digits add up to a multiple of 5.
        assert!(EstablishmentId::parse(Siret, "35600000000048").is_ok());
        assert!(!luhn_valid("35600000049837"));
        assert!(EstablishmentId::parse(Siret, "356 000 000 49837").is_ok());
        assert_eq!(EstablishmentId::parse(Siret, "35600000049838"), Err(IdentifierError::Key));
        // Its SIREN itself is an ordinary Luhn number.
        assert!(EstablishmentId::parse(Siren, LA_POSTE_SIREN).is_ok());
    }

    #[test]
    fn corsican_finess() {
        // 2A with the letter as 0: 20 + 6 digits + key.
        let body = "20000123";
        let key = (0..10).find(|k| luhn_valid(&format!("{body}{k}"))).unwrap();
        assert!(EstablishmentId::parse(Finess, &format!("2A000123{key}")).is_ok());
        assert!(EstablishmentId::parse(Finess, &format!("2B000123{key}")).is_ok());
        let wrong = (key + 1) % 10;
        // The other reading (19/18) must not accept the wrong key either, for this body.
        if !luhn_valid(&format!("19000123{wrong}")) {
            assert_eq!(EstablishmentId::parse(Finess, &format!("2A000123{wrong}")), Err(IdentifierError::Key));
        }
        assert_eq!(EstablishmentId::parse(Finess, "2C0001234"), Err(IdentifierError::Format));
    }

    #[test]
    fn rpps() {
        let body = "1000347301";
        let key = (0..10).find(|k| luhn_valid(&format!("{body}{k}"))).unwrap();
        assert_eq!(parse_rpps(&format!("{body}{key}")), Ok(format!("{body}{key}")));
        assert_eq!(parse_rpps(&format!("10 0034 7301 {key}")), Ok(format!("{body}{key}")));
        assert_eq!(parse_rpps(&format!("{body}{}", (key + 1) % 10)), Err(IdentifierError::Key));
        assert_eq!(parse_rpps("123"), Err(IdentifierError::Format));
        assert_eq!(parse_rpps(""), Err(IdentifierError::Empty));
    }

    #[test]
    fn departements_from_postcodes() {
        assert_eq!(departement_of_postcode("86000").as_deref(), Some("86"));
        assert_eq!(departement_of_postcode("01000").as_deref(), Some("01"));
        assert_eq!(departement_of_postcode("20000").as_deref(), Some("2A"));
        assert_eq!(departement_of_postcode("20090").as_deref(), Some("2A"));
        assert_eq!(departement_of_postcode("20200").as_deref(), Some("2B"));
        assert_eq!(departement_of_postcode("20600").as_deref(), Some("2B"));
        assert_eq!(departement_of_postcode("97400").as_deref(), Some("974"));
        assert_eq!(departement_of_postcode("97600").as_deref(), Some("976"));
        assert_eq!(departement_of_postcode("98000"), None);
        assert_eq!(departement_of_postcode("97800"), None);
        assert_eq!(departement_of_postcode("8600"), None);
        assert_eq!(departement_of_postcode("00100"), None);
    }

    /// Every other digit at one position.
    fn substitutions(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (i, c) in s.char_indices() {
            if let Some(d) = c.to_digit(10) {
                for other in (0..10).filter(|o| *o != d) {
                    let mut t = s.to_string();
                    t.replace_range(i..=i, &other.to_string());
                    out.push(t);
                }
            }
        }
        out
    }

    /// `body` completed with the Luhn key that makes it valid.
    fn with_key(body: &str) -> String {
        (0..10).map(|k| format!("{body}{k}")).find(|s| luhn_valid(s)).expect("a key exists")
    }

    proptest! {
        #[test]
        fn every_single_digit_substitution_is_caught_in_a_siren(body in "[0-9]{8}") {
            let siren = with_key(&body);
            prop_assert!(EstablishmentId::parse(Siren, &siren).is_ok());
            for t in substitutions(&siren) {
                prop_assert_eq!(EstablishmentId::parse(Siren, &t), Err(IdentifierError::Key), "{}", t);
            }
        }

        #[test]
        fn every_single_digit_substitution_is_caught_in_a_siret(body in "[0-9]{13}") {
            let siret = with_key(&body);
            prop_assume!(!siret.starts_with(LA_POSTE_SIREN));
            prop_assert!(EstablishmentId::parse(Siret, &siret).is_ok());
            for t in substitutions(&siret) {
                // A change that lands on La Poste's SIREN falls under La Poste's own rule.
                if t.starts_with(LA_POSTE_SIREN) {
                    continue;
                }
                prop_assert_eq!(EstablishmentId::parse(Siret, &t), Err(IdentifierError::Key), "{}", t);
            }
        }

        #[test]
        fn la_poste_catches_every_substitution_but_by_five(nic in "[0-9]{4}") {
            let body = format!("{LA_POSTE_SIREN}{nic}");
            let sum: u32 = body.bytes().map(|b| u32::from(b - b'0')).sum();
            let siret = format!("{body}{}", (5 - sum % 5) % 5);
            prop_assert!(EstablishmentId::parse(Siret, &siret).is_ok());
            for (i, c) in siret.char_indices().skip(9) {
                let d = c.to_digit(10).unwrap();
                for other in (0..10).filter(|o| *o != d) {
                    let mut t = siret.clone();
                    t.replace_range(i..=i, &other.to_string());
                    // The rule's known blind spot: a digit off by exactly 5 (or a change that
                    // happens to give a Luhn key, the head office's rule).
                    let expected = (other as i32 - d as i32).abs() == 5 || luhn_valid(&t);
                    prop_assert_eq!(EstablishmentId::parse(Siret, &t).is_ok(), expected, "{}", t);
                }
            }
        }

        #[test]
        fn every_single_digit_substitution_is_caught_in_a_finess(body in "[0-9]{8}") {
            let finess = with_key(&body);
            prop_assert!(EstablishmentId::parse(Finess, &finess).is_ok());
            for t in substitutions(&finess) {
                prop_assert_eq!(EstablishmentId::parse(Finess, &t), Err(IdentifierError::Key), "{}", t);
            }
        }

        #[test]
        fn every_single_digit_substitution_is_caught_in_an_rpps(body in "[0-9]{10}") {
            let rpps = with_key(&body);
            prop_assert!(parse_rpps(&rpps).is_ok());
            for t in substitutions(&rpps) {
                prop_assert_eq!(parse_rpps(&t), Err(IdentifierError::Key), "{}", t);
            }
        }

        #[test]
        fn neighbour_swaps_are_caught_unless_they_are_09_90(body in "[0-9]{10}") {
            let rpps = with_key(&body);
            let bytes = rpps.as_bytes();
            for i in 0..bytes.len() - 1 {
                if bytes[i] == bytes[i + 1] || matches!((bytes[i], bytes[i + 1]), (b'0', b'9') | (b'9', b'0')) {
                    continue;
                }
                let mut t = bytes.to_vec();
                t.swap(i, i + 1);
                let t = String::from_utf8(t).unwrap();
                prop_assert_eq!(parse_rpps(&t), Err(IdentifierError::Key), "{}", t);
            }
        }
    }
}
