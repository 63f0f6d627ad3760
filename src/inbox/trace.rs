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

/// The `traceparent` of the current span's OpenTelemetry context, when it has a valid one
/// (a `tracing_opentelemetry` layer is installed and the span is sampled or not, but real).
#[cfg(feature = "opentelemetry")]
pub(crate) fn current_traceparent() -> Option<String> {
    use opentelemetry::trace::TraceContextExt as _;
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;

    let context = tracing::Span::current().context();
    let span = context.span();
    let span_context = span.span_context();
    if !span_context.is_valid() {
        return None;
    }
    let text = format!(
        "00-{}-{}-{:02x}",
        span_context.trace_id(),
        span_context.span_id(),
        span_context.trace_flags().to_u8()
    );
    is_valid(&text).then_some(text)
}

/// Without the `opentelemetry` feature there is no trace context to keep.
#[cfg(not(feature = "opentelemetry"))]
pub(crate) fn current_traceparent() -> Option<String> {
    None
}

/// Makes `span` (an attempt's, not yet entered) a child of the span `traceparent` names,
/// so it is in the receive's trace, and links it there too, for backends that show a
/// consumer's links rather than its parent.
#[cfg(feature = "opentelemetry")]
pub(crate) fn continue_trace(span: &tracing::Span, traceparent: Option<&str>) {
    use opentelemetry::trace::{
        SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState,
    };
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;

    let Some(text) = traceparent.filter(|text| is_valid(text)) else {
        return;
    };
    // Each part was checked above: hex of the right length.
    let (Ok(trace_id), Ok(span_id), Ok(flags)) = (
        TraceId::from_hex(&text[3..35]),
        SpanId::from_hex(&text[36..52]),
        u8::from_str_radix(&text[53..55], 16),
    ) else {
        return;
    };
    let remote = SpanContext::new(
        trace_id,
        span_id,
        TraceFlags::new(flags),
        true,
        TraceState::default(),
    );
    let parent = opentelemetry::Context::new().with_remote_span_context(remote.clone());
    if let Err(error) = span.set_parent(parent) {
        // No OpenTelemetry layer, or the span is filtered out: nothing to continue.
        tracing::debug!(%error, "webhook inbox: the attempt's span does not continue the trace");
        return;
    }
    span.add_link(remote);
}

/// Without the `opentelemetry` feature there is no trace to continue.
#[cfg(not(feature = "opentelemetry"))]
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
