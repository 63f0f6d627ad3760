//! One name for "an inbox backend is compiled in": `cfg(inbox)` when the `inbox-sqlite`
//! or `inbox-postgres` feature is on, so code shared by both backends says it once
//! instead of repeating `any(feature = "inbox-sqlite", feature = "inbox-postgres")`.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(inbox)");
    if std::env::var_os("CARGO_FEATURE_INBOX_SQLITE").is_some()
        || std::env::var_os("CARGO_FEATURE_INBOX_POSTGRES").is_some()
    {
        println!("cargo::rustc-cfg=inbox");
    }
}
