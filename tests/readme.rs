//! The README's provider table lists every preset of `providers::ALL` and nothing else, and
//! every count of presets it gives is `ALL.len()` without the optional features' presets.

use tower_webhook::providers::{self, ALL};

/// Presets behind an optional feature, and whether it is on: the README lists them in
/// their feature's section and counts them apart ("N more with the `jwt` feature"), so its
/// "N presets" is the count without optional features.
const OPTIONAL: &[(&str, bool)] = &[
    ("plaid", cfg!(feature = "jwt")),
    ("vonage", cfg!(feature = "jwt")),
];

fn optional(name: &str) -> Option<bool> {
    OPTIONAL
        .iter()
        .find(|(preset, _)| *preset == name)
        .map(|&(_, on)| on)
}

/// The number of presets without optional features.
fn base_count() -> usize {
    ALL.len() - OPTIONAL.iter().filter(|(_, on)| *on).count()
}

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

#[test]
fn every_readme_row_is_a_preset() {
    let rows: Vec<&str> = README
        .lines()
        .filter_map(|line| line.strip_prefix("| `providers::"))
        .map(|rest| rest.split('(').next().unwrap_or_default())
        .collect();
    let unknown: Vec<&&str> = rows
        .iter()
        .filter(|name| providers::find(name).is_none() && optional(name) != Some(false))
        .collect();
    assert!(unknown.is_empty(), "README rows for no preset: {unknown:?}");
    let disabled = OPTIONAL.iter().filter(|(_, on)| !*on).count();
    assert_eq!(rows.len(), ALL.len() + disabled, "one row per preset");
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
    assert!(
        README.contains(&format!("\n{} presets.", base_count())),
        "the Providers section's \"N presets.\" sentence"
    );
    for count in counts {
        assert_eq!(
            count,
            base_count().to_string(),
            "README says {count} presets"
        );
    }
}
