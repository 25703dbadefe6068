//! `sesame`: the server binary and its command-line tools.

use clap::Parser;
use sesame_server::cli::{Cli, run};
use sesame_server::config::Config;
use std::process::ExitCode;

/// The allocator of the server. Rendering a page allocates and frees many small buffers:
/// glibc's malloc and free were about a quarter of the CPU of `/inscription` under load;
/// with mimalloc the same machine renders it 23–24 % faster, with the same idle memory
/// (built without transparent huge pages; docs/MEASUREMENTS.md, "Rendering").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    sesame_server::init_tracing(config.log_json);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
