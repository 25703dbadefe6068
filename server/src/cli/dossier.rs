//! `sesame dossier add` and `sesame dossier import`: patient records and their activation
//! codes, until the lab system's API exists.

use anyhow::{Context, bail};
use sesame_app::activation::store::{self as records, NewRecord};
use sesame_app::domain::activation_code::ActivationCode;
use sesame_app::platform::AppState;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Options of `sesame dossier add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The lab system's record number.
    #[arg(long)]
    pub reference: String,
    /// Used last name.
    #[arg(long)]
    pub last_name: String,
    /// Birth name, if different.
    #[arg(long, default_value = "")]
    pub birth_name: String,
    /// First names.
    #[arg(long)]
    pub first_names: String,
    /// Birth date (AAAA-MM-JJ or JJ/MM/AAAA).
    #[arg(long)]
    pub birth_date: String,
    /// F, M or U.
    #[arg(long, default_value = "U")]
    pub sex: String,
    /// NIR (checked with its key), optional.
    #[arg(long, default_value = "")]
    pub nir: String,
}

/// Creates one record and prints its activation code.
pub async fn add(state: &AppState, args: AddArgs) -> anyhow::Result<()> {
    let record = NewRecord::parse(
        &args.reference,
        &args.last_name,
        &args.birth_name,
        &args.first_names,
        &args.birth_date,
        &args.sex,
        &args.nir,
    )
    .map_err(|e| anyhow::anyhow!("invalid record: {e}"))?;
    let mut tx = state.db.begin().await?;
    let (_, code) = match records::create(state, &mut tx, &record).await {
        Ok(v) => v,
        Err(e) if sesame_app::platform::db::is_unique_violation(&e) => {
            bail!("a record with reference '{}' already exists", record.lab_reference)
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    println!("Record {} created. Activation code: {}", record.lab_reference, code.grouped());
    Ok(())
}

/// Issues a new activation code for an existing record, prints it and returns it. The
/// record's unused code stops working; accounts already linked keep their link.
pub async fn new_code(state: &AppState, reference: &str) -> anyhow::Result<ActivationCode> {
    let reference = reference.trim();
    let mut tx = state.db.begin().await?;
    let record = records::record_by_reference(&state.db, reference).await?;
    let Some(record_id) = record else {
        bail!("no record with reference '{reference}': check the number, or create it with `sesame dossier add`")
    };
    let code = records::new_code(state, &mut tx, record_id).await?;
    sesame_app::platform::audit::record(
        &mut tx,
        state.now(),
        sesame_app::platform::audit::AuditEntry::new(None, "record.code_reissued", "patient_record", Some(record_id)),
    )
    .await?;
    tx.commit().await?;
    println!("Record {reference}: new activation code {} (the previous unused code no longer works).", code.grouped());
    Ok(code)
}

/// Columns of an import file, in order.
pub const COLUMNS: [&str; 7] = ["reference", "last_name", "birth_name", "first_names", "birth_date", "sex", "nir"];

/// A rejected line of an import file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// 1-based line number in the file.
    pub line: u64,
    /// Why.
    pub reason: String,
}

/// The records of a file with their line numbers, or every rejected line.
pub type FileRecords = Result<Vec<(u64, NewRecord)>, Vec<Rejected>>;

/// Reads and validates a whole import file.
pub fn read_file(path: &Path) -> anyhow::Result<FileRecords> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let headers: Vec<String> = reader.headers()?.iter().map(|h| h.trim().to_lowercase()).collect();
    if headers != COLUMNS {
        bail!("{}: line 1: expected the columns {} (found {})", path.display(), COLUMNS.join(","), headers.join(","));
    }
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    let mut seen = HashSet::new();
    for result in reader.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                rejected.push(Rejected { line, reason: format!("unreadable line: {e}") });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() != COLUMNS.len() {
            rejected.push(Rejected { line, reason: format!("{} columns instead of {}", record.len(), COLUMNS.len()) });
            continue;
        }
        let f = |i: usize| record.get(i).unwrap_or_default();
        match NewRecord::parse(f(0), f(1), f(2), f(3), f(4), f(5), f(6)) {
            Ok(r) => {
                if !seen.insert(r.lab_reference.clone()) {
                    rejected.push(Rejected {
                        line,
                        reason: format!("reference '{}' appears twice in the file", r.lab_reference),
                    });
                } else {
                    rows.push((line, r));
                }
            }
            Err(e) => rejected.push(Rejected { line, reason: e.to_string() }),
        }
    }
    Ok(if rejected.is_empty() { Ok(rows) } else { Err(rejected) })
}

/// Imports a CSV file of records, all or nothing, and writes their codes to `output`.
pub async fn import(state: &AppState, file: &Path, output: Option<PathBuf>) -> anyhow::Result<()> {
    let output = output.unwrap_or_else(|| {
        let stem = file.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "dossiers".into());
        file.with_file_name(format!("{stem}.codes.csv"))
    });
    let rows = match read_file(file)? {
        Ok(rows) => rows,
        Err(rejected) => {
            eprintln!("{} line(s) rejected, nothing imported:", rejected.len());
            for r in &rejected {
                eprintln!("  line {}: {}", r.line, r.reason);
            }
            bail!("import refused: fix the lines above and run it again");
        }
    };
    // References already known are rejected too, with their lines.
    let mut existing = Vec::new();
    for (line, r) in &rows {
        let found = records::record_by_reference(&state.db, &r.lab_reference).await?;
        if found.is_some() {
            existing.push(Rejected { line: *line, reason: format!("reference '{}' already exists", r.lab_reference) });
        }
    }
    if !existing.is_empty() {
        eprintln!("{} line(s) rejected, nothing imported:", existing.len());
        for r in &existing {
            eprintln!("  line {}: {}", r.line, r.reason);
        }
        bail!("import refused: fix the lines above and run it again");
    }

    let progress = indicatif::ProgressBar::new(rows.len() as u64);
    progress.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} records ({eta} left)")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let temp = output.with_extension("csv.partial");
    // Codes in clear: readable by the owner of the file only.
    let file = super::create_private(&temp).with_context(|| format!("cannot write {}", temp.display()))?;
    let mut writer = csv::Writer::from_writer(file);
    writer.write_record(["reference", "activation_code"])?;
    let mut tx = state.db.begin().await?;
    for (_, r) in &rows {
        let (_, code) = records::create(state, &mut tx, r).await?;
        writer.write_record([r.lab_reference.as_str(), code.grouped().as_str()])?;
        progress.inc(1);
    }
    writer.flush()?;
    drop(writer);
    if let Err(e) = tx.commit().await {
        let _ = std::fs::remove_file(&temp);
        return Err(e.into());
    }
    std::fs::rename(&temp, &output)
        .with_context(|| format!("records imported; their codes are in {}", temp.display()))?;
    progress.finish_and_clear();
    println!("{} records imported. Activation codes written to {}", rows.len(), output.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sesame-dossier-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("dossiers.csv");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn every_bad_line_is_reported_with_its_number() {
        let path = file(
            "bad",
            "reference,last_name,birth_name,first_names,birth_date,sex,nir\n\
             R1,Martin,,Marie,1985-03-14,F,\n\
             R2,,,Jean,1980-01-01,M,\n\
             R3,Durand,,Luc,31/02/1990,M,\n\
             R1,Martin,,Marie,1985-03-14,F,\n\
             R4,Petit,,Léa,2001-05-05,X,\n\
             R5,Roux,,Hugo,2002-02-02,M,123\n\
             R6,Roux\n",
        );
        let rejected = read_file(&path).unwrap().unwrap_err();
        let lines: Vec<u64> = rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7, 8]);
        assert!(rejected[0].reason.contains("last_name"));
        assert!(rejected[2].reason.contains("appears twice"));
    }

    #[test]
    fn a_good_file_reads_whole_and_wrong_headers_are_named() {
        let path = file(
            "good",
            "reference,last_name,birth_name,first_names,birth_date,sex,nir\nR1,Martin,,Marie,1985-03-14,F,\nR2,Le Gall,,Jean-Pierre,09/09/1978,M,\n",
        );
        let rows = read_file(&path).unwrap().unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].0, 3);
        let path = file("headers", "ref,nom\nR1,Martin\n");
        assert!(read_file(&path).unwrap_err().to_string().contains("expected the columns"));
    }
}
