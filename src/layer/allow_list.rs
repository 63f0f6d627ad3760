//! The source allow-list: the networks a provider sends webhooks from, and where the
//! client's address is read from, checked before the body is read.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use http::request::Parts;
use http::{HeaderMap, HeaderName};
use ipnet::IpNet;

use crate::{ConfigError, Rejection, RejectionKind};

/// The longest proxy header read, all its lines together, in bytes. A longer one makes the
/// address unknown, so the request is refused.
const MAX_HEADER_BYTES: usize = 4096;

/// `http` has no constant for this de facto standard header.
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The networks a provider sends webhooks from: IPv4 and IPv6 networks in CIDR notation,
/// or single addresses. Cheap to clone: the list is shared.
///
/// A second line of defence beside the signature, not a replacement for it. Turn it on
/// with [`WebhookLayer::allowed_networks`](super::WebhookLayer::allowed_networks), which
/// also takes a [`ClientAddress`] saying where the client's address is read from; there is
/// no default for either. A request whose address is not in the list, or cannot be told,
/// gets `403 Forbidden` with the reason `address_not_allowed`, before its body is read.
///
/// # Where the ranges come from
///
/// The crate ships no provider ranges: they change, and a stale copy refuses real
/// deliveries. Load them from the provider when the process starts:
///
/// - GitHub: the `hooks` list of its meta API, `GET https://api.github.com/meta` (CIDR
///   networks, IPv4 and IPv6). GitHub adds ranges from time to time and asks users of the
///   list to watch the meta API.
/// - Stripe: the `WEBHOOKS` list of `https://stripe.com/files/ips/ips_webhooks.json` (or
///   `ips_webhooks.txt`, one address a line), described at
///   `https://docs.stripe.com/ips#webhook-notifications`. Stripe announces changes a week
///   ahead on its API announcement mailing list.
/// - Other providers publish theirs in their webhook documentation.
///
/// The layer's list is fixed once built: to follow a change, rebuild the layer (restart).
///
/// ```
/// use tower_webhook::layer::AllowedNetworks;
///
/// // The body of `GET https://api.github.com/meta`, fetched with your HTTP client.
/// let meta = r#"{"hooks": ["192.30.252.0/22", "185.199.108.0/22", "2a0a:a440::/29"]}"#;
/// let meta: serde_json::Value = serde_json::from_str(meta)?;
/// let hooks = meta["hooks"].as_array().ok_or("no hooks list")?;
/// let github = AllowedNetworks::parse(hooks.iter().filter_map(|net| net.as_str()))?;
/// assert!(github.contains("192.30.252.41".parse()?));
/// assert!(github.contains("2a0a:a440::1".parse()?));
/// assert!(!github.contains("203.0.113.9".parse()?));
///
/// // Stripe's list holds single addresses, which are accepted too.
/// let ips = r#"{"WEBHOOKS": ["3.18.12.63", "3.130.192.231"]}"#;
/// let ips: serde_json::Value = serde_json::from_str(ips)?;
/// let ips = ips["WEBHOOKS"].as_array().ok_or("no WEBHOOKS list")?;
/// let stripe = AllowedNetworks::parse(ips.iter().filter_map(|ip| ip.as_str()))?;
/// assert!(stripe.contains("3.18.12.63".parse()?));
/// assert!(!stripe.contains("3.18.12.64".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct AllowedNetworks {
    networks: Arc<[IpNet]>,
}

impl AllowedNetworks {
    /// Parses a list of networks (`"192.30.252.0/22"`, `"2a0a:a440::/29"`) and single
    /// addresses (`"3.18.12.63"`, a `/32` or `/128`). Surrounding whitespace is ignored.
    ///
    /// Fails on an entry that is neither, on a network with bits set past its prefix
    /// (`"10.0.0.1/8"` is a typo for `10.0.0.0/8` or for `10.0.0.1/32`, and the layer does
    /// not guess which), and on an empty list, which would refuse every request.
    pub fn parse<I>(networks: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let networks = networks
            .into_iter()
            .map(|entry| parse_network(entry.as_ref()))
            .collect::<Result<Arc<[IpNet]>, ConfigError>>()?;
        if networks.is_empty() {
            return Err(ConfigError::new(
                "the source allow-list is empty: every request would be refused",
            ));
        }
        Ok(AllowedNetworks { networks })
    }

