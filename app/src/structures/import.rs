//! CSV imports of structures with their sites, and of the roll-out calendar: validated
//! line by line, all or nothing, errors reported with their line numbers.

use crate::domain::date::Date;
use crate::domain::structure::{CorrespondentCode, parse_departement};
use std::collections::{BTreeMap, HashSet};

/// A rejected line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: u64,
    /// Why.
    pub reason: String,
}

/// Columns of a structures file.
pub const STRUCTURE_COLUMNS: [&str; 6] =
    ["correspondent_code", "structure_name", "site_name", "city", "postcode", "departement"];
/// Columns of a roll-out file.
pub const ROLLOUT_COLUMNS: [&str; 2] = ["departement", "opens_on"];

/// A validated site line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteLine {
    /// Line number.
    pub line: u64,
    /// Structure code.
    pub code: String,
    /// Structure name.
    pub structure_name: String,
    /// Site name.
    pub site_name: String,
    /// City.
    pub city: String,
    /// Postcode.
    pub postcode: String,
    /// Département.
    pub departement: String,
}

fn read_rows(text: &str, columns: &[&str]) -> Result<Vec<(u64, Vec<String>)>, Vec<LineError>> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_lowercase()).collect(),
        Err(e) => return Err(vec![LineError { line: 1, reason: format!("unreadable header: {e}") }]),
    };
    if headers != columns {
        return Err(vec![LineError {
            line: 1,
            reason: format!("expected the columns {} (found {})", columns.join(","), headers.join(",")),
        }]);
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map(|p| p.line()).unwrap_or(0);
                if r.len() != columns.len() {
                    errors
                        .push(LineError { line, reason: format!("{} columns instead of {}", r.len(), columns.len()) });
                } else {
                    rows.push((line, r.iter().map(str::to_string).collect()));
                }
            }
            Err(e) => errors.push(LineError {
                line: e.position().map(|p| p.line()).unwrap_or(0),
                reason: format!("unreadable line: {e}"),
            }),
        }
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

/// Validates a structures file.
pub fn parse_structures(text: &str) -> Result<Vec<SiteLine>, Vec<LineError>> {
    let rows = read_rows(text, &STRUCTURE_COLUMNS)?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut seen = HashSet::new();
    for (line, f) in rows {
        let mut err = |reason: String| errors.push(LineError { line, reason });
        let code = match CorrespondentCode::parse(&f[0]) {
            Ok(c) => c.as_str().to_string(),
            Err(_) => {
                err(format!("correspondent code '{}' is not 3 to 12 letters and digits", f[0]));
                continue;
            }
        };
        if f[1].is_empty() || f[2].is_empty() || f[3].is_empty() {
            err("structure_name, site_name and city are mandatory".into());
            continue;
        }
        if !(f[4].len() == 5 && f[4].bytes().all(|b| b.is_ascii_digit())) {
            err(format!("postcode '{}' is not 5 digits", f[4]));
            continue;
        }
        let Some(dep) = parse_departement(&f[5]) else {
            err(format!("département '{}' does not exist", f[5]));
            continue;
        };
        if let Some(name) = names.get(&code) {
            if *name != f[1] {
                err(format!("structure {code} is named both '{name}' and '{}'", f[1]));
                continue;
            }
        } else {
            names.insert(code.clone(), f[1].clone());
        }
        if !seen.insert((code.clone(), f[2].to_lowercase())) {
            err(format!("site '{}' appears twice for structure {code}", f[2]));
            continue;
        }
        out.push(SiteLine {
            line,
            code,
            structure_name: f[1].clone(),
            site_name: f[2].clone(),
            city: f[3].clone(),
            postcode: f[4].clone(),
            departement: dep,
        });
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Validates a roll-out file (`opens_on` as AAAA-MM-JJ, JJ/MM/AAAA, or MM/AAAA for the
/// first day of a month).
pub fn parse_rollout(text: &str) -> Result<Vec<(u64, String, Date)>, Vec<LineError>> {
    let rows = read_rows(text, &ROLLOUT_COLUMNS)?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (line, f) in rows {
        let Some(dep) = parse_departement(&f[0]) else {
            errors.push(LineError { line, reason: format!("département '{}' does not exist", f[0]) });
            continue;
        };
        let date = Date::parse(&f[1]).ok().or_else(|| {
            let (m, y) = f[1].split_once('/')?;
            Date::new(y.trim().parse().ok()?, m.trim().parse().ok()?, 1)
        });
        let Some(date) = date else {
            errors.push(LineError {
                line,
                reason: format!("opening date '{}' is not a date (AAAA-MM-JJ or MM/AAAA)", f[1]),
            });
            continue;
        };
        if !seen.insert(dep.clone()) {
            errors.push(LineError { line, reason: format!("département {dep} appears twice") });
            continue;
        }
        out.push((line, dep, date));
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structures_file_is_checked_line_by_line() {
        let good = "correspondent_code,structure_name,site_name,city,postcode,departement\n86 bv 01,Labo,Site A,Poitiers,86000,86\n86BV01,Labo,Site B,Niort,79000,79\n";
        let lines = parse_structures(good).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].code, "86BV01");
        assert_eq!(lines[1].line, 3);

        let bad = "correspondent_code,structure_name,site_name,city,postcode,departement\n86BV01,Labo,Site A,Poitiers,86000,86\nx,Labo,Site B,Niort,79000,79\n86BV01,Autre nom,Site C,Niort,79000,79\n86BV01,Labo,Site D,Niort,7900,79\n86BV01,Labo,Site E,Niort,79000,99\n86BV01,Labo,site a,Poitiers,86000,86\n";
        let errors = parse_structures(bad).unwrap_err();
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7]);
        assert!(parse_structures("code,name\n").unwrap_err()[0].reason.contains("expected the columns"));
    }

    #[test]
    fn rollout_file_accepts_months() {
        let rows = parse_rollout("departement,opens_on\n86,2026-05-01\n5,07/2026\n").unwrap();
        assert_eq!(rows[1].1, "05");
        assert_eq!(rows[1].2, Date::new(2026, 7, 1).unwrap());
        let errors = parse_rollout("departement,opens_on\n86,demain\n99,2026-05-01\n86,2026-06-01\n86,2026-07-01\n")
            .unwrap_err();
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), vec![2, 3, 5]);
    }
}
