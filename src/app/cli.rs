//! The command line: parse arguments, call [`crate::site`], print reports.
//! Exit codes: 0 success, 1 problems in the site's data or templates, 2 bad usage or I/O.

use crate::app::report::{Format, report};
use crate::progress::Steps;
use crate::site::{self, Hooks, Options};
use crate::source::config::BaseUrl;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "lotrinh",
    version,
    about = "Build a bilingual open-data website of human-rights action plans from YAML/CSV data",
    long_about = "Build a bilingual open-data website of human-rights action plans from YAML/CSV data.\n\n\
        A site is a folder holding site.yaml, data/ (YAML or CSV records), content/ (Markdown pages) \
        and optionally templates/, themes/<name>/ and static/.\n\n\
        Exit codes: 0 success, 1 problems in the site's data or templates, 2 bad usage or I/O.",
    after_help = "Start a new site with `lotrinh new my-site`, then `cd my-site && lotrinh serve`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load, validate and render the site, then write it to the output folder (default: public/).
    ///
    /// Only files whose bytes changed are written and files no longer produced are
    /// removed; only files an earlier build wrote (listed in .lotrinh-manifest) are
    /// ever replaced or removed. A build that fails (bad data, a broken template, a
    /// disk error, Ctrl-C) leaves the previous output as it was.
    Build {
        #[command(flatten)]
        common: Common,
        /// Output folder (default: <root>/public).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Override site.yaml's base_url: "/", "/sub/path/" or "https://host/path/".
        #[arg(long, value_name = "URL", value_parser = base_url_arg)]
        base_url: Option<BaseUrl>,
    },
    /// Load and validate the site (and render it in memory) without writing anything.
    Check {
        #[command(flatten)]
        common: Common,
    },
    /// Build the site, serve it on 127.0.0.1 and rebuild and reload open pages on every change.
    ///
    /// Watches site.yaml, data/, content/, templates/, themes/ and static/. Only pages
    /// whose content changed are rendered again, and only files whose bytes changed are
    /// written. A bad edit is reported in the terminal and in the browser, and the last
    /// good site stays served. Stop with Ctrl-C.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Output folder, written as by `build` (default: <root>/public).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Override site.yaml's base_url; the site is served under its path (e.g. /sub/path/).
        #[arg(long, value_name = "URL", value_parser = base_url_arg)]
        base_url: Option<BaseUrl>,
        /// Port on 127.0.0.1; if it is taken, a free port is used and printed.
        #[arg(long, short, value_name = "N", default_value_t = 8000)]
        port: u16,
    },
    /// Create a new site in FOLDER: one commented example record per collection.
    ///
    /// The folder must not exist or be empty. The new site builds and passes
    /// `lotrinh check` as created; replace the examples with your data.
    New {
        /// The folder to create the site in.
        #[arg(value_name = "FOLDER")]
        dir: PathBuf,
    },
}

#[derive(clap::Args, Debug)]
pub struct Common {
    /// The site folder (the one holding site.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// How to report problems: human-readable text (on stderr), or JSON (on stdout) for editors and CI.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    // Ctrl-C or SIGTERM during a build: stop cleanly or finish the switch.
    crate::publish::output::handle_signals();
    match &cli.command {
        Command::Build {
            common,
            out,
            base_url,
        } => build_or_check(common, out.as_deref(), base_url.as_ref(), true),
        Command::Check { common } => build_or_check(common, None, None, false),
        Command::Serve {
            common,
            out,
            base_url,
            port,
        } => {
            if let Some(code) = no_site(&common.root) {
                return code;
            }
            crate::app::serve::run(crate::app::serve::Settings {
                root: common.root.clone(),
                out: out.clone().unwrap_or_else(|| common.root.join("public")),
                base_url: base_url.clone(),
                port: *port,
                format: common.format,
            })
        }
        Command::New { dir } => new_site(dir),
    }
}

fn no_site(root: &Path) -> Option<ExitCode> {
    if root.join("site.yaml").is_file() {
        return None;
    }
    eprintln!(
        "error: no site.yaml in {}\n  = help: run lotrinh in a site folder, pass --root <DIR>, or create a site with `lotrinh new <FOLDER>`",
        root.display()
    );
    Some(ExitCode::from(2))
}

fn build_or_check(
    common: &Common,
    out: Option<&Path>,
    base_url: Option<&BaseUrl>,
    write: bool,
) -> ExitCode {
    if let Some(code) = no_site(&common.root) {
        return code;
    }
    let progress = Steps::new(common.format == Format::Json);
    let step = |what: &str| progress.step(what);
    let outcome = site::build_with(
        &Options {
            root: &common.root,
            out,
            base_url,
            write,
        },
        Hooks {
            progress: Some(&step),
            cache: None,
            keep: false,
            parsed: None,
            only: None,
        },
    );
    progress.finish();
    let code = report(&outcome, common.format, write);
    if crate::publish::output::interrupted() {
        return ExitCode::from(130);
    }
    code
}

/// `--base-url` is checked by the same rule as site.yaml's `base_url`.
fn base_url_arg(s: &str) -> Result<BaseUrl, String> {
    BaseUrl::parse(s).map_err(str::to_string)
}

fn new_site(dir: &Path) -> ExitCode {
    let today = jiff::ZonedDateTime::now().date().to_string();
    match crate::app::scaffold::create(dir, &today) {
        Ok(files) => {
            eprintln!("created a new site in {}:", dir.display());
            for f in files {
                eprintln!("  {f}");
            }
            eprintln!(
                "next: cd {} && lotrinh serve   (or `lotrinh build` to write public/)",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot create the site: {e}");
            ExitCode::from(2)
        }
    }
}