    /// Whether `ip` lies in one of the networks. An IPv4-mapped IPv6 address
    /// (`::ffff:192.0.2.1`, as a dual-stack socket reports IPv4 peers) matches the IPv4
    /// networks too.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let canonical = ip.to_canonical();
        self.networks
            .iter()
            .any(|network| network.contains(&ip) || network.contains(&canonical))
    }
}

fn parse_network(entry: &str) -> Result<IpNet, ConfigError> {
    let entry = entry.trim();
    if entry.contains('/') {
        let network: IpNet = entry
            .parse()
            .map_err(|_| invalid_network(entry, "is not a network in CIDR notation"))?;
        if network.trunc() != network {
            return Err(invalid_network(
                entry,
                "has bits set past its prefix length; write the network address",
            ));
        }
        Ok(network)
    } else {
        let ip: IpAddr = entry
            .parse()
            .map_err(|_| invalid_network(entry, "is neither an IP address nor a network"))?;
        Ok(IpNet::from(ip))
    }
}

fn invalid_network(entry: &str, problem: &str) -> ConfigError {
    // Entries come from configuration, but keep a runaway one from filling the message.
    let shown: String = entry.chars().take(64).collect();
    let ellipsis = if shown.len() < entry.len() { "…" } else { "" };
    ConfigError::new(format!(
        "source allow-list entry {shown:?}{ellipsis} {problem}"
    ))
}

impl fmt::Debug for AllowedNetworks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `IpNet`'s `Debug` is its CIDR text.
        f.debug_list().entries(self.networks.iter()).finish()
    }
}

