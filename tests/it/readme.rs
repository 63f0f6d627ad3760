//! The README and the guides in docs/ say what the crate is: the providers table in
//! docs/providers.md is well-formed and lists exactly the presets of `providers::ALL`,
//! every count of presets is `ALL`'s, the README and the crate docs list every cargo
//! feature, every relative link between the README and the guides resolves, and every
//! guide with a Rust example is included in rustdoc (so the example is a doc test).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use tower_webhook::providers::{self, ALL};

const README: &str = include_str!("../../README.md");
const PROVIDERS: &str = include_str!("../../docs/providers.md");
const LIB: &str = include_str!("../../src/lib.rs");
const CARGO_TOML: &str = include_str!("../../Cargo.toml");

const ROW_START: &str = "| `providers::";

/// The optional features that add presets, and whether this build enables each. A table
/// row whose source cell names one (`(feature `rsa`)`) is a preset exactly when it is on.
const PRESET_FEATURES: &[(&str, bool)] = &[
    ("rsa", cfg!(feature = "rsa")),
    ("jwt", cfg!(feature = "jwt")),
];

/// The feature a table row's preset needs, if any.
fn row_feature(line: &str) -> Option<(&'static str, bool)> {
    PRESET_FEATURES
        .iter()
        .copied()
        .find(|(feature, _)| line.contains(&format!("(feature `{feature}`)")))
}

/// The preset a row names: `| `providers::github()` | …` is `github`.
fn row_preset(line: &str) -> &str {
    line.strip_prefix(ROW_START)
        .and_then(|rest| rest.split('(').next())
        .unwrap_or_default()
}

/// Every row of a preset in docs/providers.md, whatever this build enables.
fn all_rows() -> Vec<&'static str> {
    PROVIDERS
        .lines()
        .filter(|line| line.starts_with(ROW_START))
        .collect()
}

/// The rows of the presets this build has: every row, but those of features it does not
/// enable.
fn preset_rows() -> Vec<&'static str> {
    all_rows()
        .into_iter()
        .filter(|line| row_feature(line).is_none_or(|(_, enabled)| enabled))
        .collect()
}

/// The lines of `text` outside fenced code blocks, with their line numbers (from 1).
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut in_code = false;
    let mut lines = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code {
            lines.push((index + 1, line));
        }
    }
    lines
}

/// The number of cells of a table row, split on the pipes GitHub splits on (not on `\|`).
fn cells(row: &str) -> usize {
    let mut pipes = 0_usize;
    let mut after_backslash = false;
    for c in row.chars() {
        if c == '|' && !after_backslash {
            pipes += 1;
        }
        after_backslash = c == '\\' && !after_backslash;
    }
    pipes.saturating_sub(1)
}

/// A block that holds a table row holds nothing else: a paragraph line between two rows
/// ends the table there, and every row after it renders as text.
#[test]
fn the_providers_table_is_one_table_per_block() {
    let lines = prose_lines(PROVIDERS);
    let blocks = lines
        .split(|(_, line)| line.trim().is_empty())
        .filter(|block| block.iter().any(|(_, line)| line.starts_with('|')));
    let mut tables = 0;
    for block in blocks {
        tables += 1;
        let (first, header) = block[0];
        for (number, line) in block {
            assert!(
                line.starts_with('|') && line.trim_end().ends_with('|'),
                "docs/providers.md:{number}: a line that is not a table row, in the table \
                 that starts at line {first}: {line:?}"
            );
        }
        let separator = block.get(1).map(|(_, line)| *line).unwrap_or_default();
        assert!(
            separator.starts_with("|---") || separator.starts_with("| ---"),
            "docs/providers.md:{first}: a table without its separator row"
        );
        let width = cells(header);
        for (number, line) in block {
            assert_eq!(
                cells(line),
                width,
                "docs/providers.md:{number}: a row of another width than its header"
            );
        }
    }
    assert!(tables >= 2, "the presets' table and the JWT presets' table");
    for row in all_rows() {
        assert!(
            lines.iter().any(|(_, line)| *line == row),
            "a preset row inside a code block: {row}"
        );
    }
}

#[test]
fn the_providers_table_lists_exactly_the_presets() {
    let rows: Vec<&str> = preset_rows().into_iter().map(row_preset).collect();
    let listed: BTreeSet<&str> = rows.iter().copied().collect();
    assert_eq!(listed.len(), rows.len(), "a preset listed twice: {rows:?}");
    let presets: BTreeSet<&str> = ALL.iter().map(|preset| preset.name()).collect();
    let missing: Vec<&&str> = presets.difference(&listed).collect();
    let unknown: Vec<&&str> = listed.difference(&presets).collect();
    assert!(
        missing.is_empty(),
        "docs/providers.md lacks rows for {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "docs/providers.md rows for no preset: {unknown:?}"
    );
}

#[test]
fn rows_of_disabled_features_are_no_presets() {
    for line in all_rows() {
        if let Some((feature, false)) = row_feature(line) {
            let name = row_preset(line);
            assert!(
                providers::find(name).is_none(),
                "{name} is listed without its feature {feature}"
            );
        }
    }
}

/// Every "<number> presets" in `text`, such as the table's "120 presets." sentence.
fn preset_counts(text: &str) -> Vec<&str> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(2)
        .filter(|pair| pair[1].trim_end_matches([',', '.', ')', ':']) == "presets")
        .filter_map(|pair| {
            let number = pair[0].trim_start_matches('(');
            number.bytes().all(|b| b.is_ascii_digit()).then_some(number)
        })
        .collect()
}

