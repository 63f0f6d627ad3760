//! The README's provider table lists every preset of `providers::ALL` and nothing else, and
//! every count of presets it gives is `ALL.len()`.

use tower_webhook::providers::{self, ALL};

const README: &str = include_str!("../README.md");

#[test]
fn readme_has_a_row_for_every_preset() {
    let missing: Vec<&str> = ALL
        .iter()
        .map(|preset| preset.name())
        .filter(|name| !README.contains(&format!("| `providers::{name}(")))
        .collect();
    assert!(missing.is_empty(), "README lacks rows for {missing:?}");
}

/// The optional features that add presets, and whether this build enables each. A README
/// row whose source cell names one (`(feature `rsa`)`) is a preset exactly when it is on.
const PRESET_FEATURES: &[(&str, bool)] = &[
    ("rsa", cfg!(feature = "rsa")),
    ("jwt", cfg!(feature = "jwt")),
];

/// The feature a README row's preset needs, if any.
fn row_feature(line: &str) -> Option<(&'static str, bool)> {
    PRESET_FEATURES
        .iter()
        .copied()
        .find(|(feature, _)| line.contains(&format!("(feature `{feature}`)")))
}

/// The README rows of the presets this build has: every row, but those of features it
/// does not enable.
fn preset_rows() -> Vec<&'static str> {
    README
        .lines()
        .filter(|line| line.starts_with("| `providers::"))
        .filter(|line| row_feature(line).is_none_or(|(_, enabled)| enabled))
        .collect()
}

#[test]
fn rows_of_disabled_features_are_no_presets() {
    for line in README.lines().filter(|l| l.starts_with("| `providers::")) {
        if let Some((feature, false)) = row_feature(line) {
            let name = line["| `providers::".len()..]
                .split('(')
                .next()
                .unwrap_or_default();
            assert!(
                providers::find(name).is_none(),
                "{name} is listed without its feature {feature}"
            );
        }
    }
}

#[test]
fn every_readme_row_is_a_preset() {
    let rows: Vec<&str> = preset_rows()
        .into_iter()
        .filter_map(|line| line.strip_prefix("| `providers::"))
        .map(|rest| rest.split('(').next().unwrap_or_default())
        .collect();
    let unknown: Vec<&&str> = rows
        .iter()
        .filter(|name| providers::find(name).is_none())
        .collect();
    assert!(unknown.is_empty(), "README rows for no preset: {unknown:?}");
    assert_eq!(rows.len(), ALL.len(), "one row per preset");
}

#[test]
fn readme_counts_the_presets() {
    // Every "<number> presets" in the README, such as the table's "65 presets." heading.
    let words: Vec<&str> = README.split_whitespace().collect();
    let counts: Vec<&str> = words
        .windows(2)
        .filter(|pair| pair[1].trim_end_matches([',', '.', ')', ':']) == "presets")
        .filter_map(|pair| {
            let number = pair[0].trim_start_matches('(');
            number.bytes().all(|b| b.is_ascii_digit()).then_some(number)
        })
        .collect();
    // The count leaves out the presets behind optional features, whatever this build enables.
    let behind_features = preset_rows()
        .iter()
        .filter(|line| row_feature(line).is_some())
        .count();
    let counted = ALL.len() - behind_features;
    assert!(
        README.contains(&format!("\n{counted} presets.")),
        "the Providers section's \"N presets.\" sentence"
    );
    for count in counts {
        assert_eq!(count, counted.to_string(), "README says {count} presets");
    }
}
