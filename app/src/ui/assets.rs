//! The built stylesheet and WebAssembly loader, found once per process: the stylesheet's
//! text is inlined in every page (no render-blocking request before the first paint), and
//! the names of the hashed JavaScript and WebAssembly files are ready for the pages that
//! have an island. `server/src/middleware/page_assets.rs` puts both in the rendered page:
//! the stylesheet is copied in once there rather than carried through rendering, where
//! each pass over the page (Leptos's head injection searches it twice) would read it again.
//!
//! Two kinds of WebAssembly: cargo-leptos's full one (every island), and one per group of
//! islands (`scripts/island-bundles.mjs`, listed in `pkg/islands.txt`), so that a page
//! downloads only what its own islands need. A page gets the first group bundle that holds
//! all of its islands, or the full one.
//!
//! Leptos's own `HashedStylesheet` and `HydrationScripts` read cargo-leptos's hash file on
//! every request and load the WebAssembly on every page; this reads it once.

use leptos::config::LeptosOptions;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The marker the shell leaves in `<head>` where the stylesheet and, on a page with islands,
/// the island loader go.
pub const ASSETS_MARKER: &str = "<meta name=\"sesame-assets\">";

/// The built front-end files of this process.
#[derive(Debug)]
pub struct Assets {
    /// The whole stylesheet (minified by the release build), for a `<style>` element.
    pub css: String,
    /// What the loader's call passes: package directory, JavaScript and WebAssembly names
    /// without extension.
    pub pkg_dir: String,
    /// The JavaScript module's name without extension.
    pub js_name: String,
    /// The WebAssembly's name without extension.
    pub wasm_name: String,
    /// The per-group bundles, smallest first.
    pub bundles: Vec<Bundle>,
}

/// One WebAssembly built with a group of islands only (a line of `pkg/islands.txt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The JavaScript module's name without extension.
    pub js_name: String,
    /// The WebAssembly's name without extension.
    pub wasm_name: String,
    /// Its size in bytes (to prefer the smallest that fits a page).
    pub size: u64,
    /// The islands it hydrates, by the name pages give them (`data-component`).
    pub islands: Vec<String>,
}

impl Assets {
    /// The JavaScript and WebAssembly names (without extension) that hydrate a page holding
    /// `islands`: the smallest group bundle that has them all, else the full one.
    pub fn bundle_for(&self, islands: &[&str]) -> (&str, &str) {
        self.bundles
            .iter()
            .find(|b| islands.iter().all(|i| b.islands.iter().any(|have| have == i)))
            .map(|b| (b.js_name.as_str(), b.wasm_name.as_str()))
            .unwrap_or((self.js_name.as_str(), self.wasm_name.as_str()))
    }
}

/// Reads `pkg/islands.txt`: one bundle per line, `<js name> <wasm name> <bytes> <island>…`
/// (`#` starts a comment). A missing file (development build) means no group bundles.
pub fn parse_bundles(text: &str) -> Vec<Bundle> {
    let mut bundles: Vec<Bundle> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let js_name = words.next()?.to_string();
            let wasm_name = words.next()?.to_string();
            let size = words.next()?.parse().ok()?;
            let islands: Vec<String> = words.map(str::to_string).collect();
            (!islands.is_empty()).then_some(Bundle { js_name, wasm_name, size, islands })
        })
        .collect();
    bundles.sort_by_key(|b| b.size);
    bundles
}

/// The files of the site `options` describes, read at the first call.
pub fn of(options: &LeptosOptions) -> &'static Assets {
    static ASSETS: OnceLock<Assets> = OnceLock::new();
    ASSETS.get_or_init(|| load(options))
}

/// cargo-leptos's `hash.txt` (beside the server's executable when files are hashed): lines
/// `js: …`, `wasm: …`, `css: …`.
fn hashes(options: &LeptosOptions) -> Vec<(String, String)> {
    if !options.hash_files {
        return Vec::new();
    }
    let beside_exe = std::env::current_exe().ok().and_then(|p| p.parent().map(Path::to_path_buf)).unwrap_or_default();
    let text = std::fs::read_to_string(beside_exe.join(options.hash_file.as_ref())).unwrap_or_default();
    text.lines().filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect()
}

