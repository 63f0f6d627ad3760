//! Reading what a command is given: a file, or stdin for `-`, bounded in size.

use std::io::Read;
use std::path::Path;

use crate::failure::{usage, Failure};

/// Reads a file, or stdin for `-`, refusing more than `limit` bytes.
pub(crate) fn read_input(path: &Path, limit: usize, what: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let result = if path == Path::new("-") {
        std::io::stdin().lock().take(cap).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|file| file.take(cap).read_to_end(&mut bytes))
    };
    result.map_err(|e| usage(format!("cannot read the {what} {}: {e}", path.display())))?;
    if bytes.len() > limit {
        return Err(usage(format!(
            "the {what} {} is larger than {} MiB",
            path.display(),
            limit / 1024 / 1024
        )));
    }
    Ok(bytes)
}
