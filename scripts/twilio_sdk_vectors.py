#!/usr/bin/env python3
"""Regenerates the Twilio vectors in tests/it/sdk_vectors.rs with twilio-python's own
RequestValidator (pip download --no-deps twilio; only request_validator.py is loaded,
which needs the standard library alone).

    python3 scripts/twilio_sdk_vectors.py
"""
import glob
import importlib.util
import subprocess
import sys
import tempfile
import zipfile

with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "twilio==9.13.0", "-d", tmp],
        check=True,
    )
    wheel = glob.glob(f"{tmp}/twilio-*.whl")[0]
    with zipfile.ZipFile(wheel) as z:
        z.extract("twilio/request_validator.py", tmp)
    spec = importlib.util.spec_from_file_location("rv", f"{tmp}/twilio/request_validator.py")
    rv = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rv)


class Multi(dict):
    """A form with repeated parameters, read as Flask's MultiDict is (getall)."""

    def __init__(self, pairs):
        super().__init__()
        self.pairs = pairs
        for name, _ in pairs:
            self[name] = None

    def getall(self, name):
        return [value for n, value in self.pairs if n == name]


url = "https://hooks.example.com/twilio/sms?account=1"
form = {"MessageSid": "SM123", "Body": "Hello world", "From": "+14155550100", "To": "+14155550199"}
shared = rv.RequestValidator("shared key secret")
print("HMAC_SHA256 (SharedKey):", shared.compute_signature(url, form, "HMAC_SHA256"))
print("HMAC_SHA1 (same key):", shared.compute_signature(url, form))
repeated = [
    ("To", "+1555"),
    ("MediaUrl", "https://a.example/x"),
    ("MediaUrl", "https://a.example/x"),
    ("MediaUrl", "https://a.example/y"),
]
token = rv.RequestValidator("old auth token")
print(
    "repeated parameters:",
    token.compute_signature("https://hooks.example.com/twilio/sms", Multi(repeated)),
)
