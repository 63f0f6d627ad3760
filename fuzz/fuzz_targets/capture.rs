//! The command line's captured-request parser (`tower-webhook verify`): raw HTTP/1.1 text
//! from a file or stdin is hostile input. It must never panic, never accept a head over
//! 64 KiB or a body over 25 MiB, and, when it accepts, hand back a request whose body is
//! no longer than the input.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use tower_webhook_cli::capture::{self, MAX_BODY};

fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = capture::parse(data) {
        assert!(parsed.request.body().len() <= data.len());
        assert!(parsed.request.body().len() <= MAX_BODY);
    }
    // The same bytes as a header file and a body file (`--headers`, `--body`).
    let split = data.first().map_or(0, |b| usize::from(*b)).min(data.len());
    let (head, body) = data.split_at(split);
    let _ = capture::parse_parts(head, Bytes::copy_from_slice(body));
});
