//! Text encodings of signatures: decoding what a request carries, encoding what we sign.

use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;

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
                if !text.len().is_multiple_of(2) {
                    return None;
                }
                let out = out.get_mut(..len)?;
                const_hex::decode_to_slice(text, out).ok()?;
                Some(len)
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
        for bad in [
            "0g",
            "abc",
            "é0",
            "0 ",
            "+1",
            "ffffffffff",
            "0x00",
            "0xab00",
        ] {
            assert_eq!(Encoding::Hex.decode_into(bad, &mut out), None, "{bad:?}");
        }
        assert_eq!(Encoding::Hex.decode_into("", &mut out), Some(0));
    }
}
