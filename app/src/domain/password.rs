//! Password rules, shared by the browser (while typing) and the server (on submission).
//!
//! A password is either *complex* (8+ characters with upper case, lower case, digit and
//! special character) or a *passphrase* (14+ characters). Common and breached-looking
//! passwords are refused by the server, which alone carries the list of common passwords.

use serde::{Deserialize, Serialize};

/// Shortest complex password.
pub const MIN_LEN: usize = 8;
/// Shortest passphrase (no character-class rules).
pub const PASSPHRASE_LEN: usize = 14;
/// Longest password accepted.
pub const MAX_LEN: usize = 128;

/// One thing wrong with a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordProblem {
    /// Nothing typed.
    Empty,
    /// Fewer than 8 characters.
    TooShort,
    /// More than 128 characters.
    TooLong,
    /// No upper-case letter (and shorter than a passphrase).
    NoUpper,
    /// No lower-case letter (and shorter than a passphrase).
    NoLower,
    /// No digit (and shorter than a passphrase).
    NoDigit,
    /// No special character (and shorter than a passphrase).
    NoSpecial,
    /// One of the most used passwords, or a slight variation of one.
    Common,
    /// Made of the person's own name or e-mail address.
    Personal,
    /// A repeated character or a keyboard/number run.
    Repetitive,
}

impl PasswordProblem {
    /// The message shown next to the field.
    pub fn message(&self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            PasswordProblem::Empty => lang.t("Choisissez un mot de passe.", "Choose a password."),
            PasswordProblem::TooShort => lang.t(
                "Au moins 8 caractères (ou une phrase de passe de 14 caractères ou plus).",
                "At least 8 characters (or a passphrase of 14 characters or more).",
            ),
            PasswordProblem::TooLong => lang.t("Au plus 128 caractères.", "At most 128 characters."),
            PasswordProblem::NoUpper => lang.t("Ajoutez une lettre majuscule.", "Add an upper-case letter."),
            PasswordProblem::NoLower => lang.t("Ajoutez une lettre minuscule.", "Add a lower-case letter."),
            PasswordProblem::NoDigit => lang.t("Ajoutez un chiffre.", "Add a digit."),
            PasswordProblem::NoSpecial => lang.t(
                "Ajoutez un caractère spécial (par exemple ! ? - _ #).",
                "Add a special character (for example ! ? - _ #).",
            ),
            PasswordProblem::Common => lang.t(
                "Ce mot de passe fait partie des plus utilisés : choisissez-en un moins prévisible.",
                "This password is among the most used: choose a less predictable one.",
            ),
            PasswordProblem::Personal => lang.t(
                "N'utilisez pas votre nom ni votre adresse e-mail dans le mot de passe.",
                "Do not use your name or e-mail address in the password.",
            ),
            PasswordProblem::Repetitive => lang.t(
                "Évitez les répétitions et les suites (aaaa, 1234, azerty).",
                "Avoid repetitions and runs (aaaa, 1234, qwerty).",
            ),
        }
    }
}

/// How strong a password looks, for the meter shown while typing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Strength {
    /// Refused or trivially guessable.
    VeryWeak = 0,
    /// Acceptable only by the letter of the rules.
    Weak = 1,
    /// Fair.
    Fair = 2,
    /// Good.
    Good = 3,
    /// Very strong.
    Strong = 4,
}

impl Strength {
    /// Label shown next to the meter.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            Strength::VeryWeak => lang.t("Très faible", "Very weak"),
            Strength::Weak => lang.t("Faible", "Weak"),
            Strength::Fair => lang.t("Moyen", "Fair"),
            Strength::Good => lang.t("Bon", "Good"),
            Strength::Strong => lang.t("Excellent", "Strong"),
        }
    }
}

fn is_special(c: char) -> bool {
    !c.is_alphanumeric()
}

