//! Command-line subcommands of the `sesame` binary.

pub mod backup;
pub mod dossier;
pub mod lab;
pub mod reference;
pub mod support;

use crate::config::Config;
use crate::startup;
use clap::{Parser, Subcommand};

/// The `sesame` command line.
#[derive(Debug, Parser)]
#[command(name = "sesame", version, about = "Sésame, the account portal of a network of medical biology labs")]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve Sésame (the default).
    Serve {
        /// Load the demo data set first if the database has none.
        #[arg(long)]
        demo: bool,
    },
    /// Apply the database migrations and exit.
    Migrate,
    /// Load the demo data set (once; running it again changes nothing) and print its
    /// accounts and activation codes.
    DemoData,
    /// Structures and their sites.
    Structure {
        /// What to do with structures.
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// The roll-out calendar by département.
    Rollout {
        /// What to do with the calendar.
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Support agents.
    SupportAgent {
        /// What to do with support agents.
        #[command(subcommand)]
        command: SupportAgentCommand,
    },
    /// A consistent copy of the live SQLite database (and documents) into one file.
    Backup {
        /// The backup file to write.
        file: std::path::PathBuf,
    },
    /// Restores a backup into an empty data directory.
    Restore {
        /// The backup file.
        file: std::path::PathBuf,
    },
    /// Patient records and their activation codes.
    Dossier {
        /// What to do with records.
        #[command(subcommand)]
        command: DossierCommand,
    },
    /// Bearer tokens of the lab system (`/api/lab/v1`).
    LabToken {
        /// What to do with tokens.
        #[command(subcommand)]
        command: LabTokenCommand,
    },
    /// The server key that seals documents' keys.
    Keys {
        /// What to do with keys.
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Reports from files, as the lab API would receive them.
    Reports {
        /// What to do with reports.
        #[command(subcommand)]
        command: ReportsCommand,
    },
}

/// `sesame lab-token …`.
#[derive(Debug, Subcommand)]
pub enum LabTokenCommand {
    /// Creates a token and prints it once.
    Create {
        /// A name saying which system uses it (e.g. "SIL Poitiers").
        #[arg(long)]
        name: String,
    },
    /// Lists tokens: name, created, last used, revoked.
    List,
    /// Revokes a token by name.
    Revoke {
        /// The token's name.
        name: String,
    },
}

/// `sesame keys …`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Re-seals every document key under a new server key (the documents are untouched).
    Rotate {
        /// A file holding the new key (at least 32 characters).
        #[arg(long)]
        new_key_file: std::path::PathBuf,
    },
    /// How many documents are sealed under each server key.
    Status,
}

/// `sesame reports …`.
#[derive(Debug, Subcommand)]
pub enum ReportsCommand {
    /// Imports reports from an index (CSV: reference, patient, correspondent_code, site_id,
    /// sampled_on, status, title, pdf) whose PDFs are beside it.
    Import {
        /// The index file.
        file: std::path::PathBuf,
    },
}

/// `sesame dossier …`
#[derive(Debug, Subcommand)]
pub enum DossierCommand {
    /// Create one record and print its activation code.
    Add(dossier::AddArgs),
    /// Issue a new activation code for an existing record and print it (for a patient whose
    /// code was lost or used by someone else); its unused code stops working, links stay.
    NewCode {
        /// The lab system's record number.
        reference: String,
    },
    /// Import records from a CSV file (columns: reference,last_name,birth_name,first_names,
    /// birth_date,sex,nir), all or nothing, and write their codes to a CSV file.
    Import {
        /// The CSV file.
        file: std::path::PathBuf,
        /// Where to write the codes (default: FILE.codes.csv next to it).
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
}

/// `sesame support-agent …`
#[derive(Debug, Subcommand)]
pub enum SupportAgentCommand {
    /// Create a support agent and print their invitation link.
    Add(support::AddAgentArgs),
}

/// `sesame structure import FILE` / `sesame rollout import FILE`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import a CSV file, all or nothing (errors are reported with their line numbers).
    Import {
        /// The CSV file.
        file: std::path::PathBuf,
    },
}

/// Opens the database and builds the state for a one-off command.
async fn command_state(config: &Config) -> anyhow::Result<sesame_app::platform::AppState> {
    let db = startup::open_database(config).await?;
    Ok(startup::build_state(config, db, &startup::Overrides::default()))
}

/// Creates (or truncates) a file only its owner can read and write (mode 0600): secrets
/// and codes in clear.
pub fn create_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    // An existing file keeps its mode on open: tighten it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

/// Writes a whole file readable by its owner only (see [`create_private`]).
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    create_private(path)?.write_all(bytes)
}

