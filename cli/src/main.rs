//! `tower-webhook`: sign and send test deliveries, and explain why a delivery fails.
//!
//! This file parses the command line and dispatches; each command is a file under
//! `commands/`, and what several of them share sits in a module named after it.

#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::failure::Failure;

mod commands;
mod failure;
mod input;
mod output;
mod redact;
mod request;
mod secrets;

const AFTER_HELP: &str = "\
Examples:
  tower-webhook providers                      # the catalogue (--json for scripts)
  tower-webhook sign stripe body.json --secret-env STRIPE_WEBHOOK_SECRET
  tower-webhook send github http://127.0.0.1:3000/webhooks/github --event push --example-keys
  tower-webhook verify github capture.http --secret-file github.secret
  tower-webhook inbox --url sqlite://inbox.db list --state dead

Exit codes: 0 verified, or sent and answered 2xx; 1 rejected, or answered otherwise (or
not at all); 2 usage error (unknown preset, unreadable file, bad option). `inbox`: 0 done,
1 no such delivery, 2 usage error or no inbox.";

/// Sign and send test webhook deliveries, and explain why a delivery fails.
#[derive(Parser)]
#[command(name = "tower-webhook", version, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: commands::Command,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    let style = output::Style::detect();
    let mut stdout = std::io::stdout().lock();
    let outcome = cli.command.run(&mut stdout, style);
    // Flushed whatever the outcome: a failing command's report is output too.
    let flushed = stdout.flush().map_err(Failure::from);
    failure::exit_code(outcome.and(flushed))
}

/// Prints clap's answer to arguments it could not parse (or `--help`), as `Cli::parse`
/// would, except that a URL's credentials in it are masked: an inbox URL given in the wrong
/// place (`inbox postgres://user:password@host/db stats`) is an argument clap repeats.
fn usage_error(error: &clap::Error) -> ExitCode {
    let plain = error.render().to_string();
    let masked = redact::mask_url_credentials(&plain);
    if masked == plain {
        let _ = error.print();
    } else {
        eprint!("{masked}");
    }
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
}
