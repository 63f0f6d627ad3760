//! RSA signatures (`Algorithm::RsaPkcs1v15Sha256`, feature `rsa`) and the Wise preset:
//! an OpenSSL-made vector (`scripts/rsa_fixtures.sh`), the key formats and bounds, the
//! signature-length checks, and a delivery through real HTTP on 127.0.0.1.

#[cfg(feature = "rsa")]
mod with_rsa {
    use base64::Engine;
    use bytes::Bytes;
    use http::HeaderName;
    use tower_webhook::scheme::{Algorithm, Encoding, Part, SignatureScheme};
    use tower_webhook::{providers, RejectionKind, Signer, Verifier, WebhookLayer};

    use crate::common;

    const PRIVATE: &str = include_str!("../fixtures/rsa/test_private.pem");
    const PRIVATE_PKCS1: &str = include_str!("../fixtures/rsa/test_private_pkcs1.pem");
    const PUBLIC: &str = include_str!("../fixtures/rsa/test_public.pem");
    const PUBLIC_PKCS1: &str = include_str!("../fixtures/rsa/test_public_pkcs1.pem");
    const PUBLIC_DER: &[u8] = include_bytes!("../fixtures/rsa/test_public.der");
    const PUBLIC_1024: &str = include_str!("../fixtures/rsa/test_public_1024.pem");
    const PUBLIC_4096: &str = include_str!("../fixtures/rsa/test_public_4096.pem");
    const WISE_BODY: &[u8] = include_bytes!("../fixtures/rsa/wise_body.json");
    const WISE_VECTOR: &str = include_str!("../fixtures/rsa/wise_vector.txt");

    fn wise_request(signature: &str, body: &'static [u8]) -> http::Request<Bytes> {
        http::Request::post("https://hooks.example.com/wise")
            .header("content-type", "application/json")
            .header("x-signature-sha256", signature)
            .header("x-delivery-id", "2e2a2f3b-6e0c-4d8e-9a58-3a2f0b8e7c11")
            .header("x-test-notification", "true")
            .body(Bytes::from_static(body))
            .expect("request")
    }

    /// The signature OpenSSL made (`openssl dgst -sha256 -sign`) verifies, with the key in
    /// each format; the body's signed `event_type` is reported, the unsigned id as such.
    #[test]
    fn openssl_vector_verifies_with_every_key_format() {
        let request = wise_request(WISE_VECTOR.trim(), WISE_BODY);
        for key in [PUBLIC.as_bytes(), PUBLIC_PKCS1.as_bytes(), PUBLIC_DER] {
            let verifier = Verifier::new(providers::wise(), key.to_vec()).expect("key");
            let delivery = verifier.verify(&request).expect("OpenSSL's signature");
            assert_eq!(delivery.event_type(), Some("transfers#state-change"));
            assert!(delivery.event_type_is_signed());
            assert_eq!(delivery.id(), "2e2a2f3b-6e0c-4d8e-9a58-3a2f0b8e7c11");
            assert!(!delivery.id_is_signed(), "X-Delivery-Id is not signed");
        }
    }

    #[test]
    fn openssl_vector_fails_on_a_changed_body_or_signature() {
        let verifier = Verifier::new(providers::wise(), PUBLIC).expect("key");
        let changed: &'static [u8] = Box::leak(
            String::from_utf8_lossy(WISE_BODY)
                .replace("111", "112")
                .into_bytes()
                .into(),
        );
        let kind = verifier
            .verify(&wise_request(WISE_VECTOR.trim(), changed))
            .expect_err("changed body")
            .kind();
        assert_eq!(kind, RejectionKind::SignatureMismatch);