/// Where the client's address is read from, for the source allow-list of
/// [`WebhookLayer::allowed_networks`](super::WebhookLayer::allowed_networks).
///
/// There is no default: the connection's peer is right for a server reached directly, and
/// a proxy header is right only behind a proxy that every request must pass through.
/// When the address cannot be told (no peer address in the extensions, a header that is
/// missing, repeated where it must be single, too long, or not an address), the request
/// is refused.
///
/// # Straight from the connection
///
/// [`ClientAddress::peer`] reads a [`SocketAddr`] from the request's extensions, which the
/// server puts there for each connection. With hyper:
///
/// ```no_run
/// use std::convert::Infallible;
/// use std::net::SocketAddr;
///
/// use hyper::server::conn::http1;
/// use hyper_util::rt::TokioIo;
/// use hyper_util::service::TowerToHyperService;
/// use tower::{ServiceBuilder, ServiceExt};
/// use tower_webhook::layer::{AllowedNetworks, ClientAddress, VerifiedBody};
/// use tower_webhook::{providers, Verifier, WebhookLayer};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let github = AllowedNetworks::parse(["192.30.252.0/22", "2a0a:a440::/29"])?;
/// let verifier = Verifier::new(providers::github(), "my webhook secret")?;
/// let service = ServiceBuilder::new()
///     .layer(WebhookLayer::new(verifier).allowed_networks(github, ClientAddress::peer()))
///     .service_fn(|_: http::Request<VerifiedBody>| async {
///         Ok::<_, Infallible>(http::Response::new(String::from("ok")))
///     });
///
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
/// loop {
///     let (stream, peer): (_, SocketAddr) = listener.accept().await?;
///     // Every request on this connection carries the peer's address.
///     let service = service.clone().map_request(move |mut request: http::Request<_>| {
///         request.extensions_mut().insert(peer);
///         request
///     });
///     tokio::spawn(async move {
///         let service = TowerToHyperService::new(service);
///         let _ = http1::Builder::new()
///             .serve_connection(TokioIo::new(stream), service)
///             .await;
///     });
/// }
/// # }
/// ```
///
/// axum keeps the peer address in its own `ConnectInfo<SocketAddr>` extension instead,
/// which this crate cannot name; read it with [`ClientAddress::from_fn`], and serve the
/// app with `into_make_service_with_connect_info`:
///
/// ```no_run
/// use std::net::SocketAddr;
///
/// use axum::extract::ConnectInfo;
/// use axum::{routing::post, Router};
/// use tower_webhook::layer::{AllowedNetworks, ClientAddress};
/// use tower_webhook::{providers, Verifier, WebhookLayer};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let github = AllowedNetworks::parse(["192.30.252.0/22", "2a0a:a440::/29"])?;
/// let peer = ClientAddress::from_fn(|parts| {
///     let ConnectInfo(addr) = parts.extensions.get::<ConnectInfo<SocketAddr>>()?;
///     Some(addr.ip())
/// });
/// let verifier = Verifier::new(providers::github(), "my webhook secret")?;
/// let app = Router::new()
///     .route("/webhooks/github", post(|| async { "ok" }))
///     .route_layer(WebhookLayer::new(verifier).allowed_networks(github, peer));
///
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
/// axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
/// # Ok(())
/// # }
/// ```
///
/// # Behind a proxy
///
/// When a load balancer or CDN stands in front, the connection's peer is the proxy and
/// only the proxy knows the client: read the header it sets, with
/// [`ClientAddress::trust_x_forwarded_for`] or [`ClientAddress::trust_header`]. Such a header is
/// worth exactly as much as the guarantee that *every* request passes through that proxy:
/// if the server can also be reached directly, anyone can write the header and claim any
/// address. Choose these only when the network makes the proxy unavoidable.
///
/// ```
/// use http::HeaderName;
/// use tower_webhook::layer::{AllowedNetworks, ClientAddress};
/// use tower_webhook::{providers, Verifier, WebhookLayer};
///
/// let stripe = AllowedNetworks::parse(["3.18.12.63", "3.130.192.231"]).unwrap();
/// let verifier = Verifier::new(providers::stripe(), "whsec_...").unwrap();
///
/// // One load balancer in front that appends to X-Forwarded-For.
/// let layer = WebhookLayer::new(verifier.clone())
///     .allowed_networks(stripe.clone(), ClientAddress::trust_x_forwarded_for(1));
///
/// // Fly.io, which overwrites Fly-Client-IP on every request.
/// let fly = HeaderName::from_static("fly-client-ip");
/// let layer = WebhookLayer::new(verifier)
///     .allowed_networks(stripe, ClientAddress::trust_header(fly));
/// # let _ = layer;
/// ```
#[derive(Clone)]
pub struct ClientAddress {
    origin: Origin,
}

type AddressFn = dyn Fn(&Parts) -> Option<IpAddr> + Send + Sync;

#[derive(Clone)]
enum Origin {
    Peer,
    Custom(Arc<AddressFn>),
    ForwardedFor { proxies: usize },
    Header(HeaderName),
}

impl ClientAddress {
    /// The address of the connection's peer, from a [`SocketAddr`] in the request's
    /// extensions. hyper does not put one there: insert it for each connection (see the
    /// [type's docs](ClientAddress#straight-from-the-connection)). With axum, use
    /// [`from_fn`](Self::from_fn) to read its `ConnectInfo<SocketAddr>` instead.
    ///
    /// Behind a proxy this is the proxy's address, so the allow-list refuses everything
    /// (unless it lists the proxy, which would allow everything that proxy forwards).
    pub fn peer() -> Self {
        ClientAddress {
            origin: Origin::Peer,
        }
    }

    /// The address `address` finds in the request's head, `None` when it cannot tell.
    ///
    /// ```
    /// use std::net::SocketAddr;
    ///
    /// use axum::extract::ConnectInfo;
    /// use tower_webhook::layer::ClientAddress;
    ///
    /// // axum, served with `into_make_service_with_connect_info::<SocketAddr>()`.
    /// let peer = ClientAddress::from_fn(|parts| {
    ///     let ConnectInfo(addr) = parts.extensions.get::<ConnectInfo<SocketAddr>>()?;
    ///     Some(addr.ip())
    /// });
    /// # let _ = peer;
    /// ```
    pub fn from_fn<F>(address: F) -> Self
    where
        F: Fn(&Parts) -> Option<IpAddr> + Send + Sync + 'static,
    {
        ClientAddress {
            origin: Origin::Custom(Arc::new(address)),
        }
    }

