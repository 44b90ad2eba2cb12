"""Banking mix for the peers benchmark (bench/peers/run.ts), written for this bench.

Same requests, weights and checks as the kit's banking scenario (lib/services/banking/): authorize 40, capture 25, refund 15, status 10, settlement report 5,
health 3, batch of five authorizations 2; every answer's status and body shape are checked.
No think time. BankingFast uses FastHttpUser, BankingPlain uses HttpUser.

    locust -f bench/peers/locust/banking.py --headless --users 20 --spawn-rate 20 \
        --run-time 15s --host http://127.0.0.1:8001 BankingFast
"""
import datetime
import random

from locust import FastHttpUser, HttpUser, constant

from common import AUTH, CARDS, JSON_AUTH, MERCHANTS, body_of



def is_authorization(b, status):
    return isinstance(b, dict) and isinstance(b.get("id"), str) and isinstance(b.get("amount"), int) \
        and isinstance(b.get("captured_amount"), int) and b.get("status") == status


def auth_body():
    merchant_id, currency, amount = random.choice(MERCHANTS)
    return {"merchant_id": merchant_id, "amount": amount, "currency": currency, "card": random.choice(CARDS)}


def keep(items, item, most):
    items.append(item)
    if len(items) > most:
        items.pop(0)


def judge(res, want, ok, what):
    """Marks the response failed unless its status is `want` and ok(body); returns the body when it passed."""
    b = body_of(res)
    if res.status_code != want:
        res.failure(f"status {res.status_code}, want {want}")
        return None
    if not ok(b):
        res.failure(f"body is not {what}")
        return None
    res.success()
    return b


class BankingTasks:
    """Tasks shared by both client classes; self.client is either Locust HTTP client."""

    wait_time = constant(0)

    def on_start(self):
        self.open = []  # authorized, not captured
        self.captured = []  # captured, refundable
        self.known = []  # transaction ids for lookups

    def authorize(self):
        with self.client.post("/api/v1/authorizations", json=auth_body(), headers=JSON_AUTH,
                              name="POST /api/v1/authorizations", catch_response=True) as res:
            a = judge(res, 201, lambda b: is_authorization(b, "authorized"), "an authorization")
        if a:
            keep(self.open, a, 50)
            keep(self.known, a["id"], 100)
        return a

    def capture(self):
        if self.open:
            a = self.open.pop(0)
        else:
            a = self.authorize()
            if not a:
                return None
            self.open.pop()
        body = {} if random.random() < 0.8 or a["amount"] < 2 else \
            {"amount": max(1, int(a["amount"] * (0.5 + random.random() / 2)))}
        with self.client.post(f"/api/v1/authorizations/{a['id']}/capture", json=body, headers=JSON_AUTH,
                              name="POST /api/v1/authorizations/{id}/capture", catch_response=True) as res:
            c = judge(res, 200, lambda b: is_authorization(b, "captured"), "a capture")
        if c:
            keep(self.captured, c, 50)
        return c

    def refund(self):
        pool = [c for c in self.captured if c["refunded_amount"] < c["captured_amount"]]
        c = random.choice(pool) if pool else self.capture()
        if not c:
            return
        left = c["captured_amount"] - c["refunded_amount"]
        amount = left if random.random() < 0.5 or left < 2 else max(1, int(left * random.random()))
        with self.client.post("/api/v1/refunds", json={"transaction_id": c["id"], "amount": amount},
                              headers=JSON_AUTH, name="POST /api/v1/refunds", catch_response=True) as res:
            r = judge(res, 201, lambda b: isinstance(b, dict) and isinstance(b.get("id"), str), "a refund")
        if r:
            c["refunded_amount"] += amount
            keep(self.known, r["id"], 100)

    def transaction_status(self):
        if self.known:
            tid = random.choice(self.known)
        else:
            a = self.authorize()
            tid = a["id"] if a else None
        if not tid:
            return
        with self.client.get(f"/api/v1/transactions/{tid}", headers=AUTH, name="GET /api/v1/transactions/{id}",
                             catch_response=True) as res:
            judge(res, 200, lambda b: isinstance(b, dict) and b.get("id") == tid, "the requested transaction")

    def settlement_report(self):
        today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        with self.client.get(f"/api/v1/settlements?date={today}", headers=AUTH, name="GET /api/v1/settlements",
                             catch_response=True) as res:
            judge(res, 200, lambda b: isinstance(b, dict) and isinstance(b.get("currency_totals"), list),
                  "a settlement report")

    def health_check(self):
        with self.client.get("/health", headers=AUTH, name="GET /health", catch_response=True) as res:
            judge(res, 200, lambda b: isinstance(b, dict) and b.get("status") == "ok", "status ok")

    def batch(self):
        operations = [{"type": "authorize", "body": auth_body()} for _ in range(5)]
        with self.client.post("/api/v1/batch", json={"operations": operations}, headers=JSON_AUTH,
                              name="POST /api/v1/batch", catch_response=True) as res:
            b = judge(res, 200, lambda b: isinstance(b, dict) and isinstance(b.get("results"), list)
                      and len(b["results"]) == len(operations), "a result per operation")
        for x in (b or {}).get("results", []):
            if x.get("status") == 201:
                keep(self.open, x["body"], 50)
                keep(self.known, x["body"]["id"], 100)

    # Task weights of lib/services/banking/users.ts (tests/unit/mix-quotes.test.ts compares), as a list with each task repeated by its weight: Locust
    # collects neither a mixin's @task methods nor a base class's weight dict.
    tasks = [authorize] * 40 + [capture] * 25 + [refund] * 15 + [transaction_status] * 10 \
        + [settlement_report] * 5 + [health_check] * 3 + [batch] * 2


class BankingFast(BankingTasks, FastHttpUser):
    pass


class BankingPlain(BankingTasks, HttpUser):
    pass
