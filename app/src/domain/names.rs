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
    fn birth_name_or_used_name() {
        let r = rec("Durand", Some("Lefèvre"), "Marie Claire");
        assert!(identity_matches("LEFEVRE", "marie", &r));
        assert!(identity_matches("durand", "Claire", &r));
        assert!(identity_matches("Durand", "Marie-Claire", &r));
        assert!(!identity_matches("Durand", "Sophie", &r));
        assert!(!identity_matches("Dupont", "Marie", &r));
    }
}
