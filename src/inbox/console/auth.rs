//! Who may use the console ([`ConsoleAuth`]), and that a state change comes from the
//! console's own pages: a CSRF token bound to the session and a same-origin check.

use std::fmt;
use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderValue};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::Secret;

/// The session cookie's name.
pub(super) const COOKIE: &str = "tower_webhook_console";

/// The shortest token [`ConsoleAuth::token`] lets anyone in with: 16 bytes. The login
/// form does not slow guesses down, so a shorter token (an empty one read from an unset
/// variable, a word) would be found by trying.
pub const MIN_CONSOLE_TOKEN_LEN: usize = 16;

/// How long a login lasts unless [`ConsoleAuth::session_lifetime`] says: 12 hours.
pub const DEFAULT_SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// How a person proves they may use the console: there is no default, so a console
/// cannot be built without a choice.
///
/// - [`token`](Self::token): the console's own login. A person types the token into its
///   login form (or a script sends `Authorization: Bearer <token>`); the form sets an
///   `HttpOnly; SameSite=Strict; Secure` session cookie whose value is not the token but
///   an expiry, a random nonce and their HMAC under a key derived from the token. Nothing
///   is stored on the server, so every instance that has the token accepts the session,
///   and changing the token ends every session.
/// - [`behind_my_own_auth`](Self::behind_my_own_auth): no login; your own layer
///   (single sign-on, a proxy's authentication, a VPN) decides who reaches the console.
///
/// Either way every state change (a `POST`) must carry the page's CSRF token and come
/// from the console's own origin (see [`Inbox::console`](crate::inbox::Inbox::console)).
///
/// ```
/// use tower_webhook::inbox::ConsoleAuth;
/// use tower_webhook::Secret;
///
/// // A long random token from your configuration: `openssl rand -base64 32`.
/// let auth = ConsoleAuth::token(Secret::from("c2VjcmV0IGNvbnNvbGUgdG9rZW4gb2YgMzIgYnl0ZXM="));
/// # let _ = auth;
/// let auth = ConsoleAuth::behind_my_own_auth();
/// # let _ = auth;
/// ```
#[derive(Clone)]
#[must_use]
pub struct ConsoleAuth {
    pub(super) mode: Mode,
    /// The key of the sessions' and CSRF tokens' HMACs.
    pub(super) key: Zeroizing<[u8; 32]>,
    pub(super) lifetime: Duration,
    pub(super) secure_cookie: bool,
}

#[derive(Clone)]
pub(super) enum Mode {
    /// The SHA-256 digest of the token: a presented token's digest is compared with it in
    /// constant time, so neither its content nor its length shows in the timing.
    Token(Zeroizing<[u8; 32]>),
    /// A token shorter than [`MIN_CONSOLE_TOKEN_LEN`]: the login form is shown and
    /// refuses everything.
    TooShort,
    OwnAuth,
}

impl fmt::Debug for ConsoleAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = match self.mode {
            Mode::Token(_) => "token",
            Mode::TooShort => "token (too short: nobody can log in)",
            Mode::OwnAuth => "behind_my_own_auth",
        };
        f.debug_struct("ConsoleAuth")
            .field("mode", &mode)
            .field("session_lifetime", &self.lifetime)
            .field("secure_cookie", &self.secure_cookie)
            .finish_non_exhaustive()
    }
}

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // An HMAC takes a key of any length.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key).expect("any key length");
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

