//! One owner per table, checked on the source: every table of the schema has exactly one
//! owner module (the one whose module documentation begins "The owner of `table`"), and
//! only that module's statements insert into, update or delete from it. Other modules may
//! read it (a JOIN to filter or show a column), never write it.
//!
//! No database: it reads `migrations/` and the Rust sources of the app and the server. The
//! benchmark binary (`server/src/bin/`) is left out on purpose: it seeds 100,000 rows with
//! multi-row statements, which no owner function needs, and it is a measuring tool, not
//! the app.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The workspace root (this crate is `server/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Every `.rs` file under `dir`, recursively, except under `skip`.
fn rust_files(dir: &Path, skip: Option<&Path>, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if skip.is_some_and(|skip| path.starts_with(skip)) {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, skip, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The tables the migrations of `dialect` create.
fn tables(dialect: &str) -> BTreeSet<String> {
    let mut tables = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("migrations").join(dialect)).unwrap() {
        let sql = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for rest in sql.split("CREATE TABLE ").skip(1) {
            let rest = rest.trim_start_matches("IF NOT EXISTS ");
            tables.insert(identifier(rest));
        }
    }
    tables
}

/// The SQL identifier at the start of `text`.
fn identifier(text: &str) -> String {
    text.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

/// The tables a module declares it owns: the back-quoted names in its documentation's
/// first sentence, when it begins "The owner of" (up to the colon that ends the list).
fn owned_by(source: &str) -> Vec<String> {
    let doc: String = source
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.trim_start_matches("//!").trim())
        .collect::<Vec<_>>()
        .join(" ");
    let Some(list) = doc.strip_prefix("The owner of ") else { return Vec::new() };
    let list = list.split(':').next().unwrap_or("");
    list.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// The tables `source` writes to: the name after each `INSERT INTO`, `UPDATE` and
/// `DELETE FROM`, when it is one of `tables` (so `DO UPDATE SET` and prose do not count).
fn written_by(source: &str, tables: &BTreeSet<String>) -> BTreeSet<String> {
    let mut written = BTreeSet::new();
    for keyword in ["INSERT INTO ", "UPDATE ", "DELETE FROM "] {
        for rest in source.split(keyword).skip(1) {
            let name = identifier(rest);
            if tables.contains(&name) {
                written.insert(name);
            }
        }
    }
    written
}

/// The sources of the app and the server, by path relative to the workspace root.
fn sources() -> Vec<(String, String)> {
    let root = root();
    let mut files = Vec::new();
    rust_files(&root.join("app/src"), None, &mut files);
    rust_files(&root.join("server/src"), Some(&root.join("server/src/bin")), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path.strip_prefix(&root).unwrap().display().to_string(), text)
        })
        .collect()
}

/// Which module owns each table, failing on a table claimed twice.
fn owners(sources: &[(String, String)]) -> BTreeMap<String, String> {
    let mut owners = BTreeMap::new();
    for (path, text) in sources {
        for table in owned_by(text) {
            if let Some(other) = owners.insert(table.clone(), path.clone()) {
                panic!("`{table}` is claimed by both {other} and {path}");
            }
        }
    }
    owners
}

#[test]
fn every_table_has_exactly_one_owner_module() {
    let tables = tables("sqlite");
    assert!(tables.contains("users") && tables.len() > 20, "the migrations were not read: {tables:?}");
    assert_eq!(tables, self::tables("postgres"), "both dialects create the same tables");
    let owners = owners(&sources());
    let orphans: Vec<_> = tables.iter().filter(|t| !owners.contains_key(*t)).collect();
    assert!(orphans.is_empty(), "no module documents itself as the owner of {orphans:?}");
    let unknown: Vec<_> = owners.keys().filter(|t| !tables.contains(*t)).collect();
    assert!(unknown.is_empty(), "owners name tables no migration creates: {unknown:?}");
}

#[test]
fn only_a_tables_owner_writes_to_it() {
    let tables = tables("sqlite");
    let sources = sources();
    let owners = owners(&sources);
    let mut trespasses = Vec::new();
    for (path, text) in &sources {
        for table in written_by(text, &tables) {
            let owner = owners.get(&table).map(String::as_str).unwrap_or("nobody");
            if owner != path {
                trespasses.push(format!("{path} writes `{table}`, owned by {owner}"));
            }
        }
    }
    assert!(trespasses.is_empty(), "{}", trespasses.join("\n"));
}

#[test]
fn the_checks_see_writes_and_owners_as_written_in_the_sources() {
    let tables: BTreeSet<String> = ["reports".to_string(), "users".to_string()].into();
    let code = r#"sqlx::query("UPDATE reports SET a = 1"); "ON CONFLICT DO UPDATE SET x"; "DELETE FROM users""#;
    assert_eq!(written_by(code, &tables), tables);
    let doc = "//! The owner of `reports`, `users`\n//! and `invoices`: what `other` says.\n\nfn x() {}";
    assert_eq!(owned_by(doc), ["reports", "users", "invoices"]);
    assert!(owned_by("//! Reading `reports`.").is_empty());
}
