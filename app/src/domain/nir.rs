//! The NIR (French social-security number): 13 characters and a 2-digit key, optional on
//! patient records. Corsican départements `2A`/`2B` are handled as the INSEE specifies.

/// Checks a NIR with its key; spaces are ignored. Returns the canonical 15 characters.
pub fn parse_nir(s: &str) -> Option<String> {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    if compact.len() != 15 || !compact.is_ascii() {
        return None;
    }
    let (body, key) = compact.split_at(13);
    let key: u64 = key.parse().ok()?;
    if !matches!(body.as_bytes()[0], b'1' | b'2' | b'3' | b'4' | b'7' | b'8') {
        return None;
    }
    let numeric = match &body[5..7] {
        "2A" => format!("{}19{}", &body[..5], &body[7..]),
        "2B" => format!("{}18{}", &body[..5], &body[7..]),
        _ => body.to_string(),
    };
    // INSEE: 2A counts as 19 and 2B as 18 (the same as reading A and B as 0 and
    // subtracting 1,000,000 or 2,000,000); both substitutions at once would count twice.
    let n: u64 = numeric.parse().ok()?;
    let expected = 97 - (n % 97);
    (expected == key).then_some(compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        // 1 84 12 76 451 089 → key 46 (97 - 1841276451089 mod 97)
        let body = 1_841_276_451_089u64;
        let key = 97 - body % 97;
        assert!(parse_nir(&format!("{body}{key:02}")).is_some());
        assert!(parse_nir(&format!("1 84 12 76 451 089 {key:02}")).is_some());
        assert!(parse_nir(&format!("{body}{:02}", (key % 97) + 1)).is_none());
        assert!(parse_nir("12345").is_none());
        assert!(parse_nir("9841276451089 12").is_none());
        // Corsica: 2A counts as 19, 2B as 18 (equivalently: A and B as 0, minus 1,000,000
        // or 2,000,000).
        let body2a = "18411";
        let rest = "2A451089";
        let numeric: u64 = format!("{body2a}20451089").parse::<u64>().unwrap() - 1_000_000;
        let key2a = 97 - numeric % 97;
        assert_eq!(numeric, format!("{body2a}19451089").parse::<u64>().unwrap());
        assert!(parse_nir(&format!("{body2a}{rest}{key2a:02}")).is_some());
        let numeric2b: u64 = format!("{body2a}18451089").parse().unwrap();
        let key2b = 97 - numeric2b % 97;
        assert!(parse_nir(&format!("{body2a}2B451089{key2b:02}")).is_some());
        assert!(parse_nir(&format!("{body2a}2B451089{:02}", (key2b % 97) + 1)).is_none());
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_single_digit_substitution_is_caught(sex in "[12]", rest in "[0-9]{12}") {
            let body = format!("{sex}{rest}");
            let n: u64 = body.parse().unwrap();
            let nir = format!("{body}{:02}", 97 - n % 97);
            prop_assert!(parse_nir(&nir).is_some());
            for i in 0..15 {
                let d = nir.as_bytes()[i] - b'0';
                for other in (0..10u8).filter(|o| *o != d) {
                    let mut t = nir.clone().into_bytes();
                    t[i] = b'0' + other;
                    let t = String::from_utf8(t).unwrap();
                    prop_assert!(parse_nir(&t).is_none(), "{}", t);
                }
            }
        }
    }
}
