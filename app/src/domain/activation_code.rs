//! Activation codes printed on lab reports.
//!
//! Ten Crockford base-32 data characters (50 random bits) and one check character (the
//! value modulo 37, written with Crockford's check alphabet). The alphabet has no `I`, `L`,
//! `O` or `U`, so the characters people confuse are read as what they must mean, and any
//! single mistyped character or swap of two neighbours is caught by the check character,
//! in the browser, while the person types.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The 32 data symbols, in value order.
const DATA_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// The 37 check symbols: the data symbols followed by `* ~ $ = U`.
const CHECK_ALPHABET: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

/// Number of data characters.
pub const DATA_LEN: usize = 10;
/// Number of characters in a full code, check character included.
pub const CODE_LEN: usize = DATA_LEN + 1;

/// A well-formed activation code whose check character is right.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActivationCode(String);

/// What is wrong with a typed code, precisely enough to tell the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeError {
    /// Nothing was typed.
    Empty,
    /// Fewer characters than a code has.
    TooShort {
        /// Characters typed (separators not counted).
        len: usize,
    },
    /// More characters than a code has.
    TooLong {
        /// Characters typed (separators not counted).
        len: usize,
    },
    /// A character that never appears in a code.
    InvalidChar {
        /// The character as typed.
        ch: char,
        /// Its 1-based position among the code's characters.
        position: usize,
    },
    /// Every character is valid but the check character does not match: one was mistyped.
    Mistyped,
}

/// Which code a person was typing: the same format serves the activation codes printed on
/// reports and the provisional access codes e-mailed to professionals, but the messages
/// must name the right one and say where to find it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    /// Printed on a lab report.
    Activation,
    /// E-mailed with a validated access request.
    ProvisionalAccess,
}

impl CodeError {
    /// The message shown next to an activation-code field.
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        self.message_for(CodeKind::Activation, lang)
    }

    /// The message shown next to a field for a code of this kind.
    pub fn message_for(&self, kind: CodeKind, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang::*;
        let access = kind == CodeKind::ProvisionalAccess;
        match (self, lang) {
            (CodeError::Empty, Fr) if access => "Saisissez le code d'accès provisoire reçu par e-mail.".into(),
            (CodeError::Empty, En) if access => "Enter the provisional access code you received by e-mail.".into(),
            (CodeError::Empty, Fr) => "Saisissez le code d'activation imprimé sur votre compte rendu.".into(),
            (CodeError::Empty, En) => "Enter the activation code printed on your report.".into(),
            (CodeError::TooShort { len }, Fr) => format!("Le code est incomplet : {len} caractère(s) sur {CODE_LEN}."),
            (CodeError::TooShort { len }, En) => {
                format!("The code is incomplete: {len} of {CODE_LEN} characters.")
            }
            (CodeError::TooLong { len }, Fr) => {
                format!("Le code est trop long : {len} caractères au lieu de {CODE_LEN}.")
            }
            (CodeError::TooLong { len }, En) => {
                format!("The code is too long: {len} characters instead of {CODE_LEN}.")
            }
            (CodeError::InvalidChar { ch, position }, Fr) => {
                let codes = if access { "codes d'accès" } else { "codes d'activation" };
                format!("Le caractère « {ch} » (position {position}) n'existe pas dans les {codes}.")
            }
            (CodeError::InvalidChar { ch, position }, En) => {
                let codes = if access { "access codes" } else { "activation codes" };
                format!("The character “{ch}” (position {position}) never appears in {codes}.")
            }
            (CodeError::Mistyped, Fr) if access => {
                "Un caractère a été mal saisi : vérifiez le code dans l'e-mail reçu.".into()
            }
            (CodeError::Mistyped, En) if access => {
                "A character was mistyped: check the code in the e-mail you received.".into()
            }
            (CodeError::Mistyped, Fr) => {
                "Un caractère a été mal saisi : vérifiez le code sur votre compte rendu.".into()
            }
            (CodeError::Mistyped, En) => "A character was mistyped: check the code on your report.".into(),
        }
    }
}

/// Reads one typed character as a code symbol: lower case accepted, `I`/`L` read as `1`,
/// `O` read as `0`. Returns the upper-case symbol, or `None` for a character that never
/// appears in codes. `U` (and the other check-only symbols) are returned as typed; whether
/// they are allowed depends on the position.
fn canonical(ch: char) -> Option<char> {
    let up = ch.to_ascii_uppercase();
    match up {
        'I' | 'L' => Some('1'),
        'O' => Some('0'),
        c if CHECK_ALPHABET.contains(&(c as u8)) && c.is_ascii() => Some(c),
        _ => None,
    }
}

fn is_separator(ch: char) -> bool {
    ch.is_whitespace() || matches!(ch, '-' | '‐' | '–' | '—' | '.' | '_')
}

fn data_value(sym: char) -> Option<u64> {
    DATA_ALPHABET.iter().position(|&b| b as char == sym).map(|v| v as u64)
}

fn check_symbol(value: u64) -> char {
    CHECK_ALPHABET[(value % 37) as usize] as char
}

