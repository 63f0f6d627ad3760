//! Registration handshakes: the requests a provider sends when an endpoint is set up,
//! answered by the layer so no handler code is needed. Signed handshakes are answered
//! only after their signature (and timestamp) verify.

use std::fmt;
use std::sync::{Arc, LazyLock};

use bytes::Bytes;
use http::{header, HeaderName, HeaderValue, Method, Response, StatusCode};

use super::json::{find_fields, JsonPath};
use super::WebhookRequest;
use crate::{Rejection, RejectionKind, Secret};

/// A provider's endpoint-registration handshake.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RegistrationHandshake {
    /// Slack Events API: a signed POST whose body `type` is `url_verification` is answered
    /// with its `challenge`.
    SlackUrlVerification,
    /// Zoom: a signed POST whose body `event` is `endpoint.url_validation` is answered with
    /// `{"plainToken": …, "encryptedToken": hex(HMAC-SHA256(secret token, plainToken))}`.
    ZoomUrlValidation,
    /// Twitch EventSub: a signed POST with `Twitch-Eventsub-Message-Type:
    /// webhook_callback_verification` is answered with the body's `challenge`.
    TwitchCallbackVerification,
    /// Meta (WhatsApp, Messenger, Instagram): `GET ?hub.mode=subscribe&hub.verify_token=…
    /// &hub.challenge=…` is answered with the challenge when the verify token (which you
    /// chose in the app dashboard, distinct from the app secret) matches.
    MetaVerifyToken(Secret),
    /// Dropbox: `GET ?challenge=…` is answered by echoing the challenge.
    DropboxChallenge,
    /// Discord interactions: a signed POST whose body `type` is `1` (PING) is answered with
    /// `{"type":1}` (PONG).
    DiscordPing,
    /// Asana: the POST that carries `X-Hook-Secret` (and no `X-Hook-Signature`) while a
    /// webhook is being created is answered `200` with the same header, after
    /// [`AsanaHookSecret`]'s callback has accepted the secret. Asana does not sign this
    /// request: see [`AsanaHookSecret`] for how to accept only the handshake you expect.
    AsanaHookSecret(AsanaHookSecret),
    /// WooCommerce: the unsigned POST whose body is `webhook_id=<digits>`, sent when a
    /// webhook is saved, is answered `200` (WooCommerce refuses to save the webhook
    /// otherwise). Nothing reaches the handler; anyone can send it, and it only ever gets
    /// an empty `200`.
    WooCommercePing,
    /// Trello: when a webhook is created, Trello sends a `HEAD` request to the callback URL
    /// and creates the webhook only if it is answered `200`. The `HEAD` is not signed and
    /// carries nothing: it is answered `200` with no body, whoever sends it, and never
    /// reaches the handler. Every other method is verified as a delivery.
    TrelloHead,
}

/// What to do with the secret of Asana's webhook handshake.
///
/// Asana sends the secret that will sign the webhook's events once, in `X-Hook-Secret`,
/// while the webhook is being created, and expects it echoed back. That request is not
/// signed: anyone who knows the URL can send one. The callback decides whether to accept
/// it — return `true` only while you are creating a webhook for this endpoint (and store
/// the secret, to configure the verifier with it once Asana's create call has
/// succeeded); return `false` otherwise, and the request is refused with `401`.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use tower_webhook::{providers, scheme::{AsanaHookSecret, RegistrationHandshake}, Secret};
///
/// // Armed by your code just before it calls Asana's "create webhook" endpoint.
/// let pending: Arc<Mutex<Option<Secret>>> = Arc::new(Mutex::new(None));
/// let expecting = Arc::new(std::sync::atomic::AtomicBool::new(true));
/// let slot = pending.clone();
/// let scheme = providers::asana().handshake(RegistrationHandshake::AsanaHookSecret(
///     AsanaHookSecret::new(move |secret| {
///         if !expecting.swap(false, std::sync::atomic::Ordering::SeqCst) {
///             return false; // not creating a webhook: refuse
///         }
///         *slot.lock().unwrap() = Some(secret);
///         true
///     }),
/// ));
/// # let _ = scheme;
/// ```
#[derive(Clone)]
pub struct AsanaHookSecret {
    on_secret: Arc<dyn Fn(Secret) -> bool + Send + Sync>,
}

impl AsanaHookSecret {
    /// Calls `on_secret` with each handshake's secret; the handshake is answered only when
    /// it returns `true`.
    pub fn new(on_secret: impl Fn(Secret) -> bool + Send + Sync + 'static) -> Self {
        AsanaHookSecret {
            on_secret: Arc::new(on_secret),
        }
    }
}

impl fmt::Debug for AsanaHookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsanaHookSecret").finish_non_exhaustive()
    }
}

