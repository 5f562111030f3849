"""A stand-in for the shop's identity provider: a real HTTP server on 127.0.0.1 publishing a discovery document and
a JWKS (which the test rotates), counting how often each is fetched, and signing tokens with keys made here."""
import json
import threading
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

AUDIENCE = "customer-platform"
JWKS_PATH = "/protocol/openid-connect/certs"


@lru_cache(maxsize=None)
def _private_key(kind: str, number: int):
    """Made once per test run: RSA key generation is slow enough to matter across many tests."""
    if kind == "RSA":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


@dataclass
class SigningKey:
    kid: str
    algorithm: str  # RS256 or ES256
    private: object

    @property
    def public_jwk(self) -> dict:
        to_jwk = RSAAlgorithm.to_jwk if self.algorithm == "RS256" else ECAlgorithm.to_jwk
        return {**to_jwk(self.private.public_key(), as_dict=True), "kid": self.kid, "use": "sig",
                "alg": self.algorithm}


class FakeIdentityProvider:
    def __init__(self):
        self.published: list[SigningKey] = []
        self.jwks_fetches = 0
        self.discovery_fetches = 0
        self._made = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/realms/shop/.well-known/openid-configuration":
                    provider.discovery_fetches += 1
                    body = {"issuer": provider.issuer, "jwks_uri": provider.jwks_url}
                elif self.path == "/realms/shop" + JWKS_PATH:
                    provider.jwks_fetches += 1
                    body = {"keys": [key.public_jwk for key in provider.published]}
                else:
                    self.send_error(404)
                    return
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}/realms/shop"
        self.jwks_url = self.issuer + JWKS_PATH
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def new_key(self, algorithm: str = "RS256", *, publish: bool = True) -> SigningKey:
        self._made += 1
        key = SigningKey(kid=f"key-{self._made}-{uuid.uuid4().hex[:6]}", algorithm=algorithm,
                         private=_private_key("RSA" if algorithm == "RS256" else "EC", self._made))
        if publish:
            self.published.append(key)
        return key

    def publish(self, key: SigningKey) -> None:
        self.published.append(key)

    def withdraw(self, key: SigningKey) -> None:
        self.published.remove(key)

    def claims(self, **overrides) -> dict:
        """A staff member's access token claims; an override of None leaves that claim out."""
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": AUDIENCE, "sub": "f3b1c2d4-ana", "iat": now, "exp": now + 300,
                  "name": "Ana Lima", "preferred_username": "ana", "email": "ana@shop.example",
                  "groups": ["marketing", "everyone"]}
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def token(self, key: SigningKey, *, kid: str | None = None, **overrides) -> str:
        return jwt.encode(self.claims(**overrides), key.private, algorithm=key.algorithm,
                          headers={"kid": kid or key.kid})
