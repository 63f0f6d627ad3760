//! The gateway's configuration file, as `tower-webhook serve --config F --check` reads it
//! (the binary, run as users run it) and as `gateway::config::Config` exposes it: the
//! contract's example is valid, every mistake is named with its line and field, secrets
//! written in the file are refused without being repeated, paths resolve against the
//! file's directory, and routes take what `Dispatch` would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use tower_webhook_cli::gateway::config::{matches, Config, Secrets, TenantKey};

const BIN: &str = env!("CARGO_BIN_EXE_tower-webhook");
const STRIPE: &str = "whsec_test_stripe_secret";
const BILLING: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A directory of the test's own, removed when dropped.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "tower-webhook-gateway-{name}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `serve --config <config> --check`, run from `cwd` with the contract's variables set.
fn check(config: &Path, cwd: &Path) -> Output {
    Command::new(BIN)
        .args(["serve", "--config"])
        .arg(config)
        .arg("--check")
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("STRIPE_WEBHOOK_SECRET", STRIPE)
        .env("BILLING_SIGNING_SECRET", BILLING)
        .env_remove("UNSET_SECRET")
        .output()
        .expect("run tower-webhook")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The configuration of the gateway issue's contract, word for word.
const CONTRACT: &str = r#"listen = "127.0.0.1:8080"
inbox  = "sqlite://gateway.db"          # or postgres://…

[[source]]
name    = "stripe"
preset  = "stripe"                      # a name from `tower-webhook providers`
path    = "/in/stripe"
secrets = ["env:STRIPE_WEBHOOK_SECRET"] # env:NAME, file:PATH; several during a rotation

[[source]]
name    = "shops"
preset  = "standard_webhooks"
path    = "/in/tenants/{tenant}"
tenants = { file = "tenants.json", key = "path:tenant" }   # {"acme": ["whsec_…"], …}

[[destination]]
name       = "billing"
url        = "http://127.0.0.1:9001/hooks"
secret     = "env:BILLING_SIGNING_SECRET"   # whsec_… : the Standard Webhooks key
timeout    = "10s"
rate_limit = "50/s"

[[route]]
source = "stripe"
events = ["invoice.*", "customer.subscription.*"]
to     = ["billing"]
"#;

#[test]
fn the_contracts_example_is_valid_and_its_paths_resolve_against_its_directory() {
    let dir = Dir::new("contract");
    let config = dir.write("gateway.toml", CONTRACT);
    dir.write("tenants.json", &format!(r#"{{"acme": ["{BILLING}"]}}"#));
    // Run from elsewhere: the tenants file and the inbox are found beside the config.
    let elsewhere = Dir::new("elsewhere");
    let output = check(&config, &elsewhere.0);
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        text(&output.stderr)
    );
    assert!(
        stdout.contains("valid (2 sources, 1 destination, 1 route)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("invoice.*, customer.subscription.* -> billing"),
        "{stdout}"
    );
    assert!(stdout.contains("source shops"), "{stdout}");
    assert!(stdout.contains("kept as unrouted"), "{stdout}");
    for secret in [STRIPE, BILLING] {
        assert!(!stdout.contains(secret), "a secret in the output: {stdout}");
    }

    std::env::set_var("STRIPE_WEBHOOK_SECRET", STRIPE);
    std::env::set_var("BILLING_SIGNING_SECRET", BILLING);
    let parsed = Config::load(&config).unwrap();
    assert_eq!(parsed.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(
        parsed.inbox,
        format!("sqlite://{}", dir.0.join("gateway.db").display())
    );
    match &parsed.sources[1].secrets {
        Secrets::Tenants { file, key } => {
            assert_eq!(file, &dir.0.join("tenants.json"));
            assert_eq!(key, &TenantKey::Path("tenant".to_owned()));
        }
        other => panic!("{other:?}"),
    }
    let billing = &parsed.destinations[0];
    assert_eq!(billing.timeout, std::time::Duration::from_secs(10));
    assert_eq!(billing.rate_limit, Some(50));
    assert!(!format!("{parsed:?}").contains(BILLING), "{parsed:?}");
}

#[test]
fn every_mistake_is_named_with_its_line_and_field() {
    let dir = Dir::new("mistakes");
    let config = dir.write(
        "gateway.toml",
        r#"listen = "127.0.0.1:8080"
inbox = "sqlite://gateway.db"

[[source]]
name = "stripe"
preset = "strpe"
path = "/in/stripe"
secrets = ["env:STRIPE_WEBHOOK_SECRET"]

[[source]]
name = "github"
preset = "github"
path = "/in/stripe"
secrets = ["env:UNSET_SECRET"]

[[destination]]
name = "billing"
url = "https://billing.internal/hooks"
secret = "env:BILLING_SIGNING_SECRET"
timeout = "ten seconds"
rate_limit = "50/minute"

[[route]]
source = "stripe"
events = ["invoice.*.paid"]
to = ["biling"]
"#,
    );
    let output = check(&config, &dir.0);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    let file = config.display().to_string();
    for expected in [
        format!("{file}:6: source \"stripe\".preset: no preset is called \"strpe\""),
        format!("{file}:13: source \"github\".path: another source is received on this path"),
        format!("{file}:14: source \"github\".secrets: the environment variable UNSET_SECRET is not set"),
        format!("{file}:18: destination \"billing\".url: not an http:// URL"),
        format!("{file}:20: destination \"billing\".timeout: not a duration"),
        format!("{file}:21: destination \"billing\".rate_limit: not a rate: N/s"),
        format!("{file}:25: route of \"stripe\".events: \"invoice.*.paid\""),
        format!("{file}:26: route of \"stripe\".to: no destination is called \"biling\""),
    ] {
        assert!(stderr.contains(&expected), "missing {expected:?} in:\n{stderr}");
    }
}

#[test]
fn unknown_fields_are_errors() {
    let dir = Dir::new("unknown");
    for (text, line) in [
        (
            "listen = \"127.0.0.1:8080\"\ninbox = \"sqlite://g.db\"\nlisten_port = 8080\n",
            3,
        ),
        (
            "listen = \"127.0.0.1:8080\"\ninbox = \"sqlite://g.db\"\n[[destination]]\nname = \"b\"\nurl = \"http://127.0.0.1:1/\"\nsecret = \"env:BILLING_SIGNING_SECRET\"\nretries = 3\n",
            7,
        ),
    ] {
        let config = dir.write("gateway.toml", text);
        let output = check(&config, &dir.0);
        assert_eq!(output.status.code(), Some(2));
        let stderr = text_of(&output);
        assert!(stderr.contains(&format!("gateway.toml:{line}:")), "{stderr}");
        assert!(stderr.contains("unknown field"), "{stderr}");
    }
}

fn text_of(output: &Output) -> String {
    text(&output.stderr)
}

#[test]
fn a_secret_written_in_the_file_is_refused_and_never_repeated() {
    let dir = Dir::new("literal");
    let leaked = "whsec_LEAKEDsecretLEAKEDsecretLEAKED00";
    for text in [
        // Where a reference belongs.
        format!(
            "listen = \"127.0.0.1:8080\"\ninbox = \"sqlite://g.db\"\n[[source]]\nname = \"s\"\npreset = \"standard_webhooks\"\npath = \"/in\"\nsecrets = [\"{leaked}\"]\n"
        ),
        format!(
            "listen = \"127.0.0.1:8080\"\ninbox = \"sqlite://g.db\"\n[[destination]]\nname = \"b\"\nurl = \"http://127.0.0.1:1/\"\nsecret = \"{leaked}\"\n"
        ),
        // A type error on the secret's line: toml would quote the line.
        format!(
            "listen = \"127.0.0.1:8080\"\ninbox = \"sqlite://g.db\"\n[[source]]\nname = \"s\"\npreset = \"standard_webhooks\"\npath = \"/in\"\nsecrets = \"{leaked}\"\n"
        ),
        // A syntax error on it.
        format!("listen = \"127.0.0.1:8080\"\nsecret = \"{leaked}\n"),
    ] {
        let config = dir.write("gateway.toml", &text);
        let output = check(&config, &dir.0);
        assert_eq!(output.status.code(), Some(2), "{text}");
        let all = format!("{}{}", text_of(&output), self::text(&output.stdout));
        assert!(!all.contains("LEAKED"), "the secret is repeated:\n{all}");
        assert!(all.contains("gateway.toml:"), "{all}");
    }
    let config = dir.write(
        "gateway.toml",
        &format!(
            "listen = \"127.0.0.1:8080\"\ninbox = \"sqlite://g.db\"\n[[source]]\nname = \"s\"\npreset = \"standard_webhooks\"\npath = \"/in\"\nsecrets = [\"{leaked}\"]\n"
        ),
    );
    let stderr = text_of(&check(&config, &dir.0));
    assert!(
        stderr.contains("never written in the file: give env:NAME or file:PATH"),
        "{stderr}"
    );
}

#[test]
fn secrets_are_read_from_files_and_must_fit_their_preset() {
    let dir = Dir::new("files");
    dir.write("billing.key", &format!("{BILLING}\n"));
    dir.write("bad.key", "not base64 at all!\n");
    let config = dir.write(
        "gateway.toml",
        r#"listen = "127.0.0.1:8080"
inbox = "postgres://gateway@127.0.0.1/gateway"
[[destination]]
name = "billing"
url = "http://127.0.0.1:9001/hooks"
secret = "file:billing.key"
[[destination]]
name = "audit"
url = "http://127.0.0.1:9002/hooks"
secret = "file:bad.key"
[[destination]]
name = "ledger"
url = "http://127.0.0.1:9003/hooks"
secret = "file:missing.key"
"#,
    );
    let output = check(&config, &dir.0);
    let stderr = text_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        !stderr.contains("billing\""),
        "billing's key is fine:\n{stderr}"
    );
    assert!(
        stderr.contains(":10: destination \"audit\".secret: file:"),
        "{stderr}"
    );
    assert!(
        stderr.contains(":14: destination \"ledger\".secret: the secret file"),
        "{stderr}"
    );
    assert!(!stderr.contains("not base64 at all"), "{stderr}");
}

#[test]
fn routes_take_what_dispatch_would_and_a_fallback_what_no_other_takes() {
    // GitHub's names carry the action; Stripe's dots are part of the type.
    assert!(matches("issues", "issues", Some("opened")));
    assert!(matches("issues.opened", "issues", Some("opened")));
    assert!(matches("issues.*", "issues", Some("opened")));
    assert!(matches("iss*", "issues", Some("opened")));
    assert!(!matches("issues.closed", "issues", Some("opened")));
    assert!(matches("invoice.*", "invoice.paid", None));
    assert!(!matches("invoice", "invoice.paid", None));
    assert!(matches("*", "anything", None));

    std::env::set_var("BILLING_SIGNING_SECRET", BILLING);
    let text = format!(
        r#"listen = "127.0.0.1:8080"
inbox = "sqlite://g.db"
[[source]]
name = "github"
preset = "standard_webhooks"
path = "/in/github"
secrets = ["env:BILLING_SIGNING_SECRET"]
{destinations}
[[route]]
source = "github"
events = ["issues.*", "push"]
to = ["ci", "audit"]
[[route]]
source = "github"
events = ["*"]
to = ["audit"]
[[route]]
source = "github"
events = ["push"]
to = ["deploy"]
"#,
        destinations = ["ci", "audit", "deploy", "archive"]
            .map(|name| format!(
                "[[destination]]\nname = \"{name}\"\nurl = \"http://127.0.0.1:1/{name}\"\nsecret = \"env:BILLING_SIGNING_SECRET\"\n"
            ))
            .join("")
    );
    let config = Config::parse(&text, Path::new("gateway.toml"), Path::new("/")).unwrap();
    assert_eq!(
        config.destinations_of("github", Some("push"), None),
        ["ci", "audit", "deploy"]
    );
    assert_eq!(
        config.destinations_of("github", Some("issues"), Some("opened")),
        ["ci", "audit"]
    );
    assert_eq!(
        config.destinations_of("github", Some("star"), None),
        ["audit"]
    );
    assert_eq!(
        config.destinations_of("github", None, None),
        Vec::<&str>::new()
    );
    assert_eq!(
        config.destinations_of("other", Some("push"), None),
        Vec::<&str>::new()
    );

    // With a fallback instead of "*".
    let with_fallback = text.replace(
        "events = [\"*\"]\nto = [\"audit\"]",
        "fallback = true\nto = [\"archive\"]",
    );
    let config = Config::parse(&with_fallback, Path::new("g.toml"), Path::new("/")).unwrap();
    assert_eq!(
        config.destinations_of("github", Some("star"), None),
        ["archive"]
    );
    assert_eq!(config.destinations_of("github", None, None), ["archive"]);
    assert_eq!(
        config.destinations_of("github", Some("push"), None),
        ["ci", "audit", "deploy"]
    );
}