/// The character-class and length rules, as the browser checks them while typing.
pub fn check_rules(password: &str) -> Vec<PasswordProblem> {
    let len = password.chars().count();
    if len == 0 {
        return vec![PasswordProblem::Empty];
    }
    if len > MAX_LEN {
        return vec![PasswordProblem::TooLong];
    }
    let mut problems = Vec::new();
    if is_repetitive(password) {
        problems.push(PasswordProblem::Repetitive);
    }
    if len >= PASSPHRASE_LEN {
        return problems;
    }
    if len < MIN_LEN {
        problems.push(PasswordProblem::TooShort);
    }
    if !password.chars().any(char::is_uppercase) {
        problems.push(PasswordProblem::NoUpper);
    }
    if !password.chars().any(char::is_lowercase) {
        problems.push(PasswordProblem::NoLower);
    }
    if !password.chars().any(|c| c.is_ascii_digit()) {
        problems.push(PasswordProblem::NoDigit);
    }
    if !password.chars().any(is_special) {
        problems.push(PasswordProblem::NoSpecial);
    }
    problems
}

/// Keyboard rows and counting runs people use as passwords.
const RUNS: &[&str] = &[
    "0123456789012",
    "9876543210987",
    "abcdefghijklmnopqrstuvwxyz",
    "azertyuiop",
    "qwertyuiop",
    "qsdfghjklm",
    "asdfghjkl",
    "wxcvbn",
    "zxcvbnm",
];

/// True when the password is one character repeated, or (ignoring case) wholly a run.
/// Case is folded for ASCII letters only: the runs are ASCII, and full Unicode lower-casing
/// would put its conversion tables (about 5 KB brotli) in every page with a password field.
pub fn is_repetitive(password: &str) -> bool {
    let lower = password.to_ascii_lowercase();
    let mut chars = lower.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if lower.chars().count() >= 3 && chars.all(|c| c == first) {
        return true;
    }
    lower.chars().count() >= 4 && RUNS.iter().any(|run| run.contains(lower.as_str()))
}

/// The "base word" of a password: lower case, common letter-for-digit substitutions undone,
/// digits and symbols trimmed from both ends (`P@ssw0rd2024!` → `password`).
pub fn base_word(password: &str) -> String {
    let decoded: String = password
        .to_lowercase()
        .chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '0' => 'o',
            '1' | '!' => 'i',
            '3' | '€' => 'e',
            '$' | '5' => 's',
            '7' => 't',
            c => c,
        })
        .collect();
    // Trim what was digits or symbols in the original at both ends.
    let original: Vec<char> = password.chars().collect();
    let decoded: Vec<char> = decoded.chars().collect();
    let keep = |c: &char| c.is_alphabetic();
    let start = original.iter().position(keep).unwrap_or(original.len());
    let end = original.iter().rposition(keep).map_or(start, |i| i + 1);
    decoded[start..end.max(start)].iter().collect()
}

/// Checks that the password does not contain the person's name or e-mail local part.
pub fn is_personal(password: &str, personal: &[&str]) -> bool {
    let lower = password.to_lowercase();
    personal.iter().any(|p| {
        let p = p.trim().to_lowercase();
        let p = p.split('@').next().unwrap_or_default();
        p.chars().count() >= 4 && lower.contains(p)
    })
}

/// An estimate of the password's strength, for the meter (not a security decision).
pub fn strength(password: &str) -> Strength {
    let len = password.chars().count();
    if len == 0 || is_repetitive(password) {
        return Strength::VeryWeak;
    }
    let mut pool = 0u32;
    if password.chars().any(|c| c.is_ascii_lowercase()) {
        pool += 26;
    }
    if password.chars().any(|c| c.is_ascii_uppercase()) {
        pool += 26;
    }
    if password.chars().any(|c| c.is_ascii_digit()) {
        pool += 10;
    }
    if password.chars().any(|c| c.is_ascii() && is_special(c)) {
        pool += 33;
    }
    if !password.is_ascii() {
        pool += 60;
    }
    // log2 of the pool size, in tenths of a bit, by table (no floating point maths).
    let tenths_per_char: u32 = match pool {
        0..=10 => 33,
        11..=26 => 47,
        27..=36 => 52,
        37..=52 => 57,
        53..=62 => 60,
        63..=95 => 66,
        _ => 72,
    };
    // Repeated characters add little: count distinct characters at full value.
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let effective = (distinct.len() as u32 * 2 + len as u32) / 3;
    let bits = effective * tenths_per_char / 10;
    let by_bits = match bits {
        0..=27 => Strength::VeryWeak,
        28..=39 => Strength::Weak,
        40..=59 => Strength::Fair,
        60..=79 => Strength::Good,
        _ => Strength::Strong,
    };
    if check_rules(password).is_empty() { by_bits.max(Strength::Weak) } else { by_bits.min(Strength::Weak) }
}

