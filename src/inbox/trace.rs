//! The trace context an inbox keeps: the W3C `traceparent` of the span a delivery was
//! accepted in, stored with it, continued by each attempt's span (feature `opentelemetry`),
//! so one trace shows the receive and every attempt, however much later they run.

/// The length of a `traceparent`: `00-{32 hex}-{16 hex}-{2 hex}`.
const LEN: usize = 55;

/// Whether `text` is a `traceparent` this crate stores and continues: version `00`, a
/// 32-digit trace id and a 16-digit span id, neither all zeros, and the flags, every digit
/// lowercase hex, 55 characters in all. Anything else (a column edited by hand, a newer
/// version's field) is ignored, never parsed further.
pub(crate) fn is_valid(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != LEN || !text.starts_with("00-") || bytes[35] != b'-' || bytes[52] != b'-' {
        return false;
    }
    let hex = |range: std::ops::Range<usize>| {
        bytes[range]
            .iter()
            .all(|&b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let not_zero = |range: std::ops::Range<usize>| bytes[range].iter().any(|&b| b != b'0');
    hex(3..35) && hex(36..52) && hex(53..55) && not_zero(3..35) && not_zero(36..52)
}

/// No trace context to keep yet.
pub(crate) fn current_traceparent() -> Option<String> {
    None
}

/// No trace to continue yet.
pub(crate) fn continue_trace(_span: &tracing::Span, _traceparent: Option<&str>) {}

#[cfg(test)]
mod tests {
    use super::is_valid;

    #[test]
    fn only_a_well_formed_traceparent_is_valid() {
        let good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert!(is_valid(good));
        assert!(is_valid(&good.replace("-01", "-00")));
        for bad in [
            "",
            &good[..54],
            &format!("{good}0"),
            &good.replace("00-4b", "01-4b"),
            &good.to_uppercase(),
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
            &good.replace("-01", "-\u{e9}"),
        ] {
            assert!(!is_valid(bad), "{bad:?}");
        }
    }
}
