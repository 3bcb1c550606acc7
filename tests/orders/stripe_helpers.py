"""Talking to Stripe's side in tests: localstripe read back through the project's own client,
webhook payloads shaped and signed as Stripe sends them, and a stand-in Stripe at the HTTP
boundary: a stub for what localstripe lacks (Connect transfers), or a proxy in front of it."""

import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlencode
from urllib.request import Request, urlopen

from django.conf import settings

from orders import stripe_gateway

WEBHOOK_URL = "/api/v1/stripe/webhook/"
STRIPE_API_VERSION = "2025-09-30.clover"


def stripe_intent(intent_id: str):
    """The PaymentIntent as localstripe holds it now: the real state, not our copy of it."""
    return stripe_gateway.client().v1.payment_intents.retrieve(intent_id)


def stripe_refunds(intent_id: str) -> list:
    return list(stripe_gateway.client().v1.refunds.list(params={"payment_intent": intent_id}).data)


def intent_event(intent_id: str, *, type: str, status: str, metadata=None, event_id=None) -> str:
    """A `payment_intent.*` event as Stripe posts it, carrying its (possibly stale) intent."""
    return json.dumps(
        {
            "id": event_id or f"evt_{secrets.token_hex(12)}",
            "object": "event",
            "type": type,
            "data": {
                "object": {
                    "id": intent_id,
                    "object": "payment_intent",
                    "status": status,
                    "metadata": metadata or {},
                }
            },
            "created": int(time.time()),
            "livemode": False,
            "api_version": STRIPE_API_VERSION,
        }
    )


def signature_for(payload: str, *, secret: str | None = None, timestamp: int | None = None) -> str:
    """The Stripe-Signature header by Stripe's documented scheme (stripe 13 no longer has a
    helper): `t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<payload>" under the endpoint secret>`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    secret = settings.STRIPE_WEBHOOK_SECRET if secret is None else secret
    signed = f"{timestamp}.{payload}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def deliver(client, payload: str, *, signature: str | None = None):
    """POST one event to the webhook endpoint, signed correctly unless `signature` is given."""
    return client.post(
        WEBHOOK_URL,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature_for(payload) if signature is None else signature,
    )


@dataclass
class StubRequest:
    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]


FORWARDED_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "Stripe-Version")


@dataclass
class StripeStub:
    """A stand-in Stripe API on a free local port that records each request.

    It answers `reply_status` and `reply_body`; or, given an `upstream` (localstripe), passes
    each request on, after `rewrite` has had its say over the form, and returns the answer.
    """

    reply_status: int = 200
    reply_body: dict = field(default_factory=dict)
    upstream: str = ""
    rewrite: Callable[[StubRequest], dict] | None = None
    requests: list[StubRequest] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, request: StubRequest) -> tuple[int, bytes]:
        if not self.upstream:
            return self.reply_status, json.dumps(self.reply_body).encode()
        form = self.rewrite(request) if self.rewrite else request.form
        passed_on = Request(
            self.upstream + request.path,
            data=urlencode(form).encode() if request.method == "POST" else None,
            headers={k: v for k, v in request.headers.items() if k in FORWARDED_HEADERS},
            method=request.method,
        )
        try:
            with urlopen(passed_on, timeout=10) as response:
                return response.status, response.read()
        except HTTPError as error:
            return error.code, error.read()

    def start(self) -> "StripeStub":
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.serve("GET")

            def do_POST(self):
                self.serve("POST")

            def serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
                request = StubRequest(method, self.path, dict(self.headers.items()), form)
                stub.requests.append(request)
                status, answer = stub.answer(request)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.send_header("Request-Id", "req_stub")
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def sent_refunds(intent_id: str) -> list:
    """The refunds localstripe holds for an intent, once every recorded refund is sent: tests
    with a broker (`make test`) queue the sending task instead of running it, so the sweep,
    which sends whatever is unsent, stands in for the worker."""
    from orders.services.sweeps import orders_sweep

    orders_sweep()
    return stripe_refunds(intent_id)