impl ConsoleAuth {
    /// The console's own login with `token`: its login form, or `Authorization: Bearer`.
    /// Use a long random token (32 bytes of randomness): the form does not slow down
    /// guesses, so put a rate limit in front of `login` if the console is reachable from
    /// untrusted networks.
    ///
    /// A token shorter than [`MIN_CONSOLE_TOKEN_LEN`] (16 bytes; an empty one read from
    /// an unset variable, a word) lets **nobody** in: the console fails closed, and says
    /// so in an error event when it is built.
    pub fn token(token: impl Into<Secret>) -> ConsoleAuth {
        let token = token.into();
        let digest: [u8; 32] = Sha256::digest(token.expose()).into();
        let mode = if token.expose().len() < MIN_CONSOLE_TOKEN_LEN {
            tracing::error!(
                min_len = MIN_CONSOLE_TOKEN_LEN,
                "webhook console: the token is shorter than the minimum; nobody can log in"
            );
            Mode::TooShort
        } else {
            Mode::Token(Zeroizing::new(digest))
        };
        ConsoleAuth {
            mode,
            key: Zeroizing::new(mac(
                token.expose(),
                &[b"tower-webhook console session key v1"],
            )),
            lifetime: DEFAULT_SESSION_LIFETIME,
            secure_cookie: true,
        }
    }

    /// No login: **your own layer in front of the console decides who reaches it**
    /// (anyone who does can read payloads and replay, forget and purge deliveries). The
    /// CSRF tokens are keyed with a random key made here; instances behind one load
    /// balancer need the same key ([`csrf_key`](Self::csrf_key)), else a form rendered by
    /// one is refused by another.
    pub fn behind_my_own_auth() -> ConsoleAuth {
        let mut key = Zeroizing::new([0u8; 32]);
        if getrandom::fill(key.as_mut()).is_err() {
            // No system randomness at all: a key nobody else can know is still better
            // than a fixed one, so derive one from what this process has.
            let seed = format!("{:?}{:?}", std::time::SystemTime::now(), std::process::id());
            *key = mac(seed.as_bytes(), &[b"console csrf key"]);
        }
        ConsoleAuth {
            mode: Mode::OwnAuth,
            key,
            lifetime: DEFAULT_SESSION_LIFETIME,
            secure_cookie: true,
        }
    }

    /// The key of the CSRF tokens behind your own authentication, shared by every instance
    /// serving the console (with [`token`](Self::token), the key is derived from the token
    /// and this changes nothing).
    pub fn csrf_key(mut self, key: impl Into<Secret>) -> ConsoleAuth {
        if matches!(self.mode, Mode::OwnAuth) {
            self.key = Zeroizing::new(mac(key.into().expose(), &[b"console csrf key"]));
        }
        self
    }

    /// How long a login lasts (default [`DEFAULT_SESSION_LIFETIME`], 12 hours).
    pub fn session_lifetime(mut self, lifetime: Duration) -> ConsoleAuth {
        self.lifetime = lifetime;
        self
    }

    /// Leaves `Secure` off the session cookie, so that a browser keeps it over plain
    /// HTTP: for a console on `http://` during development or on a trusted local network
    /// only. Over HTTPS keep the default, else the cookie is also sent over any plain HTTP
    /// connection to the host.
    pub fn dangerous_cookie_over_plain_http(mut self) -> ConsoleAuth {
        self.secure_cookie = false;
        self
    }

    /// Whether `presented` is the token, in constant time.
    pub(super) fn is_token(&self, presented: &[u8]) -> bool {
        match &self.mode {
            Mode::Token(digest) => {
                let presented: [u8; 32] = Sha256::digest(presented).into();
                bool::from(presented.ct_eq(digest.as_ref()))
            }
            Mode::TooShort | Mode::OwnAuth => false,
        }
    }

    /// A new session's cookie value: `v1.<expiry ms>.<nonce>.<mac>`.
    pub(super) fn new_session(&self, now_ms: i64) -> String {
        let expires = now_ms.saturating_add(crate::inbox::duration_ms(self.lifetime));
        let mut nonce = [0u8; 16];
        // Without randomness the nonce is only a tie-break between sessions; the HMAC is
        // what makes the value unforgeable.
        let _ = getrandom::fill(&mut nonce);
        let nonce = hex::encode(nonce);
        let expires = expires.to_string();
        let tag = mac(
            self.key.as_ref(),
            &[b"session", expires.as_bytes(), nonce.as_bytes()],
        );
        format!("v1.{expires}.{nonce}.{}", hex::encode(tag))
    }