/// The demo data set (known passwords, printed codes) never goes into a real deployment.
fn refuse_demo_in_production(config: &Config) -> anyhow::Result<()> {
    if config.mode == crate::config::Mode::Production {
        anyhow::bail!("the demo data set is refused when SESAME_ENV=production (its passwords and codes are public)");
    }
    Ok(())
}

/// Runs a parsed command line.
pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            if demo {
                refuse_demo_in_production(&config)?;
            }
            let db = startup::open_database(&config).await?;
            if demo {
                let state = startup::build_state(&config, db.clone(), &startup::Overrides::default());
                crate::demo::load(&state).await?.print();
            }
            let running = startup::spawn(&config, db, startup::Overrides::default()).await?;
            tracing::info!(address = %running.addr, public_url = %config.public_url, "Sésame is listening");
            running.until_signal().await;
            Ok(())
        }
        Command::Backup { file } => backup::backup(&config, &file).await,
        Command::Restore { file } => backup::restore(&config, &file),
        Command::Migrate => {
            let db = startup::open_database(&config).await?;
            db.close().await;
            println!("Database migrated.");
            Ok(())
        }
        Command::Dossier { command } => {
            let state = command_state(&config).await?;
            let result = match command {
                DossierCommand::Add(args) => dossier::add(&state, args).await,
                DossierCommand::NewCode { reference } => dossier::new_code(&state, &reference).await.map(|_| ()),
                DossierCommand::Import { file, output } => dossier::import(&state, &file, output).await,
            };
            state.db.close().await;
            result
        }
        Command::LabToken { command } => {
            let state = command_state(&config).await?;
            let result = match command {
                LabTokenCommand::Create { name } => lab::create_token(&state, &name).await.map(|_| ()),
                LabTokenCommand::List => lab::list_tokens(&state).await,
                LabTokenCommand::Revoke { name } => lab::revoke_token(&state, &name).await,
            };
            state.db.close().await;
            result
        }
        Command::Keys { command } => {
            let state = command_state(&config).await?;
            let result = match command {
                KeysCommand::Rotate { new_key_file } => lab::rotate(&state, &new_key_file).await,
                KeysCommand::Status => lab::key_status(&state).await,
            };
            state.db.close().await;
            result
        }
        Command::Reports { command: ReportsCommand::Import { file } } => {
            let state = command_state(&config).await?;
            let result = lab::import_reports(&state, &file).await.map(|_| ());
            // The notices are in the outbox; the running server's worker sends them.
            state.db.close().await;
            result
        }
        Command::Structure { command: ImportCommand::Import { file } } => {
            let state = command_state(&config).await?;
            let result = reference::import_structures(&state, &file).await;
            state.db.close().await;
            result
        }
        Command::Rollout { command: ImportCommand::Import { file } } => {
            let state = command_state(&config).await?;
            let result = reference::import_rollout(&state, &file).await;
            state.db.close().await;
            result
        }
        Command::SupportAgent { command: SupportAgentCommand::Add(args) } => {
            let state = command_state(&config).await?;
            let result = support::add(&state, args).await;
            // The invitation e-mail is in the outbox; the running server's worker sends it.
            state.db.close().await;
            result
        }
        Command::DemoData => {
            refuse_demo_in_production(&config)?;
            let db = startup::open_database(&config).await?;
            let state = startup::build_state(&config, db.clone(), &startup::Overrides::default());
            crate::demo::load(&state).await?.print();
            db.close().await;
            Ok(())
        }
    }
}
