//! Human-readable waiting times for "try again in …" messages.

/// A waiting time in French, rounded up to a unit a person understands.
pub fn human_fr(secs: u64) -> String {
    match secs {
        0..=1 => "1 seconde".into(),
        2..=59 => format!("{secs} secondes"),
        60..=119 => "1 minute".into(),
        120..=3599 => format!("{} minutes", secs.div_ceil(60)),
        3600..=7199 => "1 heure".into(),
        _ => format!("{} heures", secs.div_ceil(3600)),
    }
}

/// A waiting time in English, rounded up to a unit a person understands.
pub fn human_en(secs: u64) -> String {
    match secs {
        0..=1 => "1 second".into(),
        2..=59 => format!("{secs} seconds"),
        60..=119 => "1 minute".into(),
        120..=3599 => format!("{} minutes", secs.div_ceil(60)),
        3600..=7199 => "1 hour".into(),
        _ => format!("{} hours", secs.div_ceil(3600)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_up_to_a_readable_unit() {
        assert_eq!(human_fr(1), "1 seconde");
        assert_eq!(human_fr(45), "45 secondes");
        assert_eq!(human_fr(61), "1 minute");
        assert_eq!(human_fr(125), "3 minutes");
        assert_eq!(human_en(3600), "1 hour");
        assert_eq!(human_en(7300), "3 hours");
    }
}
