//! `sesame structure import` and `sesame rollout import`.

use anyhow::{Context, bail};
use sesame_app::platform::AppState;
use sesame_app::structures::import::{self, LineError};
use std::path::Path;

fn report(file: &Path, errors: &[LineError]) -> anyhow::Error {
    eprintln!("{}: {} line(s) rejected, nothing imported:", file.display(), errors.len());
    for e in errors {
        eprintln!("  line {}: {}", e.line, e.reason);
    }
    anyhow::anyhow!("import refused: fix the lines above and run it again")
}

/// Imports structures and their sites (columns: correspondent_code, structure_name,
/// site_name, city, postcode, departement), all or nothing.
pub async fn import_structures(state: &AppState, file: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let lines = import::parse_structures(&text).map_err(|e| report(file, &e))?;
    if lines.is_empty() {
        bail!("{}: no site to import", file.display());
    }
    let counts = sesame_app::structures::store::import_structures(&state.db, &lines, state.now()).await?;
    println!(
        "{} structure(s) created, {} site(s) created, {} site(s) already present.",
        counts.structures_created, counts.sites_created, counts.sites_existing
    );
    Ok(())
}

/// Imports the roll-out calendar (columns: departement, opens_on), all or nothing.
pub async fn import_rollout(state: &AppState, file: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let rows = import::parse_rollout(&text).map_err(|e| report(file, &e))?;
    let n = sesame_app::structures::store::import_rollout(&state.db, &rows).await?;
    println!("{n} département(s) scheduled.");
    Ok(())
}
