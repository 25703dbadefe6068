//! The one notice above a form or a page: the message of an [`Outcome`] (an error, a
//! success, something to know) with its way forward, if any. Errors are announced at once
//! (`role="alert"`), the rest politely (`role="status"`). Server-rendered pages pass a
//! fixed outcome; islands pass the signal of their latest answer.

use crate::form::{NoticeKind, Outcome};
use leptos::prelude::*;

/// The notice of an outcome (nothing when it has none).
#[component]
pub fn Notice(
    /// The outcome to show, if any.
    #[prop(into)]
    outcome: Signal<Option<Outcome>>,
) -> impl IntoView {
    move || {
        outcome.get().and_then(|o| {
            let follow = o.follow_up;
            o.notice.map(|(kind, message)| {
                // A message that sends the person to support also gives the way there.
                let follow = follow.or_else(|| help_link(&message));
                let role = if kind == NoticeKind::Error { "alert" } else { "status" };
                view! {
                    <div class=format!("notice notice-{}", kind.class()) role=role>
                        <p>{message}</p>
                        {follow.map(|(href, label)| view! { <p><a href=href>{label}</a></p> })}
                    </div>
                }
            })
        })
    }
}

/// `/aide` for a message that mentions support and offers no other way forward, labelled in
/// the message's language (messages are already translated; French ones say "le/au/du
/// support").
fn help_link(message: &str) -> Option<(String, String)> {
    if !message.contains("support") {
        return None;
    }
    let french = ["le support", "au support", "du support"].iter().any(|w| message.contains(w));
    Some(("/aide".into(), if french { "Aide et contact" } else { "Help and contact" }.into()))
}