/// Normalises what a person typed into the code's symbols, for display while typing:
/// separators dropped, lower case raised, `I`/`L`/`O` read as `1`/`1`/`0`; characters that
/// are not code symbols are kept so the person can see and fix them.
pub fn normalize_input(typed: &str) -> String {
    typed.chars().filter(|c| !is_separator(*c)).map(|c| canonical(c).unwrap_or(c)).collect()
}

/// Groups normalised symbols as `XXXX-XXXX-XXX`, for display while typing.
pub fn group(symbols: &str) -> String {
    let mut out = String::with_capacity(symbols.len() + 2);
    for (i, c) in symbols.chars().enumerate() {
        if i == 4 || i == 8 {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// Checks a partially typed code: only errors that are already certain (a character that
/// cannot appear, too many characters, or a wrong check once complete).
pub fn check_partial(typed: &str) -> Result<(), CodeError> {
    let symbols = normalize_input(typed);
    let len = symbols.chars().count();
    if len < CODE_LEN {
        for (i, c) in symbols.chars().enumerate() {
            if data_value(c).is_none() {
                return Err(CodeError::InvalidChar { ch: c, position: i + 1 });
            }
        }
        return Ok(());
    }
    ActivationCode::parse(typed).map(|_| ())
}

impl ActivationCode {
    /// Parses a typed code, forgiving case, separators and look-alike letters.
    pub fn parse(typed: &str) -> Result<Self, CodeError> {
        let symbols = normalize_input(typed);
        let len = symbols.chars().count();
        if len == 0 {
            return Err(CodeError::Empty);
        }
        let mut value: u64 = 0;
        for (i, c) in symbols.chars().enumerate() {
            if i < DATA_LEN {
                match data_value(c) {
                    Some(v) => value = value * 32 + v,
                    None => return Err(CodeError::InvalidChar { ch: c, position: i + 1 }),
                }
            } else if !(c.is_ascii() && CHECK_ALPHABET.contains(&(c as u8))) {
                return Err(CodeError::InvalidChar { ch: c, position: i + 1 });
            }
        }
        if len < CODE_LEN {
            return Err(CodeError::TooShort { len });
        }
        if len > CODE_LEN {
            return Err(CodeError::TooLong { len });
        }
        let check = symbols.chars().last().unwrap_or_default();
        if check != check_symbol(value) {
            return Err(CodeError::Mistyped);
        }
        Ok(ActivationCode(symbols))
    }

    /// Builds the code for a 50-bit value (higher bits are ignored).
    pub fn from_value(value: u64) -> Self {
        let value = value & ((1u64 << 50) - 1);
        let mut data = [0u8; DATA_LEN];
        let mut v = value;
        for slot in data.iter_mut().rev() {
            *slot = DATA_ALPHABET[(v % 32) as usize];
            v /= 32;
        }
        let mut s: String = data.iter().map(|&b| b as char).collect();
        s.push(check_symbol(value));
        ActivationCode(s)
    }

    /// A new random code from a cryptographically secure generator. Its check character is
    /// always one of the 32 code symbols: the check-only symbols `* ~ $ = U` are lost when a
    /// code is copied from an e-mail (a trailing `=` or `$` looks like punctuation) or read
    /// aloud, so values whose check would need one are drawn again (5 in 37; about 0.2 bit
    /// of the 50 is lost). Codes printed earlier with such a symbol are still accepted.
    pub fn generate<R: rand_core::RngCore + rand_core::CryptoRng>(rng: &mut R) -> Self {
        loop {
            let value = rng.next_u64() & ((1u64 << 50) - 1);
            if value % 37 < 32 {
                return Self::from_value(value);
            }
        }
    }

    /// The canonical symbols, without separators: what is hashed and stored.
    pub fn as_canonical(&self) -> &str {
        &self.0
    }

    /// The code as printed on reports: `XXXX-XXXX-XXX`.
    pub fn grouped(&self) -> String {
        group(&self.0)
    }
}

impl fmt::Display for ActivationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

impl fmt::Debug for ActivationCode {
    // Codes are secrets: never print them in debug output or logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ActivationCode(…)")
    }
}

#[cfg(test)]
mod generation_tests {
    use super::*;

    #[test]
    fn generated_codes_end_with_a_code_symbol() {
        let mut rng = rand_chacha_free::Counter(7);
        for _ in 0..2000 {
            let code = ActivationCode::generate(&mut rng);
            let last = code.as_canonical().chars().last().unwrap();
            assert!(DATA_ALPHABET.contains(&(last as u8)), "{code}");
            assert!(ActivationCode::parse(&code.grouped()).is_ok());
        }
    }

    /// A deterministic generator for the test (not for codes): the counter through a
    /// 64-bit mixer.
    mod rand_chacha_free {
        pub(crate) struct Counter(pub(crate) u64);
        impl rand_core::RngCore for Counter {
            fn next_u32(&mut self) -> u32 {
                self.next_u64() as u32
            }
            fn next_u64(&mut self) -> u64 {
                self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = self.0;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^ (z >> 31)
            }
            fn fill_bytes(&mut self, dest: &mut [u8]) {
                rand_core::impls::fill_bytes_via_next(self, dest)
            }
            fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
                self.fill_bytes(dest);
                Ok(())
            }
        }
        impl rand_core::CryptoRng for Counter {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fixed_vectors() {
        // value 0: ten zeros, check 0
        assert_eq!(ActivationCode::from_value(0).as_canonical(), "00000000000");
        // value 1: check 1
        assert_eq!(ActivationCode::from_value(1).as_canonical(), "00000000011");
        // value 36: data "0000000014" (36 = 1*32 + 4), check symbol 36 = U
        assert_eq!(ActivationCode::from_value(36).as_canonical(), "0000000014U");
        // value 37: check 0
        assert_eq!(ActivationCode::from_value(37).as_canonical(), "00000000150");
        // the largest value
        let max = (1u64 << 50) - 1;
        let code = ActivationCode::from_value(max);
        assert_eq!(&code.as_canonical()[..10], "ZZZZZZZZZZ");
        assert_eq!(code.as_canonical().len(), 11);
        assert_eq!(code.grouped(), format!("ZZZZ-ZZZZ-ZZ{}", &code.as_canonical()[10..]));
    }

    #[test]
    fn forgiving_input() {
        let code = ActivationCode::from_value(0x2_0000_0001);
        let canonical = code.as_canonical().to_string();
        assert_eq!(ActivationCode::parse(&canonical.to_lowercase()), Ok(code.clone()));
        let spaced = format!(" {} {} - {} ", &canonical[..4], &canonical[4..8], &canonical[8..]);
        assert_eq!(ActivationCode::parse(&spaced), Ok(code.clone()));
        // 0 typed as o/O, 1 typed as l/L/i/I
        let confused = canonical.replace('0', "o").replace('1', "l");
        assert_eq!(ActivationCode::parse(&confused), Ok(code.clone()));
        let confused = canonical.replace('0', "O").replace('1', "I");
        assert_eq!(ActivationCode::parse(&confused), Ok(code));
    }

    #[test]
    fn precise_errors() {
        assert_eq!(ActivationCode::parse("  - "), Err(CodeError::Empty));
        assert_eq!(ActivationCode::parse("ABCD"), Err(CodeError::TooShort { len: 4 }));
        assert_eq!(ActivationCode::parse("0000000001100"), Err(CodeError::TooLong { len: 13 }));
        assert_eq!(ActivationCode::parse("00U00000011"), Err(CodeError::InvalidChar { ch: 'U', position: 3 }));
        assert_eq!(ActivationCode::parse("0000#000011"), Err(CodeError::InvalidChar { ch: '#', position: 5 }));
        assert_eq!(ActivationCode::parse("00000000012"), Err(CodeError::Mistyped));
    }

    #[test]
    fn partial_input_reports_only_certain_errors() {
        assert_eq!(check_partial("K7QF-9"), Ok(()));
        assert_eq!(check_partial("K7U"), Err(CodeError::InvalidChar { ch: 'U', position: 3 }));
        assert_eq!(check_partial("00000000012"), Err(CodeError::Mistyped));
        assert_eq!(group(&normalize_input("k7qf9m2x4t")), "K7QF-9M2X-4T");
    }

    #[test]
    fn debug_output_hides_the_code() {
        let code = ActivationCode::from_value(12345);
        assert!(!format!("{code:?}").contains(code.as_canonical()));
    }

    proptest! {
        #[test]
        fn generated_codes_round_trip(value in 0u64..(1u64 << 50)) {
            let code = ActivationCode::from_value(value);
            prop_assert_eq!(ActivationCode::parse(&code.grouped()), Ok(code.clone()));
            prop_assert_eq!(ActivationCode::parse(code.as_canonical()), Ok(code));
        }

        #[test]
        fn every_single_substitution_is_detected(
            value in 0u64..(1u64 << 50),
            position in 0usize..CODE_LEN,
            replacement in 0usize..37,
        ) {
            let code = ActivationCode::from_value(value);
            let mut chars: Vec<char> = code.as_canonical().chars().collect();
            let alphabet: &[u8] = if position < DATA_LEN { DATA_ALPHABET } else { CHECK_ALPHABET };
            let new = alphabet[replacement % alphabet.len()] as char;
            prop_assume!(new != chars[position]);
            chars[position] = new;
            let typed: String = chars.into_iter().collect();
            prop_assert!(ActivationCode::parse(&typed).is_err());
        }

        #[test]
        fn every_adjacent_transposition_is_detected(
            value in 0u64..(1u64 << 50),
            position in 0usize..(CODE_LEN - 1),
        ) {
            let code = ActivationCode::from_value(value);
            let mut chars: Vec<char> = code.as_canonical().chars().collect();
            prop_assume!(chars[position] != chars[position + 1]);
            chars.swap(position, position + 1);
            let typed: String = chars.into_iter().collect();
            prop_assert!(ActivationCode::parse(&typed).is_err());
        }
    }
}
