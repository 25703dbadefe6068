//! Calendar dates without a date library: birth dates typed by people and "today" from a
//! Unix timestamp. Small on purpose, because the browser build carries it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A day of the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    /// Year, e.g. 1987.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of month, 1 to 31.
    pub day: u32,
}

/// Why a typed date was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateError {
    /// Nothing typed.
    Empty,
    /// Not a date in a format we read (`AAAA-MM-JJ` or `JJ/MM/AAAA`).
    Format,
    /// The day does not exist (e.g. 31 April).
    NoSuchDay,
    /// A birth date in the future.
    InFuture,
    /// A birth date before 1900.
    TooOld,
}

impl DateError {
    /// The message shown next to the field.
    pub fn message(&self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            DateError::Empty => lang.t("Indiquez la date de naissance.", "Enter the date of birth."),
            DateError::Format => lang.t(
                "Date non reconnue : écrivez-la sous la forme JJ/MM/AAAA.",
                "Date not recognised: write it as DD/MM/YYYY.",
            ),
            DateError::NoSuchDay => lang.t("Ce jour n'existe pas.", "This day does not exist."),
            DateError::InFuture => lang.t(
                "La date de naissance ne peut pas être dans le futur.",
                "The date of birth cannot be in the future.",
            ),
            DateError::TooOld => {
                lang.t("La date de naissance doit être postérieure à 1900.", "The date of birth must be after 1900.")
            }
        }
    }
}

const fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

const fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// Builds a date, refusing days that do not exist.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// Parses `AAAA-MM-JJ` (what `<input type=date>` sends) or `JJ/MM/AAAA` (what people
    /// type when the browser shows a plain text field).
    pub fn parse(s: &str) -> Result<Self, DateError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DateError::Empty);
        }
        let nums: Vec<&str> = s.split(['-', '/', '.', ' ']).filter(|p| !p.is_empty()).collect();
        if nums.len() != 3 || nums.iter().any(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(DateError::Format);
        }
        let n = |i: usize| nums[i].parse::<u32>().map_err(|_| DateError::Format);
        let (year, month, day) = if nums[0].len() == 4 {
            (n(0)?, n(1)?, n(2)?)
        } else if nums[2].len() == 4 {
            (n(2)?, n(1)?, n(0)?)
        } else {
            return Err(DateError::Format);
        };
        Date::new(year as i32, month, day).ok_or(DateError::NoSuchDay)
    }

    /// Parses a birth date: a real day, not in the future, not before 1900.
    pub fn parse_birth_date(s: &str, today: Date) -> Result<Self, DateError> {
        let date = Self::parse(s)?;
        if date > today {
            return Err(DateError::InFuture);
        }
        if date.year < 1900 {
            return Err(DateError::TooOld);
        }
        Ok(date)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date of a given number of days since 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The UTC date of a Unix timestamp in milliseconds.
    pub fn from_unix_millis(ms: i64) -> Self {
        Self::from_days_since_epoch(ms.div_euclid(86_400_000))
    }

    /// `AAAA-MM-JJ`, the storage and `<input type=date>` form.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `JJ/MM/AAAA`, the French display form.
    pub fn french(self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }

    /// The same day a number of months later (clamped to the month's last day).
    pub fn add_months(self, months: i32) -> Self {
        let total = self.year * 12 + (self.month as i32 - 1) + months;
        let year = total.div_euclid(12);
        let month = (total.rem_euclid(12) + 1) as u32;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

/// Month names, for "sign-up opens in …" messages.
pub fn month_name(month: u32, lang: crate::i18n::Lang) -> &'static str {
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let i = (month.clamp(1, 12) - 1) as usize;
    match lang {
        crate::i18n::Lang::Fr => FR[i],
        crate::i18n::Lang::En => EN[i],
    }
}

/// True when someone born on `other` could be the child of someone born on `holder`: born
/// at least 12 years later. Used to ask "is it your child's record?" before sending one's
/// "own" record to the lab's review.
pub fn looks_like_a_child_of(other: Date, holder: Date) -> bool {
    other.days_since_epoch() - holder.days_since_epoch() >= 12 * 365
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_both_forms() {
        let d = Date::new(1987, 4, 30).unwrap();
        assert_eq!(Date::parse("1987-04-30"), Ok(d));
        assert_eq!(Date::parse("30/04/1987"), Ok(d));
        assert_eq!(Date::parse(" 30.04.1987 "), Ok(d));
        assert_eq!(Date::parse("31/04/1987"), Err(DateError::NoSuchDay));
        assert_eq!(Date::parse("29/02/2023"), Err(DateError::NoSuchDay));
        assert!(Date::parse("29/02/2024").is_ok());
        assert_eq!(Date::parse("30/04/87"), Err(DateError::Format));
        assert_eq!(Date::parse("hier"), Err(DateError::Format));
        assert_eq!(Date::parse(""), Err(DateError::Empty));
    }

    #[test]
    fn birth_dates_are_plausible() {
        let today = Date::new(2026, 11, 22).unwrap();
        assert_eq!(Date::parse_birth_date("2030-01-01", today), Err(DateError::InFuture));
        assert_eq!(Date::parse_birth_date("1850-01-01", today), Err(DateError::TooOld));
        assert!(Date::parse_birth_date("2026-11-22", today).is_ok());
    }

    #[test]
    fn epoch_conversions() {
        assert_eq!(Date::from_days_since_epoch(0), Date::new(1970, 1, 1).unwrap());
        assert_eq!(Date::new(2000, 3, 1).unwrap().days_since_epoch(), 11_017);
        assert_eq!(Date::from_unix_millis(1_795_000_000_000), Date::new(2026, 11, 18).unwrap());
        assert_eq!(Date::new(2026, 1, 31).unwrap().add_months(1), Date::new(2026, 2, 28).unwrap());
        assert_eq!(Date::new(2026, 11, 5).unwrap().add_months(-12), Date::new(2025, 11, 5).unwrap());
    }

    proptest! {
        #[test]
        fn days_round_trip(days in -100_000i64..100_000) {
            let d = Date::from_days_since_epoch(days);
            prop_assert_eq!(d.days_since_epoch(), days);
            prop_assert_eq!(Date::parse(&d.iso()), Ok(d));
        }
    }
}
