//! Timestamp parsing never panics, and what it accepts formats back to the same instant.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tower_webhook::scheme::{parse_timestamp, TimestampFormat};

fuzz_target!(|text: &str| {
    for format in [
        TimestampFormat::UnixSeconds,
        TimestampFormat::UnixMillis,
        TimestampFormat::Rfc3339,
    ] {
        if let Some(at) = parse_timestamp(text, format) {
            let again = parse_timestamp(&format.format(at), format);
            if format != TimestampFormat::Rfc3339 {
                // RFC 3339 output drops sub-second digits; the Unix forms are exact.
                assert_eq!(again, Some(at), "{text:?}");
            }
        }
    }
});
