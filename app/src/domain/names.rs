//! Tolerant comparison of people's names, as typed by patients and as recorded by the lab.
//!
//! The field report lists what made identities disagree: accents, case, hyphens and
//! apostrophes, compound names typed in part, birth name versus used name, and particles
//! typed with or without spaces. A name matches when, after folding all of that away, the
//! typed words are among the record's words, or the names are equal once spaces are removed.

/// Folds one character: lower case without accent; ligatures expanded. Separators
/// (hyphen, apostrophe, dot, comma) become spaces.
fn fold_char(c: char, out: &mut String) {
    let lower = c.to_lowercase();
    for c in lower {
        let folded = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
            'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "c",
            'ď' | 'đ' => "d",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
            'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
            'ĥ' | 'ħ' => "h",
            'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
            'ĵ' => "j",
            'ķ' => "k",
            'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
            'ñ' | 'ń' | 'ņ' | 'ň' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
            'œ' => "oe",
            'æ' => "ae",
            'ŕ' | 'ŗ' | 'ř' => "r",
            'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
            'ß' => "ss",
            'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
            'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
            'ŵ' => "w",
            'ý' | 'ÿ' | 'ŷ' => "y",
            'ź' | 'ż' | 'ž' => "z",
            '-' | '‐' | '–' | '—' | '\'' | '’' | '‘' | '`' | '´' | '.' | ',' | '_' => " ",
            c if c.is_whitespace() => " ",
            // Combining accents typed separately (decomposed input) are dropped.
            '\u{0300}'..='\u{036F}' => "",
            c => {
                out.push(c);
                continue;
            }
        };
        out.push_str(folded);
    }
}

/// A name folded for comparison: lower case, no accents, words separated by single spaces.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        fold_char(c, &mut out);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn words(name: &str) -> Vec<String> {
    fold(name).split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect()
}

fn compact(name: &str) -> String {
    fold(name).replace(' ', "")
}

/// True when a typed name designates one of the recorded names: equal once folded or once
/// spaces are removed ("Le Gall" / "LEGALL"), or every typed word is one of the recorded
/// words ("Martin" for "Martin-Dupont", "Dupont Martin" for "Martin-Dupont").
pub fn name_matches(typed: &str, recorded: &[&str]) -> bool {
    let typed_words = words(typed);
    if typed_words.is_empty() {
        return false;
    }
    let typed_compact = compact(typed);
    let mut recorded_words: Vec<String> = Vec::new();
    for r in recorded.iter().filter(|r| !r.trim().is_empty()) {
        if compact(r) == typed_compact {
            return true;
        }
        recorded_words.extend(words(r));
    }
    typed_words.iter().all(|w| recorded_words.contains(w))
}

/// Longest name kept (characters).
pub const NAME_MAX: usize = 100;

/// Checks a name typed in a form: present, at most [`NAME_MAX`] characters, and made of
/// letters with the separators names use (space, hyphen, apostrophe, an abbreviating dot).
/// Digits, `@`, `/`, `:` and a dot inside a word are refused, so that a name typed by an
/// anonymous visitor can never read as an address or a link in an e-mail ("evil.example").
/// Returns the name with its spaces tidied. The browser applies the same rule as the person
/// types.
pub fn parse_name(value: &str, lang: crate::i18n::Lang, empty: (&'static str, &'static str)) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(lang.t(empty.0, empty.1).into());
    }
    if v.chars().count() > NAME_MAX {
        return Err(lang
            .t("Ce nom est trop long (100 caractères au plus).", "This name is too long (100 characters at most).")
            .into());
    }
    let chars: Vec<char> = v.chars().collect();
    let allowed = chars.iter().enumerate().all(|(i, c)| match c {
        c if c.is_alphabetic() => true,
        '\u{0300}'..='\u{036F}' => true,
        ' ' | '-' | '\'' | '’' => true,
        // "St. Jean", "J.-P." are fine; "evil.example" is not.
        '.' => chars.get(i + 1).is_none_or(|n| *n == ' ' || *n == '-'),
        _ => false,
    });
    if !allowed {
        return Err(lang
            .t(
                "Ce nom contient des caractères qu'un nom ne contient pas (chiffres, @, /, :…).",
                "This name contains characters a name does not contain (digits, @, /, :…).",
            )
            .into());
    }
    Ok(v.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A patient's identity as the lab recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedIdentity<'a> {
    /// Used (usual) last name.
    pub last_name: &'a str,
    /// Birth name, when different.
    pub birth_name: Option<&'a str>,
    /// First names, in civil-status order.
    pub first_names: &'a str,
}

/// True when a typed last name and first name designate the recorded patient: the last
/// name against the used name or the birth name, the first name against any of the
/// recorded first names.
pub fn identity_matches(typed_last: &str, typed_first: &str, record: &RecordedIdentity<'_>) -> bool {
    let mut last_names = vec![record.last_name];
    if let Some(birth) = record.birth_name {
        last_names.push(birth);
    }
    name_matches(typed_last, &last_names) && name_matches(typed_first, &[record.first_names])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec<'a>(last: &'a str, birth: Option<&'a str>, first: &'a str) -> RecordedIdentity<'a> {
        RecordedIdentity { last_name: last, birth_name: birth, first_names: first }
    }

    #[test]
    fn folding_removes_accents_case_and_separators() {
        assert_eq!(fold("  Hélène-Françoise  D'ARCY "), "helene francoise d arcy");
        assert_eq!(fold("Œuvray"), "oeuvray");
        // decomposed input (e + combining acute)
        assert_eq!(fold("Ele\u{0301}onore"), "eleonore");
    }

    #[test]
    fn compound_and_particle_names() {
        assert!(name_matches("martin", &["MARTIN-DUPONT"]));
        assert!(name_matches("Dupont Martin", &["Martin-Dupont"]));
        assert!(name_matches("LEGALL", &["Le Gall"]));
        assert!(name_matches("d'Arcy", &["DARCY"]));
        assert!(!name_matches("Martine", &["Martin-Dupont"]));
        assert!(!name_matches("", &["Martin"]));
    }

    #[test]
    fn names_typed_in_forms() {
        use crate::i18n::Lang;
        let e = ("x", "y");
        assert_eq!(parse_name("  Le   Gall ", Lang::Fr, e), Ok("Le Gall".into()));
        assert_eq!(parse_name("N'Diaye-Ébrard", Lang::Fr, e), Ok("N'Diaye-Ébrard".into()));
        assert_eq!(parse_name("J.-P. St. Clair", Lang::Fr, e), Ok("J.-P. St. Clair".into()));
        assert!(parse_name(" ", Lang::Fr, e).is_err());
        assert!(parse_name(&"a".repeat(101), Lang::Fr, e).is_err());
        for link in ["evil.example", "www.evil.com", "http://x", "a@b", "Jean 2", "x/y", "<b>"] {
            assert!(parse_name(link, Lang::Fr, e).is_err(), "{link}");
        }
    }

    #[test]
    fn birth_name_or_used_name() {
        let r = rec("Durand", Some("Lefèvre"), "Marie Claire");
        assert!(identity_matches("LEFEVRE", "marie", &r));
        assert!(identity_matches("durand", "Claire", &r));
        assert!(identity_matches("Durand", "Marie-Claire", &r));
        assert!(!identity_matches("Durand", "Sophie", &r));
        assert!(!identity_matches("Dupont", "Marie", &r));
    }
}