fn load(options: &LeptosOptions) -> Assets {
    let hashes = hashes(options);
    let name = |kind: &str| {
        let base = options.output_name.to_string();
        match hashes.iter().find(|(k, _)| k == kind) {
            Some((_, hash)) => format!("{base}.{hash}"),
            // Unhashed builds (development) name the WebAssembly `<name>_bg.wasm`.
            None if kind == "wasm" => format!("{base}_bg"),
            None => base,
        }
    };
    let pkg_dir = options.site_pkg_dir.to_string();
    let (js_name, wasm_name, css_name) = (name("js"), name("wasm"), name("css"));
    let css_path: PathBuf = [options.site_root.as_ref(), pkg_dir.as_str(), &format!("{css_name}.css")].iter().collect();
    let css = std::fs::read_to_string(&css_path).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "no built stylesheet to inline (pages render unstyled)");
        String::new()
    });
    let manifest: PathBuf = [options.site_root.as_ref(), pkg_dir.as_str(), "islands.txt"].iter().collect();
    let bundles = parse_bundles(&std::fs::read_to_string(manifest).unwrap_or_default());
    Assets { css, pkg_dir, js_name, wasm_name, bundles }
}

/// The markup that loads the WebAssembly and hydrates the page's islands: Leptos's island
/// loader (`island_loader.js`, from leptos 0.8's `hydration/island_script.js`), which starts
/// when the browser is idle — after the first paint. No preload hint: on a slow network a
/// 220 KB download started with the page competes with the page itself, and the forms
/// work before WebAssembly anyway. `nonce` is the page's CSP nonce; `islands` the names of
/// the page's islands (see [`Assets::bundle_for`]).
pub fn island_scripts(assets: &Assets, nonce: &str, islands: &[&str]) -> String {
    const LOADER: &str = include_str!("island_loader.js");
    let (js_name, wasm_name) = assets.bundle_for(islands);
    format!(
        "<script type=\"module\" nonce=\"{nonce}\">{LOADER}(\"\", \"{pkg}\", \"{js_name}\", \"{wasm_name}\");</script>",
        pkg = assets.pkg_dir,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_is_called_with_the_hashed_names() {
        let assets = Assets {
            css: String::new(),
            pkg_dir: "pkg".into(),
            js_name: "sesame.abc".into(),
            wasm_name: "sesame.def".into(),
            bundles: Vec::new(),
        };
        let html = island_scripts(&assets, "N0NCE", &["SignUpForm_1"]);
        assert!(html.contains("<script type=\"module\" nonce=\"N0NCE\">"));
        assert!(html.contains("(\"\", \"pkg\", \"sesame.abc\", \"sesame.def\");</script>"));
        assert!(!html.contains("preload"), "nothing competes with the first paint");
        assert_eq!(html.matches("<script").count(), 1);
    }

    #[test]
    fn a_page_gets_the_smallest_bundle_holding_all_its_islands_else_the_full_one() {
        let manifest = "# js wasm bytes islands\n\
            islands-shared.9 islands-shared.9 90000 Postcode_1 Rpps_2\n\
            islands-accounts.1 islands-accounts.2 80000 SignUpForm_1 PasswordInput_2\n\
            broken line\n";
        let bundles = parse_bundles(manifest);
        assert_eq!(bundles.len(), 2);
        assert_eq!(bundles[0].js_name, "islands-accounts.1", "smallest first");
        let assets = Assets {
            css: String::new(),
            pkg_dir: "pkg".into(),
            js_name: "sesame.abc".into(),
            wasm_name: "sesame.def".into(),
            bundles,
        };
        assert_eq!(assets.bundle_for(&["PasswordInput_2"]), ("islands-accounts.1", "islands-accounts.2"));
        assert_eq!(assets.bundle_for(&["Rpps_2", "Postcode_1"]), ("islands-shared.9", "islands-shared.9"));
        // Islands of two groups on one page: the full WebAssembly.
        assert_eq!(assets.bundle_for(&["SignUpForm_1", "Rpps_2"]), ("sesame.abc", "sesame.def"));
        assert_eq!(assets.bundle_for(&["Unknown_3"]), ("sesame.abc", "sesame.def"));
    }
}
