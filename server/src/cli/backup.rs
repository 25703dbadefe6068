//! `sesame backup FILE` and `sesame restore FILE`.
//!
//! SQLite: a consistent copy of the live database (`VACUUM INTO`, which reads one snapshot
//! while writers go on), packed with the documents directory, when one is set, into one
//! tar file. Restoring unpacks it into an empty data directory (the database file must not
//! exist yet). PostgreSQL has its own tools, which these commands name instead of
//! pretending: `pg_dump -Fc` and `pg_restore`.

use crate::config::Config;
use anyhow::{Context, bail};
use secrecy::ExposeSecret;
use std::path::{Path, PathBuf};

/// Name of the database inside a backup.
const DB_ENTRY: &str = "sesame.db";
/// Folder of the documents inside a backup.
const DOCUMENTS_ENTRY: &str = "documents";

fn sqlite_path(config: &Config) -> anyhow::Result<PathBuf> {
    let Some(rest) = config.database_url.expose_secret().strip_prefix("sqlite://") else {
        bail!(
            "SESAME_DATABASE_URL is PostgreSQL: back it up with its own tools, e.g.\n  \
             pg_dump -Fc -d \"$SESAME_DATABASE_URL\" -f sesame.dump\nand restore into an empty database with\n  \
             pg_restore --no-owner -d \"$SESAME_DATABASE_URL\" sesame.dump\n\
             (see docs/DEPLOYMENT.md; copy SESAME_DOCUMENTS_DIR alongside when documents are stored in a directory)"
        );
    };
    Ok(PathBuf::from(rest.split('?').next().unwrap_or_default()))
}

/// Writes a consistent backup of the live database (and documents) to `file`.
pub async fn backup(config: &Config, file: &Path) -> anyhow::Result<()> {
    let _ = sqlite_path(config)?;
    if file.exists() {
        bail!("{} already exists: choose a new file name", file.display());
    }
    let db = crate::startup::open_database(config).await?;
    let work = file.with_extension("partial.d");
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    let snapshot = work.join(DB_ENTRY);
    let target = snapshot.to_string_lossy().replace('\'', "''");
    sqlx::query(&format!("VACUUM INTO '{target}'")).execute(db.pool()).await.context("SQLite snapshot")?;
    db.close().await;
    let out = super::create_private(&file.with_extension("partial")).context("backup file")?;
    let mut archive = tar::Builder::new(out);
    archive.append_path_with_name(&snapshot, DB_ENTRY)?;
    if let Some(dir) = config.documents_dir.as_ref().filter(|d| d.exists()) {
        archive.append_dir_all(DOCUMENTS_ENTRY, dir).with_context(|| format!("documents in {}", dir.display()))?;
    }
    archive.into_inner()?.sync_all()?;
    std::fs::rename(file.with_extension("partial"), file)?;
    std::fs::remove_dir_all(&work).ok();
    println!(
        "Backup written to {} (database{}).",
        file.display(),
        if config.documents_dir.is_some() { " and documents" } else { "" }
    );
    Ok(())
}

/// Restores a backup into an empty data directory.
pub fn restore(config: &Config, file: &Path) -> anyhow::Result<()> {
    let db_path = sqlite_path(config)?;
    if db_path.exists() {
        bail!("{} already exists: restore into an empty data directory", db_path.display());
    }
    if let Some(dir) = &config.documents_dir
        && dir.exists()
        && std::fs::read_dir(dir)?.next().is_some()
    {
        bail!("{} is not empty: restore into an empty documents directory", dir.display());
    }
    if let Some(parent) = db_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut archive =
        tar::Archive::new(std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?);
    let mut found = false;
    for entry in archive.entries()? {
        let mut entry = entry?;
        let path = entry.path()?.into_owned();
        if path == Path::new(DB_ENTRY) {
            entry.unpack(&db_path)?;
            found = true;
        } else if let (Ok(rest), Some(dir)) = (path.strip_prefix(DOCUMENTS_ENTRY), &config.documents_dir) {
            if rest.as_os_str().is_empty() {
                continue;
            }
            let target = dir.join(rest);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            entry.unpack(&target)?;
        }
    }
    if !found {
        bail!("{} is not a Sésame backup (no {DB_ENTRY} inside)", file.display());
    }
    println!("Restored into {}.", db_path.display());
    Ok(())
}