/// A handshake's answer: the response the layer sends instead of calling the handler.
#[derive(Debug, Clone)]
pub struct HandshakeResponse {
    status: StatusCode,
    headers: http::HeaderMap,
    body: Bytes,
}

impl HandshakeResponse {
    /// A handshake answered with `response`.
    pub fn new(response: Response<Bytes>) -> Self {
        let (parts, body) = response.into_parts();
        HandshakeResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    /// The response to send.
    pub fn to_response(&self) -> Response<Bytes> {
        let mut response = Response::new(self.body.clone());
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response
    }

    /// The response to send, without a copy.
    pub fn into_response(self) -> Response<Bytes> {
        let mut response = Response::new(self.body);
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        response
    }
}

const TWITCH_MESSAGE_TYPE: HeaderName = HeaderName::from_static("twitch-eventsub-message-type");
const ASANA_SECRET: HeaderName = HeaderName::from_static("x-hook-secret");
const ASANA_SIGNATURE: HeaderName = HeaderName::from_static("x-hook-signature");
const WOOCOMMERCE_SIGNATURE: HeaderName = HeaderName::from_static("x-wc-webhook-signature");
/// Longest `X-Hook-Secret` accepted (Asana's are 32 hex characters).
const MAX_ASANA_SECRET: usize = 256;

impl RegistrationHandshake {
    /// Whether `request` is this handshake. Cheap: no signature work, and for signed
    /// handshakes a substring search of a body that was already verified, so an attacker
    /// cannot make anyone pay for it.
    pub(crate) fn matches(&self, request: &WebhookRequest<'_>) -> bool {
        let body = request.body().as_ref();
        match self {
            RegistrationHandshake::SlackUrlVerification => {
                request.method() == Method::POST && URL_VERIFICATION.find(body).is_some()
            }
            RegistrationHandshake::ZoomUrlValidation => {
                request.method() == Method::POST && URL_VALIDATION.find(body).is_some()
            }
            RegistrationHandshake::TwitchCallbackVerification => {
                // Judged on the signed body too: the message-type header is not signed,
                // so a verification must never pass as a notification or the reverse.
                request.method() == Method::POST
                    && (twitch_claims_verification(request) || CHALLENGE.find(body).is_some())
            }
            RegistrationHandshake::MetaVerifyToken(_) => {
                request.method() == Method::GET && query(request, "hub.mode").is_some()
            }
            RegistrationHandshake::DropboxChallenge => {
                request.method() == Method::GET && query(request, "challenge").is_some()
            }
            RegistrationHandshake::DiscordPing => {
                request.method() == Method::POST && TYPE_KEY.find(body).is_some()
            }
            RegistrationHandshake::AsanaHookSecret(_) => {
                request.method() == Method::POST
                    && request.headers().contains_key(ASANA_SECRET)
                    && !request.headers().contains_key(ASANA_SIGNATURE)
            }
            RegistrationHandshake::WooCommercePing => {
                request.method() == Method::POST
                    && !request.headers().contains_key(WOOCOMMERCE_SIGNATURE)
                    && body.strip_prefix(b"webhook_id=").is_some_and(|id| {
                        (1..=20).contains(&id.len()) && id.iter().all(u8::is_ascii_digit)
                    })
            }
            RegistrationHandshake::TrelloHead => request.method() == Method::HEAD,
        }
    }

    /// Whether the handshake is signed like an ordinary delivery: recognised after
    /// verification, never before.
    pub(crate) fn is_signed(&self) -> bool {
        matches!(
            self,
            RegistrationHandshake::SlackUrlVerification
                | RegistrationHandshake::ZoomUrlValidation
                | RegistrationHandshake::TwitchCallbackVerification
                | RegistrationHandshake::DiscordPing
        )
    }