    /// Whether `value` is a session this console issued that has not expired.
    pub(super) fn is_session(&self, value: &str, now_ms: i64) -> bool {
        let mut parts = value.split('.');
        let (Some("v1"), Some(expires), Some(nonce), Some(tag), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return false;
        };
        let Ok(tag) = hex::decode(tag) else {
            return false;
        };
        let expected = mac(
            self.key.as_ref(),
            &[b"session", expires.as_bytes(), nonce.as_bytes()],
        );
        let authentic = bool::from(tag.as_slice().ct_eq(&expected));
        authentic && expires.parse::<i64>().is_ok_and(|expires| expires > now_ms)
    }

    /// The CSRF token of `session`.
    pub(super) fn csrf(&self, session: &Session) -> String {
        let bound: &[u8] = match session {
            Session::Cookie(value) => value.as_bytes(),
            Session::Bearer => b"bearer",
            Session::OwnAuth => b"own-auth",
        };
        hex::encode(mac(self.key.as_ref(), &[b"csrf", bound]))
    }

    /// Whether `presented` is the CSRF token of `session`, in constant time.
    pub(super) fn is_csrf(&self, session: &Session, presented: &str) -> bool {
        bool::from(presented.as_bytes().ct_eq(self.csrf(session).as_bytes()))
    }

    /// The session a request carries, if any.
    pub(super) fn session(&self, headers: &HeaderMap, now_ms: i64) -> Option<Session> {
        if matches!(self.mode, Mode::OwnAuth) {
            return Some(Session::OwnAuth);
        }
        for value in headers.get_all(header::AUTHORIZATION) {
            let Ok(value) = value.to_str() else {
                continue;
            };
            let Some((scheme, token)) = value.trim().split_once(' ') else {
                continue;
            };
            if scheme.eq_ignore_ascii_case("bearer") && self.is_token(token.trim().as_bytes()) {
                return Some(Session::Bearer);
            }
        }
        cookies(headers, COOKIE)
            .find(|value| self.is_session(value, now_ms))
            .map(|value| Session::Cookie(value.to_owned()))
    }

    /// The `Set-Cookie` value of `session` for the console mounted at `path`.
    pub(super) fn cookie(&self, session: &str, path: &str) -> Option<HeaderValue> {
        let secure = if self.secure_cookie { "; Secure" } else { "" };
        let seconds = self.lifetime.as_secs();
        HeaderValue::try_from(format!(
            "{COOKIE}={session}; Path={path}; Max-Age={seconds}; HttpOnly; SameSite=Strict{secure}"
        ))
        .ok()
    }

    /// The `Set-Cookie` value that ends the session at `path`.
    pub(super) fn expired_cookie(&self, path: &str) -> Option<HeaderValue> {
        let secure = if self.secure_cookie { "; Secure" } else { "" };
        HeaderValue::try_from(format!(
            "{COOKIE}=; Path={path}; Max-Age=0; HttpOnly; SameSite=Strict{secure}"
        ))
        .ok()
    }

    pub(super) fn has_login(&self) -> bool {
        matches!(self.mode, Mode::Token(_) | Mode::TooShort)
    }
}

/// How a request is authenticated.
#[derive(Clone, Debug)]
pub(super) enum Session {
    /// The console's session cookie (its value).
    Cookie(String),
    /// `Authorization: Bearer` with the token.
    Bearer,
    /// Behind the application's own authentication.
    OwnAuth,
}

/// The values of the cookies named `name` in every `Cookie` header.
fn cookies<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(move |pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then_some(value)
        })
}

