//! Twilio's signed URL with the characters its back end percent-encodes: a request whose
//! query holds `'` verifies when Twilio signed the `%27` form, as the official SDK
//! (twilio-node's `validateRequest`) accepts it. The signatures were computed
//! independently with Python's hmac module: HMAC-SHA1 keyed with the auth token `12345`
//! over the URL, then each POST parameter sorted by name, as name then value, base64.

use bytes::Bytes;
use tower_webhook::{providers, RejectionKind, Verifier};

const FORM: &[u8] = b"ToState=Trezzo+Sull%27Adda&CallSid=CA1234567890ABCDE&From=%2B14158675309";

fn verifier(base: &str) -> Verifier {
    Verifier::new(providers::twilio().public_url(base), "12345").expect("token")
}

fn form(uri: &str, signature: &str, body: &'static [u8]) -> http::Request<Bytes> {
    http::Request::post(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", signature)
        .body(Bytes::from_static(body))
        .expect("valid request")
}

#[test]
fn a_quote_in_the_query_verifies_against_the_percent_encoded_url_twilio_signed() {
    // Signed over `https://mycompany.com/voice?city=Trezzo%20Sull%27Adda&n=1`.
    let signed_encoded = "bVS+hIZ9CUbh+cZnFUQP2gfmres=";
    let verifier = verifier("https://mycompany.com");
    let request = form("/voice?city=Trezzo%20Sull'Adda&n=1", signed_encoded, FORM);
    let delivery = verifier.verify(&request).expect("the %27 form verifies");
    assert_eq!(delivery.provider(), "twilio");
    // As received, of course, too.
    let request = form("/voice?city=Trezzo%20Sull%27Adda&n=1", signed_encoded, FORM);
    verifier.verify(&request).expect("as received verifies");
    // And the raw form still verifies when that is what was signed.
    let request = form(
        "/voice?city=Trezzo%20Sull'Adda&n=1",
        "E0hQZznBog81MLrX/98bGk7RxHA=",
        FORM,
    );
    verifier.verify(&request).expect("the raw form verifies");
}

#[test]
fn the_percent_encoded_url_is_tried_with_and_without_the_port() {
    // Signed over `https://mycompany.com:443/voice?city=Trezzo%20Sull%27Adda&n=1`.
    let signed_with_port = "aRhn1ow8+05LW3SoOUsBtaycUDs=";
    let request = || form("/voice?city=Trezzo%20Sull'Adda&n=1", signed_with_port, FORM);
    verifier("https://mycompany.com")
        .verify(&request())
        .expect("the default port added");
    // Signed without the port, configured with it.
    let request = form(
        "/voice?city=Trezzo%20Sull'Adda&n=1",
        "bVS+hIZ9CUbh+cZnFUQP2gfmres=",
        FORM,
    );
    verifier("https://mycompany.com:443")
        .verify(&request)
        .expect("the port removed");
}

#[test]
fn a_json_post_with_a_quote_in_the_query_verifies_against_the_encoded_url() {
    let body: &'static [u8] = br#"{"property": "value", "boolean": true}"#;
    let uri = "/status?note=it's&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    let request = |body: &'static [u8]| {
        http::Request::post(uri)
            .header("content-type", "application/json")
            .header("x-twilio-signature", "GW4J6bFzsTH6e3K3hAMQlXAwPUE=")
            .body(Bytes::from_static(body))
            .expect("valid request")
    };
    let verifier = verifier("https://mycompany.com");
    verifier.verify(&request(body)).expect("verifies");
    assert_eq!(
        verifier
            .verify(&request(br#"{"property": "value", "boolean": false}"#))
            .unwrap_err()
            .kind(),
        RejectionKind::SignatureMismatch
    );
}

#[test]
fn non_ascii_in_the_path_and_query_verifies_against_the_encoded_url() {
    // Signed over `https://mycompany.com/caf%C3%A9?q=%C3%A9t%C3%A9`, no parameters.
    let request = http::Request::post("/café?q=été")
        .header("x-twilio-signature", "yBlp271u1gk47UX+stM/MuqeO9M=")
        .body(Bytes::new())
        .expect("valid request");
    verifier("https://mycompany.com")
        .verify(&request)
        .expect("verifies");
}

#[test]
fn tampered_requests_with_a_quote_in_the_query_are_refused() {
    let signed_encoded = "bVS+hIZ9CUbh+cZnFUQP2gfmres=";
    let verifier = verifier("https://mycompany.com");
    let tampered = [
        // Another query value.
        form("/voice?city=Trezzo%20Sull'Adde&n=1", signed_encoded, FORM),
        // Another parameter in the query.
        form("/voice?city=Trezzo%20Sull'Adda&n=2", signed_encoded, FORM),
        // Another path.
        form("/voice2?city=Trezzo%20Sull'Adda&n=1", signed_encoded, FORM),
        // Another form parameter.
        form(
            "/voice?city=Trezzo%20Sull'Adda&n=1",
            signed_encoded,
            b"ToState=Trezzo+Sull%27Adda&CallSid=CA1234567890ABCDF&From=%2B14158675309",
        ),
        // A signature made for another request.
        form(
            "/voice?city=Trezzo%20Sull'Adda&n=1",
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
            FORM,
        ),
    ];
    for request in tampered {
        assert_eq!(
            verifier.verify(&request).unwrap_err().kind(),
            RejectionKind::SignatureMismatch,
            "{}",
            request.uri()
        );
    }
}