    /// The answer. `mac` computes the provider's HMAC over a message with the verified key
    /// (Zoom's encrypted token).
    pub(crate) fn answer(
        &self,
        request: &WebhookRequest<'_>,
        mac: &dyn Fn(&[u8]) -> Option<String>,
    ) -> Result<Option<Response<Bytes>>, Rejection> {
        let body = request.body();
        match self {
            RegistrationHandshake::SlackUrlVerification => {
                let kind = JsonPath::from("type");
                let challenge = JsonPath::from("challenge");
                let [kind, challenge] = find_fields(body, [Some(&kind), Some(&challenge)]);
                if kind.as_deref() != Some("url_verification") {
                    return Ok(None);
                }
                let challenge = challenge.ok_or_else(missing_challenge)?;
                Ok(Some(text(challenge)))
            }
            RegistrationHandshake::ZoomUrlValidation => {
                let event = JsonPath::from("event");
                let token = JsonPath::from("payload.plainToken");
                let [event, token] = find_fields(body, [Some(&event), Some(&token)]);
                if event.as_deref() != Some("endpoint.url_validation") {
                    return Ok(None);
                }
                let token = token.ok_or_else(missing_challenge)?;
                let encrypted = mac(token.as_bytes()).ok_or_else(missing_challenge)?;
                let json = serde_json::json!({"plainToken": token, "encryptedToken": encrypted});
                Ok(Some(json_response(json.to_string())))
            }
            RegistrationHandshake::TwitchCallbackVerification => {
                let challenge = JsonPath::from("challenge");
                let [challenge] = find_fields(body, [Some(&challenge)]);
                match (twitch_claims_verification(request), challenge) {
                    (true, Some(challenge)) => Ok(Some(text(challenge))),
                    (false, None) => Ok(None),
                    // The unsigned message type disagrees with the signed body.
                    (true, None) => Err(missing_challenge()),
                    (false, Some(_)) => Err(Rejection::new(
                        RejectionKind::InvalidRequest,
                        "a callback verification sent as another message type",
                    )
                    .with_subject(TWITCH_MESSAGE_TYPE.as_str())),
                }
            }
            RegistrationHandshake::MetaVerifyToken(expected) => {
                if query(request, "hub.mode").as_deref() != Some("subscribe") {
                    return Err(Rejection::new(
                        RejectionKind::InvalidRequest,
                        "hub.mode must be subscribe",
                    ));
                }
                let token = query(request, "hub.verify_token").unwrap_or_default();
                if !super::crypto::secrets_equal(token.as_bytes(), expected.expose()) {
                    return Err(Rejection::new(
                        RejectionKind::SignatureMismatch,
                        "hub.verify_token does not match",
                    ));
                }
                let challenge = query(request, "hub.challenge").ok_or_else(missing_challenge)?;
                Ok(Some(text(challenge)))
            }
            RegistrationHandshake::DropboxChallenge => {
                let challenge = query(request, "challenge").ok_or_else(missing_challenge)?;
                Ok(Some(text(challenge)))
            }
            RegistrationHandshake::DiscordPing => {
                let kind = JsonPath::from("type");
                let [kind] = find_fields(body, [Some(&kind)]);
                if kind.as_deref() != Some("1") {
                    return Ok(None);
                }
                Ok(Some(json_response("{\"type\":1}".to_owned())))
            }
            RegistrationHandshake::AsanaHookSecret(handshake) => {
                let value = request.required_header(&ASANA_SECRET)?;
                if value.is_empty() || value.len() > MAX_ASANA_SECRET {
                    return Err(Rejection::malformed_header(
                        ASANA_SECRET.as_str(),
                        "secret is empty or too long",
                    ));
                }
                let echoed = HeaderValue::from_str(value).map_err(|_| {
                    Rejection::malformed_header(ASANA_SECRET.as_str(), "secret is not valid")
                })?;
                if !(handshake.on_secret)(Secret::from(value)) {
                    return Err(Rejection::new(
                        RejectionKind::SignatureMismatch,
                        "unexpected Asana handshake: no webhook is being created",
                    ));
                }
                let mut response = Response::new(Bytes::new());
                response.headers_mut().insert(ASANA_SECRET, echoed);
                Ok(Some(response))
            }
            RegistrationHandshake::WooCommercePing | RegistrationHandshake::TrelloHead => {
                Ok(Some(Response::new(Bytes::new())))
            }
        }
    }
}

/// The searchers for the text that marks a signed handshake's body, built once: a search
/// built per request costs more than the search itself on a small body.
type Finder = LazyLock<memchr::memmem::Finder<'static>>;
static URL_VERIFICATION: Finder = LazyLock::new(|| memchr::memmem::Finder::new("url_verification"));
static URL_VALIDATION: Finder =
    LazyLock::new(|| memchr::memmem::Finder::new("endpoint.url_validation"));
static CHALLENGE: Finder = LazyLock::new(|| memchr::memmem::Finder::new("\"challenge\""));
static TYPE_KEY: Finder = LazyLock::new(|| memchr::memmem::Finder::new("\"type\""));

fn twitch_claims_verification(request: &WebhookRequest<'_>) -> bool {
    request
        .headers()
        .get(TWITCH_MESSAGE_TYPE)
        .is_some_and(|v| v == "webhook_callback_verification")
}

fn query(request: &WebhookRequest<'_>, name: &str) -> Option<String> {
    let query = request.uri().query()?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn missing_challenge() -> Rejection {
    Rejection::new(RejectionKind::InvalidBody, "handshake without a challenge")
}

/// The challenge echoed as plain text; never interpreted as HTML by a browser.
fn text(challenge: String) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(challenge));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn json_response(body: String) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(body));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
