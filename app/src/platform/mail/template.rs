//! One layout for every e-mail, in HTML and plain text, in French or English.
//!
//! Capabilities describe their message (each in its own `emails.rs`) as paragraphs, an
//! optional code and button; the layout is two `minijinja` templates
//! (`templates/layout.html`, escaped, and `templates/layout.txt`), so both bodies always say
//! the same thing. Every e-mail is snapshot-tested in both languages (`emails_test.rs`):
//! a wording change is reviewed as a diff.

use super::Mail;
use crate::i18n::Lang;
use minijinja::{AutoEscape, Environment, context};
use std::sync::LazyLock;

/// The content of an e-mail, before rendering.
#[derive(Debug, Clone, Default)]
pub struct Message {
    /// Subject line (also the title of the HTML body).
    pub subject: String,
    /// Greeting, e.g. "Bonjour Marie,".
    pub greeting: String,
    /// Paragraphs of plain text (escaped for HTML).
    pub paragraphs: Vec<String>,
    /// A call to action: label and absolute URL.
    pub button: Option<(String, String)>,
    /// A code to show prominently (provisional access code), if any.
    pub code: Option<String>,
    /// Paragraphs after the button.
    pub after: Vec<String>,
}

/// Escapes text for HTML.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The two layout templates; `.html` ones are escaped automatically.
static LAYOUT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    // HTML escaping of the five characters that matter (minijinja also escapes `/`, which
    // would make every link in the HTML body read `https:&#x2f;&#x2f;…`).
    env.set_formatter(|out, state, value| match (state.auto_escape(), value.as_str()) {
        (AutoEscape::Html, Some(text)) if !value.is_safe() => out.write_str(&escape(text)).map_err(Into::into),
        _ => minijinja::escape_formatter(out, state, value),
    });
    env.add_template("layout.html", include_str!("templates/layout.html"))
        .expect("the HTML e-mail layout is a valid template");
    env.add_template("layout.txt", include_str!("templates/layout.txt"))
        .expect("the text e-mail layout is a valid template");
    env
});

impl Message {
    /// Renders the message for a recipient.
    pub fn render(self, lang: Lang, to: &str, template: &'static str) -> Mail {
        let ctx = context! {
            lang => lang.code(),
            subject => &self.subject,
            greeting => &self.greeting,
            paragraphs => &self.paragraphs,
            code => &self.code,
            button => self.button.as_ref().map(|(label, url)| context! { label => label, url => url }),
            after => &self.after,
            colon => lang.t(" :", ":"),
            copy_link => lang.t("Si le bouton ne fonctionne pas, copiez ce lien :", "If the button does not work, copy this link:"),
            signature => lang.t(
                "L'équipe Sésame — portail des laboratoires de biologie médicale",
                "The Sésame team — the medical biology labs' portal",
            ),
            notice => lang.t(
                "Ce message vous est envoyé automatiquement ; merci de ne pas y répondre. Si vous n'êtes pas à l'origine de cette démarche, ignorez-le.",
                "This message was sent automatically; please do not reply. If you did not ask for it, ignore it.",
            ),
        };
        // The templates are fixed and the context is plain strings: rendering cannot fail at
        // run time, and the snapshot tests render every e-mail. Never send an empty body.
        let render = |name: &str| {
            LAYOUT.get_template(name).and_then(|t| t.render(&ctx)).expect("the e-mail layouts render any message")
        };
        Mail {
            to: to.to_string(),
            subject: self.subject.clone(),
            text: render("layout.txt"),
            html: render("layout.html"),
            template: template.to_string(),
        }
    }
}

/// "Bonjour Marie," / "Hello Marie,".
pub fn greeting(lang: Lang, first_name: &str) -> String {
    match lang {
        Lang::Fr => format!("Bonjour {first_name},"),
        Lang::En => format!("Hello {first_name},"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bodies_carry_the_same_content_and_html_is_escaped() {
        let mail = Message {
            subject: "Sujet".into(),
            greeting: greeting(Lang::Fr, "<Marie>"),
            paragraphs: vec!["Premier paragraphe.".into()],
            button: Some(("Confirmer".into(), "https://x.test/v?t=1&u=2".into())),
            code: None,
            after: vec![],
        }
        .render(Lang::Fr, "m@x.test", "test");
        assert!(mail.text.contains("Bonjour <Marie>,"));
        assert!(mail.text.contains("https://x.test/v?t=1&u=2"));
        assert!(mail.html.contains("Bonjour &lt;Marie&gt;,"));
        assert!(mail.html.contains("https://x.test/v?t=1&amp;u=2"));
        assert!(mail.html.contains("lang=\"fr\""));
    }
}
