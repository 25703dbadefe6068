//! Telephone numbers, typed in any usual French way and stored in E.164 (`+33612345678`).

use serde::{Deserialize, Serialize};

/// A telephone number in E.164 form.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone(String);

/// Why a number was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhoneError {
    /// Nothing typed.
    Empty,
    /// Not a telephone number we can read.
    Invalid,
}

impl PhoneError {
    /// The message shown next to the field.
    pub fn message(&self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            PhoneError::Empty => lang.t("Indiquez un numéro de téléphone.", "Enter a telephone number."),
            PhoneError::Invalid => lang.t(
                "Numéro non reconnu : par exemple 05 49 12 34 56 ou +33 5 49 12 34 56.",
                "Number not recognised: for example 05 49 12 34 56 or +33 5 49 12 34 56.",
            ),
        }
    }
}

/// French overseas prefixes: national `0ABC` numbers that belong to another country code.
const OVERSEAS: &[(&str, &str)] = &[
    ("0262", "262"),
    ("0263", "262"),
    ("0269", "262"),
    ("0692", "262"),
    ("0693", "262"),
    ("0639", "262"),
    ("0590", "590"),
    ("0690", "590"),
    ("0691", "590"),
    ("0594", "594"),
    ("0694", "594"),
    ("0596", "596"),
    ("0696", "596"),
    ("0697", "596"),
    ("0508", "508"),
];

impl Phone {
    /// Parses `05 49 12 34 56`, `05.49.12.34.56`, `+33 (0)5 49 12 34 56`, `0033549123456`, and
    /// other countries' numbers written with `+` or `00`.
    pub fn parse(s: &str) -> Result<Self, PhoneError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(PhoneError::Empty);
        }
        if s.chars().any(|c| !(c.is_ascii_digit() || " .-/()+".contains(c))) {
            return Err(PhoneError::Invalid);
        }
        let plus = s.starts_with('+');
        if s.chars().skip(1).any(|c| c == '+') {
            return Err(PhoneError::Invalid);
        }
        // "(0)" after a country code is a national trunk prefix people copy; drop it.
        let cleaned = s.replace("(0)", "");
        let digits: String = cleaned.chars().filter(char::is_ascii_digit).collect();
        let international = if plus {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_string()
        } else if digits.len() == 10 && digits.starts_with('0') && digits.as_bytes()[1] != b'0' {
            let national = &digits;
            match OVERSEAS.iter().find(|(p, _)| national.starts_with(p)) {
                Some((_, cc)) => format!("{cc}{}", &national[1..]),
                None => format!("33{}", &national[1..]),
            }
        } else {
            return Err(PhoneError::Invalid);
        };
        let international = match international.strip_prefix("330") {
            Some(rest) => format!("33{rest}"),
            None => international,
        };
        let valid = if let Some(national) = international.strip_prefix("33") {
            national.len() == 9 && !national.starts_with('0')
        } else {
            (8..=15).contains(&international.len()) && !international.starts_with('0')
        };
        if !valid {
            return Err(PhoneError::Invalid);
        }
        Ok(Phone(format!("+{international}")))
    }

    /// The number in E.164 form.
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// The number written the French way when it is French (`05 49 12 34 56`).
    pub fn display(&self) -> String {
        match self.0.strip_prefix("+33") {
            Some(n) => {
                let national = format!("0{n}");
                national
                    .as_bytes()
                    .chunks(2)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            None => self.0.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_formats() {
        for typed in [
            "05 49 12 34 56",
            "05.49.12.34.56",
            "0549123456",
            "+33 5 49 12 34 56",
            "+33 (0)5 49 12 34 56",
            "0033 5 49 12 34 56",
            "05-49-12-34-56",
        ] {
            assert_eq!(Phone::parse(typed).map(|p| p.e164().to_string()), Ok("+33549123456".into()), "{typed}");
        }
        assert_eq!(Phone::parse("+33549123456").unwrap().display(), "05 49 12 34 56");
    }

    #[test]
    fn overseas_and_foreign() {
        assert_eq!(Phone::parse("0692 12 34 56").unwrap().e164(), "+262692123456");
        assert_eq!(Phone::parse("+32 2 123 45 67").unwrap().e164(), "+3221234567");
    }

    #[test]
    fn refusals() {
        assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("05 49 12"), Err(PhoneError::Invalid));
        assert_eq!(Phone::parse("appelez-moi"), Err(PhoneError::Invalid));
        assert_eq!(Phone::parse("+33 5 49 12 34 56 78"), Err(PhoneError::Invalid));
        assert_eq!(Phone::parse("0049+123"), Err(PhoneError::Invalid));
    }
}
