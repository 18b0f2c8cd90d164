"""A small fake of the Stripe API on 127.0.0.1, for the calls billing makes.

It speaks the library's wire format (form-encoded nested parameters in, JSON out),
replays a POST with an Idempotency-Key it has seen (as Stripe does), records every
request with its headers, and lets tests move objects the way Stripe would
(complete a checkout, renew, cancel) and inject failures.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

MONTH = 30 * 86400
YEAR = 365 * 86400


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")


def _listify(value: Any) -> Any:
    if isinstance(value, dict):
        value = {k: _listify(v) for k, v in value.items()}
        if value and all(k.isdigit() for k in value):
            return [value[k] for k in sorted(value, key=int)]
    return value


def decode_params(body: str) -> dict[str, Any]:
    """Turn `a[b][0][c]=1` pairs into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(root)


@dataclass
class FakeStripe:
    requests: list[Recorded] = field(default_factory=list)
    customers: dict[str, dict] = field(default_factory=dict)
    sessions: dict[str, dict] = field(default_factory=dict)
    subscriptions: dict[str, dict] = field(default_factory=dict)
    invoices: dict[str, dict] = field(default_factory=dict)
    # (method, path prefix) → statuses to answer with, one per matching request
    failures: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    _replays: dict[tuple[str, str, str], tuple[int, dict]] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------ life

    def start(self) -> FakeStripe:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def do_DELETE(self) -> None:
                fake._handle(self, "DELETE")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ------------------------------------------------------------ test helpers

    def calls(self, method: str, prefix: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def fail(self, method: str, prefix: str, status: int = 500, times: int = 1) -> None:
        self.failures[(method, prefix)] = [status] * times

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):06d}"

    def session_for_payment(self, payment_id: int) -> dict:
        return next(
            s for s in self.sessions.values() if s["metadata"].get("payment_id") == str(payment_id)
        )

    def complete_session(self, session_id: str, *, paid: bool = True) -> dict:
        """Do what Stripe does when the buyer pays: the session completes, and for a
        subscription a subscription and its first invoice appear."""
        session = self.sessions[session_id]
        session["status"] = "complete"
        session["payment_status"] = "paid" if paid else "unpaid"
        if session["mode"] == "subscription":
            line = session["_params"]["line_items"][0]["price_data"]
            interval = line["recurring"]["interval"]
            now = int(time.time())
            sub_id = self.new_id("sub")
            metadata = dict(session["_params"].get("subscription_data", {}).get("metadata", {}))
            self.subscriptions[sub_id] = {
                "id": sub_id,
                "object": "subscription",
                "customer": session["customer"],
                "status": "active" if paid else "incomplete",
                "cancel_at_period_end": False,
                "canceled_at": None,
                "ended_at": None,
                "metadata": metadata,
                "items": {
                    "object": "list",
                    "data": [
                        {
                            "id": self.new_id("si"),
                            "object": "subscription_item",
                            "current_period_start": now,
                            "current_period_end": now + (MONTH if interval == "month" else YEAR),
                            "price": {
                                "unit_amount": int(line["unit_amount"]),
                                "currency": line["currency"],
                            },
                        }
                    ],
                },
            }
            invoice = self._invoice(sub_id, "subscription_create", paid=paid)
            session["subscription"] = sub_id
            session["invoice"] = invoice["id"]
        else:
            session["payment_intent"] = self.new_id("pi")
        return session

    def _invoice(self, sub_id: str, reason: str, *, paid: bool) -> dict:
        sub = self.subscriptions[sub_id]
        amount = sub["items"]["data"][0]["price"]["unit_amount"]
        invoice = {
            "id": self.new_id("in"),
            "object": "invoice",
            "customer": sub["customer"],
            "billing_reason": reason,
            "status": "paid" if paid else "open",
            "currency": "vnd",
            "amount_due": amount,
            "amount_paid": amount if paid else 0,
            "parent": {
                "type": "subscription_details",
                "subscription_details": {
                    "subscription": sub_id,
                    "metadata": dict(sub["metadata"]),
                },
            },
        }
        self.invoices[invoice["id"]] = invoice
        return invoice

    def renew(self, sub_id: str, *, paid: bool = True) -> dict:
        """Start the next period: a `subscription_cycle` invoice, paid or not."""
        sub = self.subscriptions[sub_id]
        item = sub["items"]["data"][0]
        length = item["current_period_end"] - item["current_period_start"]
        item["current_period_start"] = item["current_period_end"]
        item["current_period_end"] += length
        sub["status"] = "active" if paid else "past_due"
        return self._invoice(sub_id, "subscription_cycle", paid=paid)

    def cancel_now(self, sub_id: str) -> dict:
        sub = self.subscriptions[sub_id]
        now = int(time.time())
        sub.update(status="canceled", canceled_at=now, ended_at=now)
        return sub

    # ------------------------------------------------------------ the wire

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode("utf-8") if length else ""
        params = decode_params(body if method == "POST" else parts.query)
        headers = {k.lower(): v for k, v in handler.headers.items()}
        record = Recorded(method, parts.path, params, headers)
        with self._lock:
            self.requests.append(record)
            status, payload = self._answer(record)
        data = json.dumps(payload).encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Request-Id", f"req_{next(self._ids)}")
        handler.end_headers()
        handler.wfile.write(data)

    def _answer(self, r: Recorded) -> tuple[int, dict]:
        for (method, prefix), statuses in self.failures.items():
            if method == r.method and r.path.startswith(prefix) and statuses:
                status = statuses.pop(0)
                return status, {"error": {"type": "api_error", "message": "fake failure"}}
        replay_key = (r.method, r.path, r.idempotency_key or "")
        if r.method == "POST" and r.idempotency_key and replay_key in self._replays:
            return self._replays[replay_key]
        result = self._route(r)
        if r.method == "POST" and r.idempotency_key and result[0] < 500:
            self._replays[replay_key] = result
        return result

    def _route(self, r: Recorded) -> tuple[int, dict]:
        path = r.path
        if r.method == "POST" and path == "/v1/customers":
            customer = {
                "id": self.new_id("cus"),
                "object": "customer",
                "name": r.params.get("name"),
                "email": r.params.get("email"),
                "metadata": r.params.get("metadata", {}),
            }
            self.customers[customer["id"]] = customer
            return 200, customer
        if r.method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._public(self._create_session(r.params))
        m = re.fullmatch(r"/v1/checkout/sessions/([^/]+)", path)
        if m and r.method == "GET":
            session = self.sessions.get(m.group(1))
            return (200, self._public(session)) if session else self._missing(m.group(1))
        m = re.fullmatch(r"/v1/subscriptions/([^/]+)", path)
        if m:
            sub = self.subscriptions.get(m.group(1))
            if sub is None:
                return self._missing(m.group(1))
            if r.method == "POST" and "cancel_at_period_end" in r.params:
                sub["cancel_at_period_end"] = r.params["cancel_at_period_end"] == "true"
            return 200, sub
        m = re.fullmatch(r"/v1/invoices/([^/]+)", path)
        if m and r.method == "GET":
            invoice = self.invoices.get(m.group(1))
            return (200, invoice) if invoice else self._missing(m.group(1))
        return 404, {"error": {"type": "invalid_request_error", "message": f"no route {path}"}}

    def _create_session(self, params: dict[str, Any]) -> dict:
        session_id = self.new_id("cs")
        line = params["line_items"][0]
        amount = int(line["price_data"]["unit_amount"]) * int(line.get("quantity", 1))
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params["mode"],
            "status": "open",
            "payment_status": "unpaid",
            "customer": params.get("customer"),
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata", {}),
            "currency": line["price_data"]["currency"],
            "amount_total": amount,
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "subscription": None,
            "invoice": None,
            "payment_intent": None,
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "_params": params,
        }
        self.sessions[session_id] = session
        return session

    @staticmethod
    def _public(session: dict) -> dict:
        return {k: v for k, v in session.items() if not k.startswith("_")}

    @staticmethod
    def _missing(object_id: str) -> tuple[int, dict]:
        return 404, {
            "error": {
                "type": "invalid_request_error",
                "code": "resource_missing",
                "message": f"No such object: '{object_id}'",
            }
        }
