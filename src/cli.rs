//! The command line: parse arguments, call [`crate::site`], print reports.
//! Exit codes: 0 success, 1 problems in the site's data or templates, 2 bad usage or I/O.

use crate::site::{self, Options};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "lotrinh", version, about = "Build a bilingual open-data website of human-rights action plans from YAML/CSV data", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load, validate and render the site, then write it to the output folder (default: public/).
    /// Only files whose bytes changed are written; a failed build writes nothing.
    Build {
        #[command(flatten)]
        common: Common,
        /// Output folder (default: <root>/public).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Override site.yaml's base_url: "/", "/sub/path/" or "https://host/path/".
        #[arg(long, value_name = "URL", value_parser = base_url_arg)]
        base_url: Option<String>,
    },
    /// Load and validate the site (and render it in memory) without writing anything.
    Check {
        #[command(flatten)]
        common: Common,
    },
}

#[derive(clap::Args, Debug)]
pub struct Common {
    /// The site folder (the one holding site.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// How to report problems: human-readable text, or JSON for editors and CI.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let (common, out, base_url, write) = match &cli.command {
        Command::Build {
            common,
            out,
            base_url,
        } => (common, out.as_deref(), base_url.as_deref(), true),
        Command::Check { common } => (common, None, None, false),
    };
    if !common.root.join("site.yaml").is_file() {
        eprintln!(
            "error: no site.yaml in {}\n  = help: run lotrinh in a site folder, or pass --root <DIR>",
            common.root.display()
        );
        return ExitCode::from(2);
    }
    let outcome = site::build(&Options {
        root: &common.root,
        out,
        base_url,
        write,
    });
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match common.format {
        Format::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&outcome.diags.to_json(&outcome.sources))
                    .unwrap_or_default()
            );
        }
        Format::Text => {
            if !outcome.diags.is_empty() {
                eprint!("{}", outcome.diags.render(&outcome.sources, color));
            }
        }
    }
    if outcome.io_failure {
        return ExitCode::from(2);
    }
    match outcome.summary {
        Some(s) if !outcome.diags.has_errors() => {
            if common.format == Format::Text {
                let warn = match outcome.diags.warnings() {
                    0 => String::new(),
                    n => format!(", {n} warning(s)"),
                };
                if write {
                    eprintln!(
                        "built {} pages, {} files ({} written, {} unchanged, {} removed), {} datasets in {} ms{warn}",
                        s.pages,
                        s.files,
                        s.stats.written,
                        s.stats.unchanged,
                        s.stats.removed,
                        s.datasets,
                        s.millis
                    );
                } else {
                    eprintln!(
                        "ok: {} pages, {} files, {} datasets would be built ({} ms){warn}",
                        s.pages, s.files, s.datasets, s.millis
                    );
                }
            }
            ExitCode::SUCCESS
        }
        _ => {
            if common.format == Format::Text {
                eprintln!(
                    "error: {} problem(s) found; nothing was written{}",
                    outcome.diags.errors().max(1),
                    if write {
                        " (the previous output is unchanged)"
                    } else {
                        ""
                    }
                );
            }
            ExitCode::from(1)
        }
    }
}

/// `--base-url` is checked by the same rule as site.yaml's `base_url`.
fn base_url_arg(s: &str) -> Result<String, String> {
    crate::config::base_url(s).map_err(str::to_string)
}
