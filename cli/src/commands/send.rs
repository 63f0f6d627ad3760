//! `tower-webhook send PRESET URL [BODY]`: sign a delivery and POST it over plain HTTP,
//! once or several times (a receiver answers the copies as duplicates), and print each
//! answer with its timing and, for a refusal, the reason the receiver gave.

use std::fmt::Write as _;
use std::io::Write;
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::Args;
use tower_webhook::providers::Preset;

use crate::failure::{usage, Failure, Outcome};
use crate::output::Style;
use crate::request::RequestArgs;

pub(crate) const AFTER_HELP: &str = "Examples:\n  tower-webhook send github http://127.0.0.1:3000/webhooks/github --event push --example-keys\n  tower-webhook send github http://127.0.0.1:3000/webhooks/github --event issues.opened --example-keys\n  tower-webhook send stripe http://127.0.0.1:3000/webhooks/stripe body.json --secret-env STRIPE_WEBHOOK_SECRET --repeat 2\n  tower-webhook send shopify http://127.0.0.1:3000/webhooks/shopify --example-keys -H 'x-shopify-shop-domain: shop.myshopify.com'\n\nSample bodies (no BODY given): github and gitea (`push`, `issues.opened`), stripe, slack,\nshopify, standard_webhooks and its family (svix, clerk, resend, openai, replicate), and a\ngeneric JSON event for every other preset.\n\nOnly http:// URLs: for https, point it at the plain-HTTP side of your proxy or tunnel.";

#[derive(Args)]
pub(crate) struct SendArgs {
    /// The preset, as `providers` lists it.
    #[arg(value_parser = super::preset)]
    preset: &'static Preset,
    /// Where to POST (http:// only).
    url: String,
    #[command(flatten)]
    request: RequestArgs,
    /// Send the same signed bytes N times in all (a receiver answers the copies as
    /// duplicates).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    repeat: u32,
    /// Send the same signed bytes once more after the others (a replay).
    #[arg(long)]
    replay: bool,
    /// Change the body after signing (its last byte becomes a space), to check that
    /// the receiver refuses it.
    #[arg(long)]
    tamper: bool,
}

/// What the receiver answered.
struct Answer {
    status: http::StatusCode,
    duplicate: bool,
    problem: Option<(String, String)>,
    elapsed: Duration,
}

async fn post_once(address: &str, request: &http::Request<Bytes>) -> Result<Answer, String> {
    use http_body_util::{BodyExt, Full};
    let started = Instant::now();
    let stream = tokio::net::TcpStream::connect(address)
        .await
        .map_err(|e| format!("cannot connect to {address}: {e}"))?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| format!("HTTP handshake with {address} failed: {e}"))?;
    let driver = tokio::spawn(connection);
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let mut builder = http::Request::post(path);
    if let Some(authority) = request.uri().authority() {
        // A `--header host: …` is among the request's headers, copied below.
        if !request.headers().contains_key(http::header::HOST) {
            builder = builder.header(http::header::HOST, authority.as_str());
        }
    }
    for (name, value) in request.headers() {
        builder = builder.header(name, value);
    }
    let wire = builder
        .body(Full::new(request.body().clone()))
        .map_err(|e| format!("cannot build the request: {e}"))?;
    let response = sender
        .send_request(wire)
        .await
        .map_err(|e| format!("no answer from {address}: {e}"))?;
    let status = response.status();
    let duplicate = response
        .headers()
        .get("webhook-duplicate")
        .is_some_and(|v| v.as_bytes() == b"true");
    let is_problem = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    // The answer body is read up to 64 KiB: enough for a problem document.
    let limited = http_body_util::Limited::new(response.into_body(), 64 * 1024);
    let body = limited
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let elapsed = started.elapsed();
    drop(sender);
    driver.abort();
    let problem = is_problem
        .then(|| serde_json::from_slice::<serde_json::Value>(&body).ok())
        .flatten()
        .map(|value| {
            let field = |name: &str| {
                value
                    .get(name)
                    .and_then(|v| v.as_str())
                    .unwrap_or("-")
                    .to_owned()
            };
            (field("reason"), field("detail"))
        });
    Ok(Answer {
        status,
        duplicate,
        problem,
        elapsed,
    })
}

impl SendArgs {
    pub(crate) fn run(self, out: &mut dyn Write, style: Style) -> Outcome {
        let url = &self.url;
        let times = self.repeat + u32::from(self.replay);
        let uri: http::Uri = url
            .parse()
            .map_err(|_| usage(format!("not a URL: {url:?}")))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => {
                return Err(usage(
                    "https is not supported: send plain HTTP (to a local receiver, or the \
                     plain-HTTP side of a proxy or tunnel), or print a curl command with \
                     `tower-webhook sign --curl URL`",
                ))
            }
            _ => return Err(usage(format!("not an http:// URL: {url:?}"))),
        }
        let host = uri
            .host()
            .ok_or_else(|| usage(format!("no host in {url:?}")))?;
        let address = format!("{host}:{}", uri.port_u16().unwrap_or(80));
        let mut prepared = self.request.prepare(self.preset, url)?;
        for note in &prepared.notes {
            eprintln!("note: {note}");
        }
        if self.tamper {
            let mut body = prepared.request.body().to_vec();
            match body.last_mut() {
                Some(last) if *last != b' ' => *last = b' ',
                Some(last) => *last = b'!',
                None => body.push(b' '),
            }
            *prepared.request.body_mut() = Bytes::from(body);
            eprintln!("note: the body was changed after signing (--tamper)");
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| usage(format!("cannot start the runtime: {e}")))?;
        let mut all_ok = true;
        for attempt in 1..=times {
            let label = if attempt == 1 {
                "sent".to_owned()
            } else {
                format!("again #{attempt}")
            };
            let answer = runtime.block_on(async {
                tokio::time::timeout(
                    Duration::from_secs(30),
                    post_once(&address, &prepared.request),
                )
                .await
                .unwrap_or_else(|_| Err(format!("no answer from {address} within 30 s")))
            });
            match answer {
                Ok(answer) => {
                    let ok = answer.status.is_success();
                    all_ok &= ok;
                    let status = answer.status.to_string();
                    let status = if ok {
                        style.good(&status)
                    } else {
                        style.bad(&status)
                    };
                    let mut line = format!(
                        "{label:<9} {status}  {:.1} ms",
                        answer.elapsed.as_secs_f64() * 1000.0
                    );
                    if answer.duplicate {
                        line.push_str("  duplicate (webhook-duplicate: true)");
                    }
                    if let Some((reason, detail)) = &answer.problem {
                        let _ = write!(line, "  reason: {reason}  detail: {detail}");
                    }
                    writeln!(out, "{line}")?;
                }
                Err(message) => {
                    all_ok = false;
                    writeln!(out, "{label:<9} {}  {message}", style.bad("failed"))?;
                }
            }
        }
        if all_ok {
            Ok(())
        } else {
            Err(Failure::Failed)
        }
    }
}
