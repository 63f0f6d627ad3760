//! `tower-webhook serve --config gateway.toml --check`: validates a gateway
//! configuration (the file's fields, and that every secret it names can be read and fits
//! its preset) and prints what it routes where.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use tower_webhook_cli::gateway::config::{Config, Secrets};

use crate::failure::{usage, Outcome};
use crate::output::Style;

pub(crate) const AFTER_HELP: &str = "Examples:\n  tower-webhook serve --config gateway.toml --check\n\nExit codes: 0 valid; 2 the file is wrong (each mistake on stderr with its line and field).";

#[derive(Args)]
pub(crate) struct ServeArgs {
    /// The gateway's configuration file (TOML).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// Validate the configuration and exit.
    #[arg(long, required = true)]
    check: bool,
}

impl ServeArgs {
    pub(crate) fn run(self, out: &mut dyn Write, style: Style) -> Outcome {
        let config = Config::load(&self.config).map_err(|errors| usage(errors.to_string()))?;
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        writeln!(
            out,
            "{}: {} ({}, {}, {}); listens on {}",
            self.config.display(),
            style.bold("valid"),
            plural(config.sources.len(), "source"),
            plural(config.destinations.len(), "destination"),
            plural(config.routes.len(), "route"),
            config.listen,
        )?;
        for source in &config.sources {
            let secrets = match &source.secrets {
                Secrets::Shared(refs) => refs
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                Secrets::Tenants { file, .. } => format!("tenants from {}", file.display()),
            };
            writeln!(
                out,
                "  source {} ({}) on {}: {secrets}",
                source.name,
                source.preset.name(),
                source.path
            )?;
            for route in config
                .routes
                .iter()
                .filter(|route| route.source == source.name)
            {
                let takes = if route.fallback {
                    "what no other route takes".to_owned()
                } else {
                    route.events.join(", ")
                };
                writeln!(out, "    {takes} -> {}", route.to.join(", "))?;
            }
            if !config
                .routes
                .iter()
                .any(|route| route.source == source.name)
            {
                writeln!(out, "    no route: its deliveries are kept as unrouted")?;
            }
        }
        Ok(())
    }
}
