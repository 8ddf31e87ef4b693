//! What a build says when it ends: its problems, as text on stderr or as
//! JSON on stdout, then one closing line; and the exit code. `lotrinh
//! build`/`check` and every rebuild of `lotrinh serve` report the same way.

use crate::site::Outcome;
use clap::ValueEnum;
use std::io::IsTerminal;
use std::process::ExitCode;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Prints the diagnostics and the closing line; the exit code.
pub(crate) fn report(outcome: &Outcome, format: Format, write: bool) -> ExitCode {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match format {
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
    match &outcome.summary {
        Some(_) if !outcome.diags.has_errors() => {
            if format == Format::Text {
                eprintln!("{}", summary_line(outcome, write));
            }
            ExitCode::SUCCESS
        }
        _ => {
            if format == Format::Text {
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

/// The one line every successful build ends with: pages, files, datasets, time.
pub(crate) fn summary_line(outcome: &Outcome, write: bool) -> String {
    let Some(s) = &outcome.summary else {
        return String::new();
    };
    let warn = match outcome.diags.warnings() {
        0 => String::new(),
        n => format!(", {n} warning(s)"),
    };
    let cached = if s.rendered < s.pages {
        format!(
            " ({} rendered, {} unchanged)",
            s.rendered,
            s.pages - s.rendered
        )
    } else {
        String::new()
    };
    if write {
        format!(
            "built {} pages{cached}, {} files ({} written, {} unchanged, {} removed), {} datasets in {} ms{warn}",
            s.pages,
            s.files,
            s.stats.written,
            s.stats.unchanged,
            s.stats.removed,
            s.datasets,
            s.millis
        )
    } else {
        format!(
            "ok: {} pages, {} files, {} datasets would be built ({} ms){warn}",
            s.pages, s.files, s.datasets, s.millis
        )
    }
}
