//! Masking what must not be repeated: a URL's `user:password@`, in any text the command
//! line prints back (clap repeats arguments it could not place).

/// `text` with what comes before the last `@` of each word that has one (a URL's
/// `user:password@`, however mistyped: `postgres:/…`, `postgres//…`) replaced by `***`,
/// after the word's `scheme:` and slashes if it starts with one.
pub(crate) fn mask_url_credentials(text: &str) -> String {
    let is_delimiter = |c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(|c: char| !is_delimiter(c)).unwrap_or(rest.len());
        let (delimiters, tail) = rest.split_at(start);
        out.push_str(delimiters);
        let end = tail.find(is_delimiter).unwrap_or(tail.len());
        let (word, tail) = tail.split_at(end);
        match word.rsplit_once('@') {
            Some((_, host)) => {
                let scheme = word
                    .split_once(':')
                    .filter(|(scheme, _)| {
                        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric())
                    })
                    .map_or(0, |(scheme, after)| {
                        scheme.len() + 1 + (after.len() - after.trim_start_matches('/').len())
                    });
                out.push_str(word.get(..scheme).unwrap_or_default());
                out.push_str("***@");
                out.push_str(host);
            }
            None => out.push_str(word),
        }
        rest = tail;
    }
    out
}
