use http::HeaderName;

use crate::scheme::{Algorithm, Encoding, SignatureScheme};

/// [HCP Terraform / Terraform Enterprise](https://developer.hashicorp.com/terraform/cloud-docs/api-docs/notification-configurations#notification-authenticity) notifications.
///
/// - Signature: `X-TFE-Notification-Signature: <hex HMAC-SHA512 of the body>`, keyed with
///   the notification token.
/// - No signed timestamp: replay protection keys on the signature.
///
/// Source: HashiCorp docs, "Notification configurations API": notification authenticity.
pub fn terraform_cloud() -> SignatureScheme {
    SignatureScheme::new(
        "terraform-cloud",
        HeaderName::from_static("x-tfe-notification-signature"),
    )
    .algorithm(Algorithm::Sha512)
    .encoding(Encoding::Hex)
}