        // One bit of the signature flipped: still the right length, so it reaches RSA.
        let mut signature = base64::engine::general_purpose::STANDARD
            .decode(WISE_VECTOR.trim())
            .expect("base64");
        signature[100] ^= 1;
        let flipped = base64::engine::general_purpose::STANDARD.encode(&signature);
        let kind = verifier
            .verify(&wise_request(&flipped, WISE_BODY))
            .expect_err("flipped bit")
            .kind();
        assert_eq!(kind, RejectionKind::SignatureMismatch);
    }

    /// A signature whose length no RSA key can produce is malformed (400), refused before
    /// any arithmetic; one of another key's length (a 4096-bit key's 512 bytes against a
    /// 2048-bit key) is a mismatch.
    #[test]
    fn signature_lengths_are_checked_first() {
        let verifier = Verifier::new(providers::wise(), PUBLIC).expect("key");
        let b64 = |len: usize| base64::engine::general_purpose::STANDARD.encode(vec![7u8; len]);
        for len in [1, 32, 255, 1025, 4096] {
            let rejection = verifier
                .verify(&wise_request(&b64(len), WISE_BODY))
                .expect_err("wrong length");
            assert!(
                matches!(
                    rejection.kind(),
                    RejectionKind::MalformedHeader | RejectionKind::MissingHeader
                ),
                "{len}: {:?}",
                rejection.kind()
            );
        }
        for len in [257, 512, 1024] {
            let kind = verifier
                .verify(&wise_request(&b64(len), WISE_BODY))
                .expect_err("another key's length")
                .kind();
            assert_eq!(kind, RejectionKind::SignatureMismatch, "{len}");
        }
        // Far too long text is refused without decoding it.
        let huge = "A".repeat(64 * 1024);
        let kind = verifier
            .verify(&wise_request(&huge, WISE_BODY))
            .expect_err("huge")
            .kind();
        assert_eq!(kind, RejectionKind::MalformedHeader);
    }

    #[test]
    fn keys_outside_2048_to_8192_bits_and_garbage_are_refused_at_configuration() {
        let error = Verifier::new(providers::wise(), PUBLIC_1024).expect_err("1024 bits");
        assert!(error.to_string().contains("1024 bits"), "{error}");
        for garbage in [
            &b"not a key"[..],
            b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
            &PUBLIC_DER[..100],
            // A private key is not a verification key.
            PRIVATE.as_bytes(),
        ] {
            assert!(Verifier::new(providers::wise(), garbage.to_vec()).is_err());
        }
        Verifier::new(providers::wise(), PUBLIC_4096).expect("4096 bits");
    }

    #[test]
    fn wise_published_keys_parse() {
        for key in [
            providers::wise::PUBLIC_KEY,
            providers::wise::SANDBOX_PUBLIC_KEY,
        ] {
            let verifier = Verifier::new(providers::wise(), key).expect("Wise's key");
            // Wise's key is not ours: our vector does not verify with it.
            let kind = verifier
                .verify(&wise_request(WISE_VECTOR.trim(), WISE_BODY))
                .expect_err("another key")
                .kind();
            assert_eq!(kind, RejectionKind::SignatureMismatch);
        }
    }

    /// The crate's own signer (PKCS#8 or PKCS#1 private key) makes OpenSSL's signature:
    /// PKCS#1 v1.5 is deterministic.
    #[test]
    fn signer_matches_openssl() {
        for private in [PRIVATE, PRIVATE_PKCS1] {
            let request = http::Request::post("https://hooks.example.com/wise")
                .body(Bytes::from_static(WISE_BODY))
                .expect("request");
            let signed = Signer::new(providers::wise(), private)
                .unwrap()
                .sign(request)
                .expect("sign");
            assert_eq!(signed.headers()["x-signature-sha256"], WISE_VECTOR.trim());
        }
    }

    /// The algorithm is reusable: any header, encoding and signed parts.
    #[test]
    fn rsa_in_a_custom_scheme() {
        let scheme = SignatureScheme::new("custom-rsa", HeaderName::from_static("x-sig"))
            .algorithm(Algorithm::RsaPkcs1v15Sha256)
            .encoding(Encoding::Hex)
            .signed_parts([Part::Method, Part::literal(" "), Part::Body]);
        let request = http::Request::post("https://hooks.example.com/x")
            .body(Bytes::from_static(b"{}"))
            .expect("request");
        let signed = Signer::new(scheme.clone(), PRIVATE)
            .unwrap()
            .sign(request)
            .expect("sign");
        assert_eq!(signed.headers()["x-sig"].len(), 512, "hex of 256 bytes");
        Verifier::new(scheme.clone(), PUBLIC)
            .expect("key")
            .verify(&signed)
            .expect("verifies");
        assert_eq!(
            Algorithm::RsaPkcs1v15Sha256.name(),
            "RSA PKCS#1 v1.5 SHA-256"
        );
    }

    /// Through real HTTP: a signed delivery runs the handler once; the same bytes under a
    /// new (unsigned) `X-Delivery-Id` are a duplicate; a changed body is 401; a truncated
    /// signature is 400. None of the refused ones runs the handler.
    #[tokio::test]
    async fn wise_end_to_end_on_127_0_0_1() {
        let verifier = Verifier::new(providers::wise(), PUBLIC).expect("key");
        let (server, calls) =
            common::counting_server("/hook", WebhookLayer::new(verifier), "ok").await;
        let signed = Signer::new(providers::wise(), PRIVATE)
            .unwrap()
            .sign_with(
                common::post_to(&server, WISE_BODY),
                "2e2a2f3b-6e0c-4d8e-9a58-3a2f0b8e7c11",
                std::time::SystemTime::now(),
            )
            .expect("sign");
        let reply = common::send(common::copy(&signed)).await;
        assert_eq!(reply.status, http::StatusCode::OK, "{}", reply.text());
        assert_eq!(calls.count(), 1);

        let renamed = common::with_header(&signed, "x-delivery-id", "another-id");
        let reply = common::send(renamed).await;
        assert!(common::is_duplicate(&reply), "{}", reply.status);

        let (parts, _) = common::copy(&signed).into_parts();
        let tampered =
            http::Request::from_parts(parts, Bytes::from_static(b"{\"event_type\":\"x\"}"));
        assert_eq!(
            common::send(tampered).await.status,
            http::StatusCode::UNAUTHORIZED
        );

        let short = common::with_header(&signed, "x-signature-sha256", "AAAA");
        assert_eq!(
            common::send(short).await.status,
            http::StatusCode::BAD_REQUEST
        );
        assert_eq!(calls.count(), 1);
    }
}

/// Without the feature, a scheme using RSA is refused at configuration, saying which
/// feature it needs.
#[cfg(not(feature = "rsa"))]
#[test]
fn rsa_needs_its_feature() {
    use http::HeaderName;
    use tower_webhook::scheme::{Algorithm, SignatureScheme};
    let scheme = SignatureScheme::new("custom-rsa", HeaderName::from_static("x-sig"))
        .algorithm(Algorithm::RsaPkcs1v15Sha256);
    let error = tower_webhook::Verifier::new(scheme, "key").expect_err("no rsa feature");
    assert!(error.to_string().contains("`rsa` feature"), "{error}");
}
