//! Languages of the interface. French first, English second.
//!
//! Texts live next to the views that show them, as `(french, english)` pairs chosen with
//! [`Lang::t`]: no lookup tables, no runtime loading, and nothing extra shipped to the browser
//! beyond the strings an island actually shows.

use serde::{Deserialize, Serialize};

/// A language the interface can be shown in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// French, the default.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// Name of the cookie that remembers the chosen language.
    pub const COOKIE: &'static str = "sesame_lang";

    /// Picks the text for this language.
    pub const fn t(self, fr: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    /// The BCP 47 code used in `<html lang>` and in the cookie.
    pub const fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Reads a language code; anything unknown falls back to French.
    pub fn from_code(code: &str) -> Self {
        match code.trim() {
            "en" | "EN" | "en-GB" | "en-US" => Lang::En,
            _ => Lang::Fr,
        }
    }

    /// The other language, offered by the switch in the header.
    pub const fn other(self) -> Self {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }

    /// The name of this language, written in that language (for the switch).
    pub const fn native_name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_fall_back_to_french() {
        assert_eq!(Lang::from_code("de"), Lang::Fr);
        assert_eq!(Lang::from_code(""), Lang::Fr);
        assert_eq!(Lang::from_code("en"), Lang::En);
    }

    #[test]
    fn texts_follow_the_language() {
        assert_eq!(Lang::Fr.t("Bonjour", "Hello"), "Bonjour");
        assert_eq!(Lang::En.t("Bonjour", "Hello"), "Hello");
        assert_eq!(Lang::Fr.other(), Lang::En);
    }
}
