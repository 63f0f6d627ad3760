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

    /// The engine's exact behaviour (canonical padding, no trailing bits, nothing but the
    /// alphabet, a buffer too small refused) on every length around a signature's.
    #[test]
    fn base64_decodes_as_the_standard_engine_does() {
        use base64::engine::general_purpose::STANDARD;
        use base64::Engine;
        let mut texts: Vec<String> = vec![
            "".into(),
            "=".into(),
            "==".into(),
            "===".into(),
            "====".into(),
            "A===".into(),
            "AA==".into(),
            "AB==".into(),
            "AAA=".into(),
            "AAB=".into(),
            "AA=A".into(),
            "AA".into(),
            "AAA".into(),
            "AAAA".into(),
            "AAAAA".into(),
            "AA==AA==".into(),
            "AAAA====".into(),
            "AA\nA".into(),
            " AAA".into(),
            "-_AA".into(),
            "é=".into(),
        ];
        // Every length around a signature's, encoded from varied bytes, then each
        // character replaced by each other byte that matters.
        for n in 0..80usize {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + n) as u8).collect();
            texts.push(STANDARD.encode(&bytes));
        }
        let base: Vec<String> = texts.clone();
        for text in base
            .iter()
            .filter(|t| (40..=48).contains(&t.len()) || t.len() < 12)
        {
            for i in 0..text.len() {
                for replacement in [b'A', b'B', b'P', b'Q', b'/', b'+', b'=', b'-', b' ', 0x80] {
                    let mut bytes = text.clone().into_bytes();
                    bytes[i] = replacement;
                    if let Ok(text) = String::from_utf8(bytes) {
                        texts.push(text);
                    }
                }
            }
        }
        for text in &texts {
            for room in [0usize, 1, 2, 31, 32, 33, 80] {
                let mut ours = vec![0u8; room];
                let mut theirs = vec![0u8; room];
                let got = Encoding::Base64.decode_into(text, &mut ours);
                let want = STANDARD.decode_slice(text.as_bytes(), &mut theirs).ok();
                assert_eq!(got, want, "{text:?} into {room}");
                if let Some(n) = got {
                    assert_eq!(ours[..n], theirs[..n], "{text:?}");
                }
            }
        }
    }

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
