//! Where secrets come from (`--secret`, `--secret-env`, `--secret-file`, `--example-keys`)
//! and reading them into `Secret`s, which never print.

use std::path::PathBuf;

use clap::Args;
use tower_webhook::providers::Preset;
use tower_webhook::Secret;

use crate::failure::{usage, Failure};
use crate::input::read_input;

/// Where secrets come from. Several are allowed (a rotation): `verify` tries each; `sign`
/// and `send` sign with the first.
#[derive(Args)]
pub(crate) struct SecretArgs {
    /// A secret (visible in `ps` and shell history: prefer --secret-env or --secret-file).
    /// For asymmetric presets (Ed25519, ECDSA): the private key for sign/send, the public
    /// key for verify.
    #[arg(long, value_name = "SECRET")]
    secret: Vec<String>,
    /// A secret from this environment variable.
    #[arg(long, value_name = "VAR")]
    secret_env: Vec<String>,
    /// A secret from this file; ONE trailing newline (LF or CRLF) is removed, nothing else.
    #[arg(long, value_name = "PATH")]
    secret_file: Vec<PathBuf>,
    /// The preset's published example keys (demos only: anyone can sign with them).
    #[arg(long, conflicts_with_all = ["secret", "secret_env", "secret_file"])]
    example_keys: bool,
}

/// What the secrets are for: an asymmetric preset's example keys differ by role.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Role {
    Sign,
    Verify,
}

impl SecretArgs {
    /// The secrets, in the order given: --secret, then --secret-env, then --secret-file.
    pub(crate) fn load(&self, preset: &Preset, role: Role) -> Result<Vec<Secret>, Failure> {
        if self.example_keys {
            let (signing, verifying) = preset.example_keys();
            let key = if role == Role::Sign {
                signing
            } else {
                verifying
            };
            return Ok(vec![Secret::new(key)]);
        }
        let mut secrets: Vec<Secret> = self.secret.iter().map(Secret::from).collect();
        for var in &self.secret_env {
            let value = std::env::var_os(var)
                .ok_or_else(|| usage(format!("the environment variable {var} is not set")))?;
            let value = value
                .into_string()
                .map_err(|_| usage(format!("the environment variable {var} is not UTF-8")))?;
            secrets.push(Secret::new(value));
        }
        for path in &self.secret_file {
            let mut bytes = read_input(path, 1024 * 1024, "secret file")?;
            if bytes.last() == Some(&b'\n') {
                bytes.pop();
                if bytes.last() == Some(&b'\r') {
                    bytes.pop();
                }
            }
            secrets.push(Secret::new(bytes));
        }
        if secrets.is_empty() {
            return Err(usage(format!(
                "no secret: give --secret, --secret-env VAR (say --secret-env {}_WEBHOOK_SECRET), \
                 --secret-file PATH, or --example-keys for a demo",
                preset.name().to_ascii_uppercase()
            )));
        }
        Ok(secrets)
    }
}
