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

/// `text` safe to print to a terminal: each control character (C0, DEL, C1: `\n`, ESC,
/// CSI…) and each Unicode bidirectional override written as its escape (`\n`, `\u{1b}`),
/// so text a sender chose (a handler's response, a header's value, a delivery id) can
/// neither move the cursor, recolour, nor reorder what follows. `keep` lists controls
/// left as they are (`\n` and `\t` for a body printed whole).
pub(crate) fn printable<'a>(text: &'a str, keep: &[char]) -> std::borrow::Cow<'a, str> {
    let unsafe_char = |c: char| {
        (c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
            && !keep.contains(&c)
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("plain text é", &[]), "plain text é");
        assert_eq!(
            printable("a\u{1b}[31mred\r\nb\u{9b}c\u{202e}d", &[]),
            "a\\u{1b}[31mred\\r\\nb\\u{9b}c\\u{202e}d"
        );
        assert_eq!(printable("a\nb\tc\u{7}", &['\n', '\t']), "a\nb\tc\\u{7}");
    }
}
