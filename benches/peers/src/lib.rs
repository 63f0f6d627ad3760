//! Inputs shared by the benchmarks: identical signed requests for this crate, the raw
//! HMAC baseline and the peer crates.

use std::time::SystemTime;

use bytes::Bytes;
use tower_webhook::{Scheme, Signer};

/// Body sizes measured.
pub const SIZES: [usize; 4] = [256, 1024, 16 * 1024, 256 * 1024];

pub const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// Starts with `whsec_`, as Stripe's secrets do (the Stripe preset refuses any other); a raw
/// secret for the other presets.
pub const SECRET: &str = "whsec_bench_secret_0123456789";
pub const ED25519_SEED: &str = "769b93a3be05897f21ff10564f054b6c3055d916534b44a3450a13367e375cad";
pub const ED25519_PUBLIC: &str = "700720f3a59dde69063640f029a06f3ae42cae3d5a6dddcfca015be7792e871c";

/// A JSON body of exactly `size` bytes with an `id` and a `type`.
pub fn json_body(size: usize) -> Bytes {
    let head = r#"{"id":"evt_1NG8Du2eZvKYlo2C","type":"payment_intent.succeeded","pad":""#;
    let tail = r#""}"#;
    let pad = size.saturating_sub(head.len() + tail.len());
    Bytes::from(format!("{head}{}{tail}", "x".repeat(pad)))
}

/// A Stripe event of exactly `size` bytes: the envelope async-stripe's `construct_event`
/// parses after verifying (it refuses a body that is not a Stripe event), so every
/// implementation in the Stripe group verifies the same bytes. The event type is one
/// async-stripe does not know, so it keeps the object untyped: a known type would add a
/// typed parse of a complete object to its figure.
pub fn stripe_event_body(size: usize) -> Bytes {
    let head = concat!(
        r#"{"id":"evt_1NG8Du2eZvKYlo2C","object":"event","api_version":"2024-06-20","#,
        r#""created":1686089970,"data":{"object":{"id":"cus_9s6XKzkNRiz8i3","#,
        r#""object":"customer"}},"livemode":false,"pending_webhooks":1,"request":null,"#,
        r#""type":"customer.bench","pad":""#
    );
    let tail = r#""}"#;
    let pad = size.saturating_sub(head.len() + tail.len());
    Bytes::from(format!("{head}{}{tail}", "x".repeat(pad)))
}

/// A form body of about `size` bytes (Twilio).
pub fn form_body(size: usize) -> Bytes {
    let head = "AccountSid=AC123&Body=";
    let pad = size.saturating_sub(head.len() + 20);
    Bytes::from(format!("{head}{}&From=%2B14155550100", "x".repeat(pad)))
}

/// `body` signed by `scheme` with `secret` at `now`, as a request to `uri`.
pub fn signed<S: Scheme>(
    scheme: S,
    secret: &str,
    uri: &str,
    content_type: &str,
    body: Bytes,
    id: &str,
) -> http::Request<Bytes> {
    let request = http::Request::post(uri)
        .header("content-type", content_type)
        .body(body)
        .expect("request");
    Signer::new(scheme, secret)
        .unwrap()
        .sign_with(request, id, SystemTime::now())
        .expect("signs")
}

/// A new Standard Webhooks delivery `id` of `body` to `uri`, as the layer receives it.
pub fn standard_delivery(
    uri: &str,
    body: Bytes,
    id: &str,
) -> http::Request<http_body_util::Full<Bytes>> {
    signed(
        tower_webhook::providers::standard_webhooks(),
        STANDARD_SECRET,
        uri,
        "application/json",
        body,
        id,
    )
    .map(http_body_util::Full::new)
}

/// The service the layer benchmarks wrap: reads the whole body, answers `200`.
pub async fn read_body<B: http_body::Body>(
    request: http::Request<B>,
) -> Result<http::Response<String>, std::convert::Infallible> {
    use http_body_util::BodyExt;
    let _ = request.into_body().collect().await;
    Ok(http::Response::new(String::new()))
}

/// Sends one request through `service` on `runtime`; the response's status.
pub fn call_once<S, B>(
    runtime: &tokio::runtime::Runtime,
    service: &mut S,
    request: http::Request<http_body_util::Full<Bytes>>,
) -> http::StatusCode
where
    S: tower::Service<http::Request<http_body_util::Full<Bytes>>, Response = http::Response<B>>,
    S::Error: std::fmt::Debug,
{
    use tower::ServiceExt;
    runtime.block_on(async {
        let response = service.ready().await.unwrap().call(request).await.unwrap();
        response.status()
    })
}

/// Polls a future that is ready at once (the memory store's always are): the store's
/// cost without a runtime's `block_on` around it.
pub fn now<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => panic!("the memory store answers at once"),
    }
}
