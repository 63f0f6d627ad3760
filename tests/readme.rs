//! The README's provider table lists every preset the crate ships.

#[test]
fn readme_lists_every_preset() {
    let readme = include_str!("../README.md");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/providers");
    let mut missing = Vec::new();
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in source.lines() {
            let Some(rest) = line.strip_prefix("pub fn ") else {
                continue;
            };
            let name = rest.split('(').next().unwrap();
            // Helpers that build test bodies are not presets.
            if name.ends_with("_signature") || name.ends_with("_sha256") {
                continue;
            }
            count += 1;
            if !readme.contains(&format!("`providers::{name}(")) {
                missing.push(name.to_owned());
            }
        }
    }
    assert!(missing.is_empty(), "README lacks rows for {missing:?}");
    assert!(count >= 50, "only {count} presets");
}
