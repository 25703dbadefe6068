//! Where a person may be sent after signing in (`suite`, `next`, the language switch's
//! `back`): only a path of this very site. The value is parsed as a URL relative to the
//! public URL — the way a browser would read it, tabs and newlines removed — and kept only
//! if it stays on the same origin and cannot be read as another host (`//…`).

use url::Url;

/// The same-origin path (with its query) that `next` designates, or `None` when it is
/// empty, foreign, or not a path at all.
pub fn local_target(base: &Url, next: &str) -> Option<String> {
    let next = next.trim();
    if next.is_empty() {
        return None;
    }
    let target = base.join(next).ok()?;
    if target.origin() != base.origin() || target.cannot_be_a_base() {
        return None;
    }
    // Only a path was asked for: `https://same-host/x` typed in full is refused too, so
    // that the rule is simply "a path of this site".
    let cleaned: String = next.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    if !cleaned.starts_with('/') || cleaned.starts_with("//") || cleaned.starts_with("/\\") {
        return None;
    }
    let path = target.path();
    // A path that normalises to `//host` would be read by browsers as another host.
    if path.starts_with("//") || path.starts_with("/\\") {
        return None;
    }
    Some(match target.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    })
}

/// [`local_target`], or `default` when the value is not acceptable.
pub fn local_or(base: &Url, next: &str, default: &str) -> String {
    local_target(base, next).unwrap_or_else(|| default.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://sesame.example.org").unwrap()
    }

    #[test]
    fn same_origin_paths_pass() {
        assert_eq!(local_target(&base(), "/inscription?x=1").as_deref(), Some("/inscription?x=1"));
        assert_eq!(local_target(&base(), "/mon-compte").as_deref(), Some("/mon-compte"));
        assert_eq!(local_target(&base(), "/a/../b").as_deref(), Some("/b"));
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "https://sesame.example.org/x",
            "javascript:alert(1)",
            "/.//evil.example",
            "mon-compte",
            "\u{1}/x",
        ] {
            assert_eq!(local_target(&base(), bad), None, "{bad:?}");
        }
    }

    #[test]
    fn control_characters_are_escaped_not_fatal() {
        let t = local_target(&base(), "/x\u{7}y").unwrap();
        assert!(!t.chars().any(char::is_control), "{t:?}");
        assert!(http_header_safe(&t));
    }

    fn http_header_safe(s: &str) -> bool {
        s.bytes().all(|b| (0x20..0x7f).contains(&b))
    }
}