    /// **Trusts** `X-Forwarded-For` as written by `proxies` proxies in front of the server,
    /// each appending the address that connected to it: the client is the entry that many
    /// places from the right. Entries further left were written by the client and are
    /// ignored, so a forged left-most entry gains an attacker nothing.
    ///
    /// Only safe when every request passes through those proxies: if the server can be
    /// reached around them, the header says whatever the sender wants. Count only proxies
    /// that append; one that passes the header on unchanged, or overwrites it, breaks the
    /// count. Several `X-Forwarded-For` lines are read as one list, in order (RFC 9110).
    /// An entry may carry a port (`192.0.2.1:4711`, `[2001:db8::1]:4711`). A missing
    /// header, fewer entries than proxies, a chosen entry that is not an address, or a
    /// header over 4 KiB makes the address unknown, and the request is refused.
    ///
    /// # Panics
    ///
    /// If `proxies` is 0: with no proxy in front, use [`peer`](Self::peer).
    pub fn trust_x_forwarded_for(proxies: usize) -> Self {
        assert!(
            proxies > 0,
            "trust_x_forwarded_for needs at least one proxy; without one, use ClientAddress::peer()"
        );
        ClientAddress {
            origin: Origin::ForwardedFor { proxies },
        }
    }

    /// **Trusts** a header holding one address that the proxy in front of the server
    /// overwrites on every request: `X-Real-IP` (nginx), `Fly-Client-IP` (Fly.io),
    /// `CF-Connecting-IP` (Cloudflare), `True-Client-IP`.
    ///
    /// Only safe when every request passes through that proxy and the proxy replaces any
    /// value the client sent: otherwise the header says whatever the sender wants. A
    /// missing header, more than one line of it, a value that is not one address (an
    /// address with a port is accepted), or a value over 4 KiB makes the address unknown,
    /// and the request is refused.
    pub fn trust_header(name: HeaderName) -> Self {
        ClientAddress {
            origin: Origin::Header(name),
        }
    }

    /// The client's address for this request, as this setting reads it; `None` when it
    /// cannot be told.
    ///
    /// ```
    /// use tower_webhook::layer::ClientAddress;
    ///
    /// let request = http::Request::post("/hook")
    ///     .header("x-forwarded-for", "198.51.100.7, 192.0.2.60")
    ///     .body(())
    ///     .unwrap();
    /// let (parts, ()) = request.into_parts();
    /// let ip = ClientAddress::trust_x_forwarded_for(1).client_ip(&parts);
    /// assert_eq!(ip, Some("192.0.2.60".parse().unwrap()));
    /// ```
    pub fn client_ip(&self, parts: &Parts) -> Option<IpAddr> {
        match &self.origin {
            Origin::Peer => parts.extensions.get::<SocketAddr>().map(SocketAddr::ip),
            Origin::Custom(address) => address(parts),
            Origin::ForwardedFor { proxies } => forwarded_for(&parts.headers, *proxies),
            Origin::Header(name) => single_address(&parts.headers, name),
        }
    }
}

impl fmt::Debug for ClientAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origin {
            Origin::Peer => f.write_str("Peer"),
            Origin::Custom(_) => f.write_str("FromFn"),
            Origin::ForwardedFor { proxies } => f
                .debug_struct("TrustXForwardedFor")
                .field("proxies", proxies)
                .finish(),
            Origin::Header(name) => f.debug_tuple("TrustHeader").field(name).finish(),
        }
    }
}

/// The entry `proxies` places from the right of all `X-Forwarded-For` lines together.
fn forwarded_for(headers: &HeaderMap, proxies: usize) -> Option<IpAddr> {
    let mut lines = Vec::new();
    let mut total = 0usize;
    for value in headers.get_all(X_FORWARDED_FOR) {
        // Each line counts one byte more, for the comma that would join it to the next, so
        // a flood of empty lines is bounded too.
        total = total.saturating_add(value.len() + 1);
        if total > MAX_HEADER_BYTES {
            return None;
        }
        lines.push(value.to_str().ok()?);
    }
    let entry = lines
        .iter()
        .rev()
        .flat_map(|line| line.rsplit(','))
        .nth(proxies.checked_sub(1)?)?;
    parse_address(entry)
}