#[test]
fn the_docs_count_the_presets() {
    // The count leaves out the presets behind optional features, whatever this build enables.
    let behind_features = preset_rows()
        .iter()
        .filter(|line| row_feature(line).is_some())
        .count();
    let counted = ALL.len() - behind_features;
    assert!(
        PROVIDERS.contains(&format!("\n{counted} presets.")),
        "docs/providers.md's \"N presets.\" sentence"
    );
    for (file, text) in [("README.md", README), ("docs/providers.md", PROVIDERS)] {
        let counts = preset_counts(text);
        assert!(!counts.is_empty(), "{file} gives the count");
        for count in counts {
            assert_eq!(count, counted.to_string(), "{file} says {count} presets");
        }
    }
}

/// The features of Cargo.toml's `[features]` table, but `default`.
fn cargo_features() -> BTreeSet<&'static str> {
    CARGO_TOML
        .lines()
        .skip_while(|line| line.trim() != "[features]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.split_once(" = ").map(|(name, _)| name.trim()))
        .filter(|name| !name.starts_with('#') && *name != "default")
        .collect()
}

/// The features a list names, one per item: the first code span of each of `lines` that
/// starts with `item`.
fn listed_features<'a>(lines: impl Iterator<Item = &'a str>, item: &str) -> Vec<&'a str> {
    lines
        .filter_map(|line| line.strip_prefix(item))
        .filter_map(|rest| rest.strip_prefix('`'))
        .filter_map(|rest| rest.split('`').next())
        .collect()
}

#[test]
fn the_crate_docs_list_every_feature() {
    let section = LIB
        .lines()
        .skip_while(|line| *line != "//! # Features")
        .skip(1)
        .take_while(|line| line.starts_with("//!") && !line.starts_with("//! #"));
    let listed = listed_features(section, "//! - ");
    let set: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(
        set.len(),
        listed.len(),
        "a feature listed twice in src/lib.rs"
    );
    assert_eq!(
        set,
        cargo_features(),
        "src/lib.rs's # Features against Cargo.toml"
    );
}

#[test]
fn the_readme_lists_every_feature() {
    let section = README
        .lines()
        .skip_while(|line| *line != "## Cargo features")
        .skip(1)
        .take_while(|line| !line.starts_with("## "));
    let listed = listed_features(section, "| ");
    let set: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(
        set.len(),
        listed.len(),
        "a feature listed twice in the README"
    );
    assert_eq!(
        set,
        cargo_features(),
        "README's Cargo features against Cargo.toml"
    );
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The README, BENCHMARKS.md and every guide, with their paths from the root.
fn documents() -> Vec<(String, String)> {
    let mut documents = vec![
        ("README.md".to_owned(), README.to_owned()),
        (
            "BENCHMARKS.md".to_owned(),
            include_str!("../../BENCHMARKS.md").to_owned(),
        ),
    ];
    let mut guides: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|entry| entry.expect("a docs/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    guides.sort();
    for path in guides {
        let name = format!("docs/{}", path.file_name().unwrap().to_string_lossy());
        documents.push((name, std::fs::read_to_string(&path).expect("a guide")));
    }
    documents
}

/// The anchors GitHub gives the headings of `text`: lower case, spaces to `-`, other
/// punctuation but `-` and `_` dropped.
fn anchors(text: &str) -> BTreeSet<String> {
    prose_lines(text)
        .into_iter()
        .filter_map(|(_, line)| line.strip_prefix('#'))
        .map(|heading| heading.trim_start_matches('#').trim())
        .map(|heading| {
            heading
                .chars()
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    c if c.is_alphanumeric() || c == '-' || c == '_' => {
                        Some(c.to_ascii_lowercase())
                    }
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// The targets of the inline links (`](target)`) and link definitions (`[x]: target`) in
/// the prose of `text`.
fn link_targets(text: &str) -> Vec<(usize, &str)> {
    let mut targets = Vec::new();
    for (number, line) in prose_lines(text) {
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            if let Some(end) = rest.find(')') {
                targets.push((number, &rest[..end]));
                rest = &rest[end..];
            }
        }
        if let Some(target) = line
            .strip_prefix('[')
            .and_then(|rest| rest.split_once("]: "))
            .map(|(_, target)| target.trim())
        {
            targets.push((number, target));
        }
    }
    targets
}

#[test]
fn relative_links_resolve() {
    let documents = documents();
    for (name, text) in &documents {
        let dir = Path::new(name).parent().unwrap_or(Path::new(""));
        for (number, target) in link_targets(text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, fragment) = target.split_once('#').unwrap_or((target, ""));
            let linked = if file.is_empty() {
                name.clone()
            } else {
                let path = dir.join(file);
                assert!(
                    root().join(&path).exists(),
                    "{name}:{number}: a link to {target}, which does not exist"
                );
                path.to_string_lossy().replace("docs/../", "")
            };
            if fragment.is_empty() || !linked.ends_with(".md") {
                continue;
            }
            let linked_text = documents
                .iter()
                .find(|(other, _)| *other == linked)
                .map(|(_, text)| text.clone())
                .unwrap_or_else(|| std::fs::read_to_string(root().join(&linked)).unwrap());
            assert!(
                anchors(&linked_text).contains(fragment),
                "{name}:{number}: {target}: {linked} has no heading #{fragment}"
            );
        }
    }
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn every_guide_with_rust_examples_is_in_rustdoc() {
    let code: String = sources(&root().join("src"))
        .iter()
        .map(|path| std::fs::read_to_string(path).expect("a source file"))
        .collect();
    for (name, text) in documents() {
        if name.starts_with("docs/") && text.contains("```rust") {
            assert!(
                code.contains(&format!("include_str!(\"../{name}\")"))
                    || code.contains(&format!("include_str!(\"../../{name}\")")),
                "{name} has Rust examples but no module includes it, so they are not doc tests"
            );
        }
    }
}
