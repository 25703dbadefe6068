//! `sesame lab-token …`, `sesame keys …` and `sesame reports import`: the lab interface's
//! commands.

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use sesame_app::lab::LabCaller;
use sesame_app::lab::flows::{self, LabError, Pdf};
use sesame_app::lab::types::{Prescriber, ReportBody};
use sesame_app::platform::AppState;
use std::path::Path;

/// `lab-token create`: prints the token once.
pub async fn create_token(state: &AppState, name: &str) -> anyhow::Result<String> {
    let (token, _) = sesame_app::lab::store::create(&state.db, name, state.now()).await?;
    println!("Lab token '{}' created. Give it to the lab system now; it is not shown again:\n{token}", name.trim());
    Ok(token)
}

/// `lab-token list`.
pub async fn list_tokens(state: &AppState) -> anyhow::Result<()> {
    let tokens = sesame_app::lab::store::list(&state.db).await?;
    if tokens.is_empty() {
        println!("No lab token. Create one with: sesame lab-token create --name \"…\"");
    }
    let when = |t: Option<i64>| {
        t.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
            .map(|ts| ts.strftime("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|| "—".into())
    };
    for t in tokens {
        let state = if t.revoked_at.is_some() { format!("revoked {}", when(t.revoked_at)) } else { "active".into() };
        println!("{}\tcreated {}\tlast used {}\t{state}", t.name, when(Some(t.created_at)), when(t.last_used_at));
    }
    Ok(())
}

/// `lab-token revoke NAME`.
pub async fn revoke_token(state: &AppState, name: &str) -> anyhow::Result<()> {
    if !sesame_app::lab::store::revoke(&state.db, name, state.now()).await? {
        bail!("no active lab token named '{}' (see `sesame lab-token list`)", name.trim());
    }
    println!("Lab token '{}' revoked: its calls are now refused.", name.trim());
    Ok(())
}

/// `keys rotate --new-key-file F`: re-seals every document key under the new server key.
pub async fn rotate(state: &AppState, new_key_file: &Path) -> anyhow::Result<()> {
    let new_key = std::fs::read_to_string(new_key_file)
        .with_context(|| format!("cannot read the new key from {}", new_key_file.display()))?;
    let new_key = new_key.trim();
    if new_key.len() < 32 {
        bail!("the new key must be at least 32 characters (e.g. `openssl rand -hex 32`)");
    }
    let old = state.settings.secret();
    if old == new_key.as_bytes() {
        bail!("the new key is the current key");
    }
    let done = sesame_app::documents::store::rotate_keys(&state.db, old, new_key.as_bytes(), 500).await?;
    println!(
        "{} document keys re-sealed ({} already under the new key). Now set SESAME_SECRET_KEY to the new key \
         (or write it to data/secret.key) and restart every instance.",
        done.resealed, done.already
    );
    Ok(())
}

/// `keys status`: documents per server key.
pub async fn key_status(state: &AppState) -> anyhow::Result<()> {
    let ours = sesame_app::documents::seal::key_id(state.settings.secret());
    let counts = sesame_app::documents::store::count_by_key(&state.db).await?;
    println!("This server's key: {ours}");
    for (key, n) in counts {
        println!(
            "{key}\t{n} documents{}",
            if key == ours { " (current)" } else { " (other key: rotation unfinished?)" }
        );
    }
    Ok(())
}

/// One line of a reports index.
#[derive(Debug, serde::Deserialize)]
struct IndexLine {
    reference: String,
    patient: String,
    #[serde(default)]
    correspondent_code: String,
    #[serde(default)]
    site_id: String,
    sampled_on: String,
    status: String,
    title: String,
    pdf: String,
}

/// `reports import INDEX.csv`: every line names a PDF beside the index. All lines are
/// checked first; rejected lines are listed with their line numbers and nothing is
/// published. Then every report is published through the API's flow in one transaction
/// (all or nothing), with a progress bar.
pub async fn import_reports(state: &AppState, index: &Path) -> anyhow::Result<usize> {
    let dir = index.parent().unwrap_or(Path::new("."));
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(index)
        .with_context(|| format!("cannot read {}", index.display()))?;
    let mut lines = Vec::new();
    let mut rejected = Vec::new();
    for (i, line) in reader.deserialize::<IndexLine>().enumerate() {
        let number = i + 2; // the header is line 1
        match line {
            Ok(l) => lines.push((number, l)),
            Err(e) => rejected.push(format!("line {number}: {e}")),
        }
    }
    // Check every line against the same rules as the API, without storing anything.
    let mut ready = Vec::new();
    for (number, l) in lines {
        let path = dir.join(&l.pdf);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                rejected.push(format!("line {number}: cannot read {}: {e}", l.pdf));
                continue;
            }
        };
        if bytes.len() > flows::MAX_PDF_BYTES {
            rejected.push(format!("line {number}: {} is larger than 20 MB", l.pdf));
            continue;
        }
        let site_id = match l.site_id.as_str() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    rejected.push(format!("line {number}: site_id '{s}' is not a number"));
                    continue;
                }
            },
        };
        let body = ReportBody {
            patient: l.patient,
            prescriber: (!l.correspondent_code.is_empty())
                .then(|| Prescriber { correspondent_code: l.correspondent_code.clone(), site_id }),
            sampled_on: l.sampled_on,
            status: l.status,
            title: l.title,
            pdf_base64: None,
        };
        match flows::check_report(state, &l.reference, &body, Some(&Pdf::from_bytes(&bytes))).await {
            Ok(()) => ready.push((l.reference, body, path)),
            Err(LabError::Invalid(problems)) => {
                for p in problems {
                    rejected.push(format!("line {number}: {} {}", p.field, p.message));
                }
            }
            Err(e) => bail!("line {number}: {e}"),
        }
    }
    if !rejected.is_empty() {
        for r in &rejected {
            eprintln!("{r}");
        }
        bail!("{} line(s) rejected; nothing was imported", rejected.len());
    }
    let caller = LabCaller { token_id: 0, name: "sesame reports import".into() };
    let bar = ProgressBar::new(ready.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} reports").unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // Each PDF is read again as its turn comes (an unreadable one is empty, and refused).
    let batch = ready
        .into_iter()
        .map(|(reference, body, path)| (reference, body, Pdf::from_bytes(&std::fs::read(path).unwrap_or_default())));
    // One transaction for the whole file: a failure on any line publishes nothing.
    let answers = flows::put_reports_batch(state, &caller, batch, || bar.inc(1))
        .await
        .map_err(|e| anyhow::anyhow!("nothing was imported: {e}"))?;
    bar.finish_and_clear();
    let published = answers.len();
    println!("{published} report(s) imported.");
    Ok(published)
}
