//! The commands, one file each: its arguments (a clap `Args` struct, documented for
//! `--help`) and its `run`. The list below is the command line's table of contents.

use std::io::Write;

use clap::Subcommand;
use tower_webhook::providers::{self as presets, Preset};

use crate::failure::Outcome;
use crate::output::Style;

mod inbox;
mod providers;
mod send;
mod serve;
mod sign;
mod verify;

/// Every command.
#[derive(Subcommand)]
pub(crate) enum Command {
    /// The presets: signing family, signature header, tolerance, what is signed.
    #[command(after_help = providers::AFTER_HELP)]
    Providers(providers::ProvidersArgs),
    /// Sign a body as the provider would and print the headers (or a curl command).
    #[command(after_help = sign::AFTER_HELP)]
    Sign(sign::SignArgs),
    /// Sign and POST a delivery (plain HTTP), print the answer and the timing.
    #[command(after_help = send::AFTER_HELP)]
    Send(send::SendArgs),
    /// Explain the verdict on a captured request. Exit 0 verified, 1 rejected.
    #[command(after_help = verify::AFTER_HELP)]
    Verify(verify::VerifyArgs),
    /// Operate a durable inbox: list, show, replay, forget, purge, stats.
    #[command(after_help = inbox::AFTER_HELP)]
    Inbox(inbox::InboxArgs),
    /// The gateway: validate its configuration file (`--check`).
    #[command(after_help = serve::AFTER_HELP)]
    Serve(serve::ServeArgs),
}

impl Command {
    /// Runs the command, its report written to `out` (the locked stdout).
    pub(crate) fn run(self, out: &mut dyn Write, style: Style) -> Outcome {
        match self {
            Command::Providers(args) => args.run(out, style),
            Command::Sign(args) => args.run(out),
            Command::Send(args) => args.run(out, style),
            Command::Verify(args) => args.run(out, style),
            Command::Inbox(args) => args.run(out, style),
            Command::Serve(args) => args.run(out, style),
        }
    }
}

/// The value parser of a preset argument: its name as `providers` lists it, or spelt with
/// `-` or `.` for `_` and in any case; a name that is not one suggests those it resembles.
fn preset(name: &str) -> Result<&'static Preset, String> {
    if let Some(preset) = presets::find(name) {
        return Ok(preset);
    }
    let wanted = name.to_ascii_lowercase().replace(['-', '.'], "_");
    if let Some(preset) = presets::find(&wanted) {
        return Ok(preset);
    }
    let near: Vec<&str> = presets::ALL
        .iter()
        .map(|p| p.name())
        .filter(|n| n.contains(&wanted) || wanted.contains(n))
        .collect();
    if near.is_empty() {
        Err("no such preset (`tower-webhook providers` lists them)".to_owned())
    } else {
        Err(format!("no such preset; did you mean {}?", near.join(", ")))
    }
}