/// Why a state change was refused as cross-origin, or `Ok` when it comes from the
/// console's own origin as far as the browser says.
///
/// 1. `Sec-Fetch-Site`, sent by every current browser (Chromium 76+, Firefox 90+,
///    Safari 16.4+) and not settable by a page, decides alone when present: `same-origin`
///    (the console's own forms) and `none` (the person's own action, such as a bookmark)
///    pass; `same-site` (another port or subdomain of the host: the `SameSite=Strict`
///    cookie *is* sent from there) and `cross-site` are refused.
/// 2. Without it (an older browser), `Origin` must name the request's own host and port.
///    `Origin: null` passes: with `Referrer-Policy: no-referrer`, which the console sends,
///    Chromium sends `null` on the console's own form posts. A hostile `null` (a
///    sandboxed frame, a `data:` page) then gets only as far as the CSRF token, which it
///    cannot read from a page of another origin; from another site the `SameSite=Strict`
///    cookie is not even sent.
/// 3. Neither header: not a browser (a script with the Bearer token), which no other page
///    can steer; the CSRF token is still required.
pub(super) fn cross_origin(headers: &HeaderMap, authority: Option<&str>) -> Result<(), String> {
    if let Some(site) = headers.get("sec-fetch-site") {
        return match site.as_bytes() {
            b"same-origin" | b"none" => Ok(()),
            other => Err(format!(
                "Sec-Fetch-Site is {}",
                String::from_utf8_lossy(other)
            )),
        };
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or_default();
    if origin == "null" {
        return Ok(());
    }
    let origin_authority = origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'));
    match (origin_authority, authority) {
        (Some(origin), Some(own)) if origin.eq_ignore_ascii_case(own) => Ok(()),
        _ => Err("Origin is another origin".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_unforgeable_and_expire() {
        let auth = ConsoleAuth::token("a console token of some length");
        let session = auth.new_session(1_000);
        assert!(!session.contains("console token"));
        assert!(auth.is_session(&session, 1_001));
        let later = 1_000 + crate::inbox::duration_ms(DEFAULT_SESSION_LIFETIME);
        assert!(!auth.is_session(&session, later));
        let other = ConsoleAuth::token("another token");
        assert!(!other.is_session(&session, 1_001));
        // A longer expiry under the same tag is refused.
        let mut parts: Vec<&str> = session.split('.').collect();
        parts[1] = "99999999999999";
        assert!(!auth.is_session(&parts.join("."), 1_001));
        for junk in ["", "v1", "v1...", "v1.1.2.zz", "v2.1.2.00"] {
            assert!(!auth.is_session(junk, 0));
        }
        assert!(auth.is_token(b"a console token of some length"));
        assert!(!auth.is_token(b"a console token"));
    }

    #[test]
    fn csrf_tokens_are_bound_to_their_session() {
        let auth = ConsoleAuth::token("a token long enough");
        let one = Session::Cookie(auth.new_session(0));
        let two = Session::Cookie(auth.new_session(0));
        let token = auth.csrf(&one);
        assert!(auth.is_csrf(&one, &token));
        assert!(!auth.is_csrf(&two, &token));
        assert!(!auth.is_csrf(&Session::Bearer, &token));
        assert!(!auth.is_csrf(&one, ""));
    }

    #[test]
    fn the_origin_check() {
        let check = |pairs: &[(&'static str, &'static str)]| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                headers.append(*name, HeaderValue::from_static(value));
            }
            cross_origin(&headers, Some("console.example:8443")).is_ok()
        };
        assert!(check(&[("sec-fetch-site", "same-origin")]));
        assert!(check(&[("sec-fetch-site", "none")]));
        assert!(!check(&[("sec-fetch-site", "same-site")]));
        assert!(!check(&[("sec-fetch-site", "cross-site")]));
        // Sec-Fetch-Site decides alone.
        assert!(!check(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://console.example:8443")
        ]));
        assert!(check(&[("origin", "https://console.example:8443")]));
        assert!(check(&[("origin", "null")]));
        assert!(!check(&[("origin", "https://console.example:8444")]));
        assert!(!check(&[("origin", "https://evil.example")]));
        assert!(!check(&[("origin", "garbage")]));
        assert!(check(&[]));
    }
}
