//! How the commands write their reports: colour when a person reads them, and the text of
//! durations. The text itself goes through the locked stdout `main` hands each command.

use std::io::IsTerminal;
use std::time::Duration;

/// Minimal colour: bold, green, red; off for `NO_COLOR` and when stdout is no terminal.
#[derive(Clone, Copy)]
pub(crate) struct Style {
    on: bool,
}

impl Style {
    pub(crate) fn detect() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            on: !no_color && std::io::stdout().is_terminal(),
        }
    }
    fn paint(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    pub(crate) fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
    pub(crate) fn good(self, text: &str) -> String {
        self.paint("1;32", text)
    }
    pub(crate) fn bad(self, text: &str) -> String {
        self.paint("1;31", text)
    }
}

/// `5m`, `2h`, `90s`: the largest unit that divides the duration.
pub(crate) fn duration_text(duration: Duration) -> String {
    let secs = duration.as_secs();
    if secs >= 3600 && secs.is_multiple_of(3600) {
        format!("{}h", secs / 3600)
    } else if secs >= 60 && secs.is_multiple_of(60) {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}