/// The one address in a header that must appear exactly once.
fn single_address(headers: &HeaderMap, name: &HeaderName) -> Option<IpAddr> {
    let mut values = headers.get_all(name).iter();
    let value = values.next()?;
    if values.next().is_some() || value.len() > MAX_HEADER_BYTES {
        return None;
    }
    parse_address(value.to_str().ok()?)
}

/// One address, as proxies write it: `192.0.2.1`, `2001:db8::1`, or either with a port
/// (`192.0.2.1:4711`, `[2001:db8::1]:4711`), with optional whitespace around it.
fn parse_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim_matches([' ', '\t']);
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip);
    }
    entry.parse::<SocketAddr>().ok().map(|addr| addr.ip())
}

/// The allow-list and where the address comes from, as the layer holds them.
#[derive(Clone, Debug)]
pub(crate) struct NetworkFilter {
    allowed: AllowedNetworks,
    client_address: ClientAddress,
}

impl NetworkFilter {
    pub(crate) fn new(allowed: AllowedNetworks, client_address: ClientAddress) -> Self {
        NetworkFilter {
            allowed,
            client_address,
        }
    }

    /// Refuses a request whose address is unknown or outside the allow-list.
    pub(crate) fn check(&self, parts: &Parts) -> Result<(), Rejection> {
        match self.client_address.client_ip(parts) {
            None => Err(Rejection::new(
                RejectionKind::AddressNotAllowed,
                "source address unknown",
            )),
            Some(ip) if self.allowed.contains(ip) => Ok(()),
            Some(ip) => Err(Rejection::new(
                RejectionKind::AddressNotAllowed,
                "source address not allowed",
            )
            .with_subject(ip.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn parts(headers: &[(&str, &[u8])]) -> Parts {
        let mut builder = http::Request::post("/hook");
        for (name, value) in headers {
            builder = builder.header(*name, HeaderValue::from_bytes(value).unwrap());
        }
        builder.body(()).unwrap().into_parts().0
    }

    fn xff(proxies: usize, headers: &[(&str, &[u8])]) -> Option<IpAddr> {
        ClientAddress::trust_x_forwarded_for(proxies).client_ip(&parts(headers))
    }

    fn real_ip(headers: &[(&str, &[u8])]) -> Option<IpAddr> {
        ClientAddress::trust_header(HeaderName::from_static("x-real-ip")).client_ip(&parts(headers))
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn forwarded_for_counts_proxies_from_the_right() {
        let h: &[(&str, &[u8])] = &[("x-forwarded-for", b"1.1.1.1, 2.2.2.2 ,3.3.3.3")];
        assert_eq!(xff(1, h), ip("3.3.3.3"));
        assert_eq!(xff(2, h), ip("2.2.2.2"));
        assert_eq!(xff(3, h), ip("1.1.1.1"));
        assert_eq!(xff(4, h), None, "fewer entries than proxies");
    }

    #[test]
    fn forwarded_for_lines_are_one_list_in_order() {
        let h: &[(&str, &[u8])] = &[
            ("x-forwarded-for", b"1.1.1.1, 2.2.2.2"),
            ("x-forwarded-for", b"3.3.3.3"),
        ];
        assert_eq!(xff(1, h), ip("3.3.3.3"));
        assert_eq!(xff(2, h), ip("2.2.2.2"));
        assert_eq!(xff(3, h), ip("1.1.1.1"));
    }

    #[test]
    fn forwarded_for_ignores_garbage_left_of_the_client() {
        let h: &[(&str, &[u8])] = &[("x-forwarded-for", b"<script>, , ;;, 9.9.9.9")];
        assert_eq!(xff(1, h), ip("9.9.9.9"));
        assert_eq!(xff(2, h), None);
    }

    #[test]
    fn forwarded_for_accepts_ports_and_ipv6() {
        let h: &[(&str, &[u8])] = &[("x-forwarded-for", b"[2001:db8::1]:4711, 192.0.2.1:80")];
        assert_eq!(xff(1, h), ip("192.0.2.1"));
        assert_eq!(xff(2, h), ip("2001:db8::1"));
        let h: &[(&str, &[u8])] = &[("x-forwarded-for", b"\t2001:db8::2\t")];
        assert_eq!(xff(1, h), ip("2001:db8::2"));
    }

    #[test]
    fn forwarded_for_hostile_values_are_unknown() {
        let hostile: &[&[u8]] = &[
            b"",
            b",",
            b" , ",
            b"unknown",
            b"_hidden",
            b"1.2.3.4 5.6.7.8",
            b"1.2.3.4;",
            b"1.2.3",
            b"256.1.1.1",
            b"01.2.3.4",
            b"1.2.3.4/32",
            b"fe80::1%eth0",
            b"[2001:db8::1]",
            b"2001:db8::1:80:",
            b"1.2.3.4:99999",
            b"1.2.3.4:",
            b"\xff\xfe1.2.3.4",
            b"1.2.3.4\xa0",
            b"\xe2\x80\x8b1.2.3.4",
        ];
        for value in hostile {
            let h: &[(&str, &[u8])] = &[("x-forwarded-for", value)];
            assert_eq!(xff(1, h), None, "{:?}", String::from_utf8_lossy(value));
        }
        assert_eq!(xff(1, &[]), None, "missing");
    }

    #[test]
    fn forwarded_for_over_the_limit_is_unknown() {
        // A long list within the limit still works from the right.
        let list = vec!["10.0.0.1"; 400].join(",") + ",192.0.2.1";
        assert!(list.len() < MAX_HEADER_BYTES);
        assert_eq!(
            xff(1, &[("x-forwarded-for", list.as_bytes())]),
            ip("192.0.2.1")
        );
        assert_eq!(
            xff(401, &[("x-forwarded-for", list.as_bytes())]),
            ip("10.0.0.1")
        );

        let list = vec!["10.0.0.1"; 100_000].join(",") + ",192.0.2.1";
        assert_eq!(xff(1, &[("x-forwarded-for", list.as_bytes())]), None);

        // Many short lines add up too.
        let mut builder = http::Request::post("/hook");
        for _ in 0..MAX_HEADER_BYTES {
            builder = builder.header("x-forwarded-for", "");
        }
        builder = builder.header("x-forwarded-for", "192.0.2.1");
        let (parts, ()) = builder.body(()).unwrap().into_parts();
        let address = ClientAddress::trust_x_forwarded_for(1);
        assert_eq!(address.client_ip(&parts), None);
    }

    #[test]
    fn forwarded_for_huge_proxy_count_is_unknown() {
        let h: &[(&str, &[u8])] = &[("x-forwarded-for", b"192.0.2.1")];
        assert_eq!(xff(usize::MAX, h), None);
    }

    #[test]
    #[should_panic(expected = "at least one proxy")]
    fn forwarded_for_needs_a_proxy() {
        let _ = ClientAddress::trust_x_forwarded_for(0);
    }

    #[test]
    fn single_header_must_be_one_address() {
        assert_eq!(real_ip(&[("x-real-ip", b"192.0.2.1")]), ip("192.0.2.1"));
        assert_eq!(
            real_ip(&[("x-real-ip", b" 2001:db8::1 ")]),
            ip("2001:db8::1")
        );
        assert_eq!(real_ip(&[]), None, "missing");
        assert_eq!(
            real_ip(&[("x-real-ip", b"192.0.2.1"), ("x-real-ip", b"192.0.2.1")]),
            None,
            "repeated"
        );
        assert_eq!(real_ip(&[("x-real-ip", b"192.0.2.1, 192.0.2.2")]), None);
        assert_eq!(real_ip(&[("x-real-ip", b"")]), None);
        assert_eq!(real_ip(&[("x-real-ip", b"\x80")]), None);
        let long = " ".repeat(MAX_HEADER_BYTES) + "192.0.2.1";
        assert_eq!(real_ip(&[("x-real-ip", long.as_bytes())]), None);
    }

    #[test]
    fn peer_reads_the_socket_address_extension() {
        let mut parts = parts(&[("x-forwarded-for", b"192.0.2.1")]);
        assert_eq!(ClientAddress::peer().client_ip(&parts), None);
        parts
            .extensions
            .insert("203.0.113.5:50000".parse::<SocketAddr>().unwrap());
        assert_eq!(ClientAddress::peer().client_ip(&parts), ip("203.0.113.5"));
    }

    #[test]
    fn allow_list_parses_networks_and_addresses() {
        let sources =
            AllowedNetworks::parse([" 192.30.252.0/22 ", "2a0a:a440::/29", "3.18.12.63"]).unwrap();
        assert!(sources.contains("192.30.255.255".parse().unwrap()));
        assert!(!sources.contains("192.30.251.255".parse().unwrap()));
        assert!(sources.contains("2a0a:a447:ffff::1".parse().unwrap()));
        assert!(!sources.contains("2a0a:a448::1".parse().unwrap()));
        assert!(sources.contains("::ffff:3.18.12.63".parse().unwrap()));
        assert!(!sources.contains("3.18.12.62".parse().unwrap()));
        assert_eq!(
            format!("{sources:?}"),
            "[192.30.252.0/22, 2a0a:a440::/29, 3.18.12.63/32]"
        );
    }

    #[test]
    fn allow_list_refuses_bad_entries() {
        let bad = [
            "",
            "garbage",
            "10.0.0.0/33",
            "2001:db8::/129",
            "10.0.0.1/8",
            "10.0.0.0/",
            "/8",
            "10.0.0.0/8/8",
            "10.0.0.0-10.0.0.255",
            "example.com",
        ];
        for entry in bad {
            assert!(AllowedNetworks::parse([entry]).is_err(), "{entry:?}");
        }
        assert!(AllowedNetworks::parse(Vec::<String>::new()).is_err());
        let long = "9".repeat(10_000);
        let message = AllowedNetworks::parse([long.as_str()])
            .unwrap_err()
            .to_string();
        assert!(message.len() < 200, "{message}");
    }

    #[test]
    fn filter_refuses_unknown_and_outside() {
        let filter = NetworkFilter::new(
            AllowedNetworks::parse(["192.0.2.0/24"]).unwrap(),
            ClientAddress::trust_x_forwarded_for(1),
        );
        assert!(filter
            .check(&parts(&[("x-forwarded-for", b"192.0.2.9")]))
            .is_ok());
        let outside = filter
            .check(&parts(&[("x-forwarded-for", b"198.51.100.1")]))
            .unwrap_err();
        assert_eq!(outside.kind(), RejectionKind::AddressNotAllowed);
        assert_eq!(outside.subject(), Some("198.51.100.1"));
        let unknown = filter.check(&parts(&[])).unwrap_err();
        assert_eq!(unknown.kind(), RejectionKind::AddressNotAllowed);
        assert_eq!(unknown.subject(), None);
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Any header bytes: no panic, and an address only when the chosen entry is one.
            #[test]
            fn any_forwarded_for_value(value in proptest::collection::vec(any::<u8>(), 0..300), proxies in 1usize..4) {
                if let Ok(value) = HeaderValue::from_bytes(&value) {
                    let mut headers = HeaderMap::new();
                    headers.insert(X_FORWARDED_FOR, value.clone());
                    let found = forwarded_for(&headers, proxies);
                    if let Some(found) = found {
                        let text = value.to_str().unwrap();
                        let entry = text.rsplit(',').nth(proxies - 1).unwrap();
                        prop_assert_eq!(parse_address(entry), Some(found));
                    }
                    let _ = single_address(&headers, &X_FORWARDED_FOR);
                }
            }

            /// Allow-list entries of any text: an error, never a panic.
            #[test]
            fn any_allow_list_entry(entry in ".{0,64}") {
                let _ = AllowedNetworks::parse([entry]);
            }
        }
    }
}
