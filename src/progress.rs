//! Build progress: a bar on an interactive terminal, plain lines otherwise
//! (CI logs, pipes), nothing at all when asked to be quiet (JSON output).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// The steps `site::build` reports, in order; the bar's length.
pub(crate) const STEPS: u64 = 6;

pub(crate) enum Steps {
    Bar(ProgressBar),
    Lines,
    Quiet,
}

impl Steps {
    /// A bar when stderr is a terminal, lines when it is not, nothing if `quiet`.
    pub(crate) fn new(quiet: bool) -> Steps {
        if quiet {
            Steps::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(STEPS), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{bar:20}] {pos}/{len} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(100));
            Steps::Bar(bar)
        } else {
            Steps::Lines
        }
    }

    /// Called by the pipeline as each step starts.
    pub(crate) fn step(&self, what: &str) {
        match self {
            Steps::Bar(b) => {
                b.set_message(what.to_string());
                b.inc(1);
            }
            Steps::Lines => match profile() {
                Some(extra) => eprintln!("  {what}{extra}"),
                None => eprintln!("  {what}"),
            },
            Steps::Quiet => {}
        }
    }

    /// Clears the bar so the summary line stands alone.
    pub(crate) fn finish(&self) {
        if let Steps::Bar(b) = self {
            b.finish_and_clear();
        }
    }
}

/// With `LOTRINH_PROFILE` set, prints a phase inside a step with the same
/// time and memory figures as the step lines; otherwise does nothing.
pub(crate) fn trace(what: &str) {
    if let Some(extra) = profile() {
        eprintln!("    {what}{extra}");
    }
}

/// With `LOTRINH_PROFILE` set, each step line also says the time since the
/// process started and the memory in use and at peak so far (Linux), which
/// is how `benches/` splits a build into its phases.
fn profile() -> Option<String> {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os("LOTRINH_PROFILE").is_some()) {
        return None;
    }
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let ms = START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_millis();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map(|k| format!("{} MB", k / 1024))
            .unwrap_or_else(|| "?".into())
    };
    Some(format!(
        " [{ms} ms, rss {}, peak {}]",
        kb("VmRSS:"),
        kb("VmHWM:")
    ))
}
