//! One layout for every e-mail, in HTML and plain text, in French or English.
//!
//! Capabilities describe their message as paragraphs and an optional button; this module
//! renders both bodies so they always say the same thing.

use super::Mail;
use crate::i18n::Lang;

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
pub fn escape(s: &str) -> String {
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

impl Message {
    /// Renders the message for a recipient.
    pub fn render(self, lang: Lang, to: &str, template: &'static str) -> Mail {
        let signature = lang.t(
            "L'équipe Sésame — portail des laboratoires de biologie médicale",
            "The Sésame team — the medical biology labs' portal",
        );
        let notice = lang.t(
            "Ce message vous est envoyé automatiquement ; merci de ne pas y répondre. Si vous n'êtes pas à l'origine de cette démarche, ignorez-le.",
            "This message was sent automatically; please do not reply. If you did not ask for it, ignore it.",
        );

        let mut text = String::new();
        text.push_str(&self.greeting);
        text.push_str("\n\n");
        for p in &self.paragraphs {
            text.push_str(p);
            text.push_str("\n\n");
        }
        if let Some(code) = &self.code {
            text.push_str(code);
            text.push_str("\n\n");
        }
        if let Some((label, url)) = &self.button {
            text.push_str(&format!("{label} :\n{url}\n\n"));
        }
        for p in &self.after {
            text.push_str(p);
            text.push_str("\n\n");
        }
        text.push_str(&format!("-- \n{signature}\n{notice}\n"));

        let mut html = format!(
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
             <body style=\"margin:0;padding:24px;background:#f4f6f8;font-family:Arial,Helvetica,sans-serif;color:#1b2733\">\
             <div style=\"max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px\">\
             <p style=\"font-size:20px;font-weight:bold;color:#0b5c6b;margin:0 0 16px\">Sésame</p>\
             <p>{}</p>",
            lang.code(),
            escape(&self.subject),
            escape(&self.greeting)
        );
        for p in &self.paragraphs {
            html.push_str(&format!("<p style=\"line-height:1.5\">{}</p>", escape(p)));
        }
        if let Some(code) = &self.code {
            html.push_str(&format!(
                "<p style=\"font-size:24px;font-family:monospace;letter-spacing:2px;background:#eef5f6;padding:12px;text-align:center\">{}</p>",
                escape(code)
            ));
        }
        if let Some((label, url)) = &self.button {
            html.push_str(&format!(
                "<p style=\"margin:24px 0\"><a href=\"{}\" style=\"background:#0b5c6b;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block\">{}</a></p>\
                 <p style=\"font-size:13px;color:#51606e\">{}<br><a href=\"{}\">{}</a></p>",
                escape(url),
                escape(label),
                lang.t("Si le bouton ne fonctionne pas, copiez ce lien :", "If the button does not work, copy this link:"),
                escape(url),
                escape(url)
            ));
        }
        for p in &self.after {
            html.push_str(&format!("<p style=\"line-height:1.5\">{}</p>", escape(p)));
        }
        html.push_str(&format!(
            "<hr style=\"border:none;border-top:1px solid #dde3e8;margin:24px 0\">\
             <p style=\"font-size:13px;color:#51606e\">{}<br>{}</p></div></body></html>",
            escape(signature),
            escape(notice)
        ));

        Mail { to: to.to_string(), subject: self.subject, text, html, template: template.to_string() }
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
