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