#[cfg(feature = "ssr")]
mod common {
    use std::collections::HashSet;
    use std::sync::LazyLock;

    static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
        include_str!("../../data/common-passwords.txt").lines().map(str::trim).filter(|l| !l.is_empty()).collect()
    });

    /// Number of passwords in the shipped list.
    pub fn list_len() -> usize {
        COMMON.len()
    }

    /// True when the password, or its base word, is among the most used passwords.
    pub fn is_common(password: &str) -> bool {
        let lower = password.to_lowercase();
        if COMMON.contains(lower.as_str()) {
            return true;
        }
        let base = super::base_word(password);
        base.chars().count() >= 4 && COMMON.contains(base.as_str())
    }
}

#[cfg(feature = "ssr")]
pub use common::{is_common, list_len as common_list_len};

/// Every rule, including the common-password list: what the server enforces.
#[cfg(feature = "ssr")]
pub fn check(password: &str, personal: &[&str]) -> Vec<PasswordProblem> {
    let mut problems = check_rules(password);
    if problems.contains(&PasswordProblem::Empty) || problems.contains(&PasswordProblem::TooLong) {
        return problems;
    }
    if is_common(password) {
        problems.push(PasswordProblem::Common);
    }
    if is_personal(password, personal) {
        problems.push(PasswordProblem::Personal);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complex_passwords_need_every_class() {
        assert!(check_rules("Lab0rat!").is_empty());
        assert_eq!(
            check_rules("abc"),
            vec![
                PasswordProblem::TooShort,
                PasswordProblem::NoUpper,
                PasswordProblem::NoDigit,
                PasswordProblem::NoSpecial
            ]
        );
        assert_eq!(check_rules("Laboratoire1"), vec![PasswordProblem::NoSpecial]);
    }

    #[test]
    fn passphrases_need_only_length() {
        assert!(check_rules("cheval bleu dans le pré").is_empty());
        assert_eq!(check_rules(""), vec![PasswordProblem::Empty]);
        assert_eq!(check_rules(&"a".repeat(129)), vec![PasswordProblem::TooLong]);
    }

    #[test]
    fn repetitions_and_runs_are_refused() {
        assert!(is_repetitive("aaaaaaaaaaaaaaaa"));
        assert!(is_repetitive("12345678"));
        assert!(is_repetitive("AZERTYUIOP"));
        assert!(!is_repetitive("Lab0rat!"));
        assert!(check_rules("aaaaaaaaaaaaaaaaaa").contains(&PasswordProblem::Repetitive));
    }

    #[test]
    fn base_words_undo_decorations() {
        assert_eq!(base_word("P@ssw0rd2024!"), "password");
        assert_eq!(base_word("Soleil2024!"), "soleil");
        assert_eq!(base_word("2024"), "");
    }

    #[test]
    fn personal_information_is_spotted() {
        assert!(is_personal("Dupont2024!", &["Dupont", "Jean", "jean.d@x.fr"]));
        assert!(!is_personal("Lab0rat!", &["Dupont", "Jean", "jean.d@x.fr"]));
        // Very short names are not treated as personal information.
        assert!(!is_personal("Lab0rat!Li", &["Li"]));
    }

    #[test]
    fn strength_grows_with_length_and_variety() {
        assert_eq!(strength(""), Strength::VeryWeak);
        assert_eq!(strength("aaaaaaaa"), Strength::VeryWeak);
        assert!(strength("abc") <= Strength::Weak);
        assert!(strength("Lab0rat!") >= Strength::Weak);
        assert!(strength("Un cheval bleu traverse la Vienne en 2026 !") >= Strength::Good);
        assert!(strength("Lab0rat!") < strength("Lab0rat!Vienne-86-Poitiers"));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn common_passwords_are_refused_by_the_server() {
        assert!(common_list_len() >= 10_000);
        assert!(is_common("azerty"));
        assert!(is_common("Password1!"));
        assert!(is_common("Soleil2024!"));
        assert!(!is_common("Vienne-Bleu-73!"));
        assert!(check("Motdepasse1!", &[]).contains(&PasswordProblem::Common));
        assert!(check("Lab0-Poitiers!", &["Jean"]).is_empty());
    }
}
