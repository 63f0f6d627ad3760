//! `tower-webhook sign PRESET [BODY]`: sign a body as the provider would and print the
//! headers, a curl command, or the whole request as HTTP/1.1 text (what `verify` reads).

use std::fmt::Write as _;
use std::io::Write;

use clap::Args;
use tower_webhook::providers::Preset;

use crate::failure::Outcome;
use crate::request::{default_url, RequestArgs};

pub(crate) const AFTER_HELP: &str = "Examples:\n  tower-webhook sign github body.json --secret-env GITHUB_WEBHOOK_SECRET --event push\n  echo '{}' | tower-webhook sign stripe - --example-keys --curl http://127.0.0.1:3000/webhooks/stripe\n  tower-webhook sign twilio body.txt --secret-file twilio.token --url https://hooks.example.com/twilio\n  tower-webhook sign shopify body.json --example-keys -H 'x-shopify-shop-domain: shop.myshopify.com'\n  tower-webhook sign github --example-keys --raw > capture.http   # a capture for `verify`\n\nWithout a body, a sample is signed (see `send --help`).";

#[derive(Args)]
pub(crate) struct SignArgs {
    /// The preset, as `providers` lists it.
    #[arg(value_parser = super::preset)]
    preset: &'static Preset,
    #[command(flatten)]
    request: RequestArgs,
    /// Print a ready curl command that posts to this URL.
    #[arg(long, value_name = "URL", conflicts_with = "raw")]
    curl: Option<String>,
    /// Print the whole signed request as HTTP/1.1 text (what `verify` reads).
    #[arg(long)]
    raw: bool,
    /// The request URL to sign (URL-signed presets sign it); default: --curl's URL,
    /// else http://127.0.0.1:3000/webhooks/PRESET.
    #[arg(long)]
    url: Option<String>,
}

/// Quotes for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

impl SignArgs {
    pub(crate) fn run(self, out: &mut dyn Write) -> Outcome {
        let preset = self.preset;
        let target = self
            .url
            .clone()
            .or_else(|| self.curl.clone())
            .unwrap_or_else(|| default_url(preset));
        let prepared = self.request.prepare(preset, &target)?;
        for note in &prepared.notes {
            eprintln!("note: {note}");
        }
        if !preset.signs_body() {
            eprintln!(
                "note: {} sends the shared token itself in a header: the output holds the secret",
                preset.name()
            );
        }
        let request = &prepared.request;
        if self.raw {
            let mut text = format!(
                "POST {} HTTP/1.1\r\n",
                request
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/")
            );
            if let Some(authority) = request.uri().authority() {
                // A `--header host: …` is among the headers below.
                if !request.headers().contains_key(http::header::HOST) {
                    let _ = write!(text, "host: {authority}\r\n");
                }
            }
            for (name, value) in request.headers() {
                let _ = write!(
                    text,
                    "{name}: {}\r\n",
                    String::from_utf8_lossy(value.as_bytes())
                );
            }
            let _ = write!(text, "content-length: {}\r\n\r\n", request.body().len());
            out.write_all(text.as_bytes())?;
            out.write_all(request.body())?;
        } else if let Some(curl_url) = &self.curl {
            let mut text = format!("curl -sS -X POST {}", shell_quote(curl_url));
            for (name, value) in request.headers() {
                let header = format!("{name}: {}", String::from_utf8_lossy(value.as_bytes()));
                let _ = write!(text, " \\\n  -H {}", shell_quote(&header));
            }
            match &prepared.body_file {
                Some(path) => {
                    let _ = write!(
                        text,
                        " \\\n  --data-binary @{}",
                        shell_quote(&path.display().to_string())
                    );
                }
                None => {
                    let body = String::from_utf8_lossy(request.body());
                    let _ = write!(text, " \\\n  --data-binary {}", shell_quote(&body));
                }
            }
            text.push('\n');
            out.write_all(text.as_bytes())?;
        } else {
            for (name, value) in request.headers() {
                writeln!(out, "{name}: {}", String::from_utf8_lossy(value.as_bytes()))?;
            }
        }
        Ok(())
    }
}
