//! Timestamps as providers send them: Unix seconds, Unix milliseconds, RFC 3339.

use std::time::{Duration, SystemTime};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// How a provider writes its timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampFormat {
    /// Decimal seconds since the Unix epoch (`1614265330`).
    UnixSeconds,
    /// Decimal milliseconds since the Unix epoch (`1614265330123`).
    UnixMillis,
    /// An RFC 3339 date and time (`2020-01-01T00:00:00-07:00`).
    Rfc3339,
}

impl TimestampFormat {
    /// Writes `at` in this format.
    pub fn format(self, at: SystemTime) -> String {
        match self {
            TimestampFormat::UnixSeconds => unix(at).as_secs().to_string(),
            TimestampFormat::UnixMillis => unix(at).as_millis().to_string(),
            TimestampFormat::Rfc3339 => OffsetDateTime::from(at)
                .replace_nanosecond(0)
                .ok()
                .and_then(|t| t.format(&Rfc3339).ok())
                .unwrap_or_default(),
        }
    }
}

fn unix(at: SystemTime) -> Duration {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
}

/// Longest decimal timestamp accepted: enough for milliseconds far beyond year 9999,
/// short enough that parsing never overflows a u64.
const MAX_DIGITS: usize = 18;

/// Parses a timestamp as a provider sends it. `None` for anything that is not exactly the
/// format: signs, spaces, more than 18 digits, dates out of range.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use tower_webhook::scheme::{parse_timestamp, TimestampFormat};
///
/// let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_577_862_000);
/// assert_eq!(parse_timestamp("2020-01-01T00:00:00-07:00", TimestampFormat::Rfc3339), Some(at));
/// assert_eq!(parse_timestamp("+1577862000", TimestampFormat::UnixSeconds), None);
/// ```
pub fn parse_timestamp(value: &str, format: TimestampFormat) -> Option<SystemTime> {
    match format {
        TimestampFormat::UnixSeconds => {
            SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(parse_digits(value)?))
        }
        TimestampFormat::UnixMillis => {
            SystemTime::UNIX_EPOCH.checked_add(Duration::from_millis(parse_digits(value)?))
        }
        TimestampFormat::Rfc3339 => {
            if value.len() > 64 {
                return None;
            }
            let parsed = OffsetDateTime::parse(value, &Rfc3339).ok()?;
            let nanos = parsed.unix_timestamp_nanos();
            if nanos >= 0 {
                let nanos = u64::try_from(nanos).ok()?;
                SystemTime::UNIX_EPOCH.checked_add(Duration::from_nanos(nanos))
            } else {
                let nanos = u64::try_from(nanos.checked_neg()?).ok()?;
                SystemTime::UNIX_EPOCH.checked_sub(Duration::from_nanos(nanos))
            }
        }
    }
}

fn parse_digits(value: &str) -> Option<u64> {
    if value.is_empty() || value.len() > MAX_DIGITS {
        return None;
    }
    // Digits only (no sign, no space), at most 18 of them: below 10^18, so `n * 10 + 9`
    // never overflows a u64.
    let mut n = 0u64;
    for b in value.bytes() {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n = n * 10 + u64::from(digit);
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_signs_spaces_and_overflow() {
        for bad in [
            "",
            "+1",
            "-1",
            " 1",
            "1 ",
            "1.5",
            "0x10",
            "9999999999999999999999",
        ] {
            assert_eq!(
                parse_timestamp(bad, TimestampFormat::UnixSeconds),
                None,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn round_trips_each_format() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_614_265_330);
        for format in [
            TimestampFormat::UnixSeconds,
            TimestampFormat::UnixMillis,
            TimestampFormat::Rfc3339,
        ] {
            assert_eq!(parse_timestamp(&format.format(at), format), Some(at));
        }
    }

    #[test]
    fn reads_rfc3339_offsets() {
        let at = parse_timestamp("2020-01-01T00:00:00-07:00", TimestampFormat::Rfc3339);
        assert_eq!(
            at,
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_577_862_000))
        );
    }
}
