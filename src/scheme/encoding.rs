//! Text encodings of signatures: decoding what a request carries, encoding what we sign.

use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;

/// Each byte's value as a hex digit, or `0xff` when it is not one. A table lookup per
/// character keeps decoding a signature (a public value) a few nanoseconds.
const HEX: [u8; 256] = {
    let mut table = [0xff; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// How a signature is written in its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encoding {
    /// Hexadecimal; either case is accepted, lowercase is produced.
    Hex,
    /// Standard base64 with padding (RFC 4648 §4).
    Base64,
    /// URL-safe base64 (RFC 4648 §5); padding optional when decoding, produced without.
    Base64Url,
}

impl Encoding {
    /// Decodes `text` into `out`, returning the number of bytes written, or `None` when
    /// the text is not valid or does not fit.
    pub(crate) fn decode_into(self, text: &str, out: &mut [u8]) -> Option<usize> {
        match self {
            Encoding::Hex => {
                let len = text.len() / 2;
                if !text.len().is_multiple_of(2) || len > out.len() {
                    return None;
                }
                let out = out.get_mut(..len)?;
                // No branch per character: an invalid one sets a high bit, checked once.
                let mut invalid = 0;
                for (byte, pair) in out.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
                    let [high, low] = pair else { return None };
                    let (high, low) = (HEX[usize::from(*high)], HEX[usize::from(*low)]);
                    invalid |= high | low;
                    *byte = high << 4 | low;
                }
                (invalid & 0xf0 == 0).then_some(len)
            }
            Encoding::Base64 => STANDARD.decode_slice(text, out).ok(),
            Encoding::Base64Url => {
                let trimmed = text.trim_end_matches('=');
                URL_SAFE_NO_PAD.decode_slice(trimmed, out).ok()
            }
        }
    }

    /// Encodes bytes as text.
    pub(crate) fn encode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Hex => hex::encode(bytes),
            Encoding::Base64 => STANDARD.encode(bytes),
            Encoding::Base64Url => URL_SAFE.encode(bytes).trim_end_matches('=').to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Encoding;

    #[test]
    fn hex_decodes_either_case_and_refuses_anything_else() {
        let mut out = [0u8; 4];
        assert_eq!(Encoding::Hex.decode_into("00fFA9", &mut out), Some(3));
        assert_eq!(out[..3], [0x00, 0xff, 0xa9]);
        for bad in ["0g", "abc", "é0", "0 ", "+1", "ffffffffff"] {
            assert_eq!(Encoding::Hex.decode_into(bad, &mut out), None, "{bad:?}");
        }
        assert_eq!(Encoding::Hex.decode_into("", &mut out), Some(0));
    }
}
