//! Presets of several families (Standard Webhooks and Svix, body and timestamped HMACs,
//! a shared token), each in its own block by family.
//! Each names its primary source; the candidates that could not be confirmed from one are
//! not here.

use http::header;

use crate::scheme::TokenScheme;

/// [Auth0 log streams](https://auth0.com/docs/customize/log-streams/custom-log-streams)
/// to a custom webhook.
///
/// - Authentication: the `Authorization` header carries the stream's *Authorization
///   Token* exactly as configured (`Bearer …` included if you typed it): nothing is
///   signed; compared in constant time. Configure the whole value as the secret.
/// - No timestamp, no delivery id: the body (JSON lines, an array or an object, as the
///   stream's content format says) is a batch of log events, each with its `log_id`;
///   replay protection keys on a hash of the body.
/// - Retries: Auth0 documents no horizon this crate could confirm.
///
/// Source: Auth0 docs, "Stream logs to a custom webhook" (the Authorization Token is "the
/// value in the Authorization header of the request"; content formats).
pub fn auth0_log_streams() -> TokenScheme {
    TokenScheme::new("auth0-log-streams", header::AUTHORIZATION)
}
