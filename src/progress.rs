//! Build progress: a bar on an interactive terminal, plain lines otherwise
//! (CI logs, pipes), nothing at all when asked to be quiet (JSON output).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// The steps `site::build` reports, in order; the bar's length.
pub const STEPS: u64 = 5;

pub enum Progress {
    Bar(ProgressBar),
    Lines,
    Quiet,
}

impl Progress {
    /// A bar when stderr is a terminal, lines when it is not, nothing if `quiet`.
    pub fn new(quiet: bool) -> Progress {
        if quiet {
            Progress::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(STEPS), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{bar:20}] {pos}/{len} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(100));
            Progress::Bar(bar)
        } else {
            Progress::Lines
        }
    }

    /// Called by the pipeline as each step starts.
    pub fn step(&self, what: &str) {
        match self {
            Progress::Bar(b) => {
                b.set_message(what.to_string());
                b.inc(1);
            }
            Progress::Lines => eprintln!("  {what}"),
            Progress::Quiet => {}
        }
    }

    /// Clears the bar so the summary line stands alone.
    pub fn finish(&self) {
        if let Progress::Bar(b) = self {
            b.finish_and_clear();
        }
    }
}
