"""Payment mix for the peers benchmark (bench/peers/run.ts), written for this bench.

Same requests, weights and checks as the kit's payment scenario (lib/services/payment/): pay 70 (5% with the decline card, which must get 402 card_declined),
refund 10, status 15, merchant transactions 3, health 2; every answer's status and body shape
are checked. No think time. PaymentFast uses FastHttpUser, PaymentPlain uses HttpUser.

    locust -f bench/peers/locust/payment.py --headless --users 20 --spawn-rate 20 \
        --run-time 15s --host http://127.0.0.1:8000 PaymentFast
"""
import random
import time

from locust import FastHttpUser, HttpUser, constant

from common import AUTH, CARDS, DECLINE, JSON_AUTH, MERCHANTS, body_of

DECLINE_RATE = 0.05


def is_payment(b):
    return isinstance(b, dict) and isinstance(b.get("id"), str) and isinstance(b.get("amount"), int) \
        and isinstance(b.get("currency"), str)


class PaymentTasks:
    """Tasks shared by both client classes; self.client is either Locust HTTP client."""

    wait_time = constant(0)

    def on_start(self):
        self.mine = []  # this user's payments: refunds and lookups act on them
        self.seq = 0

    def pay(self):
        merchant_id, currency, amount = random.choice(MERCHANTS)
        declined = random.random() < DECLINE_RATE
        body = {"merchant_id": merchant_id, "amount": amount, "currency": currency,
                "card": DECLINE if declined else random.choice(CARDS),
                "customer_id": "cus_00000000", "description": "retail purchase"}
        self.seq += 1
        headers = dict(JSON_AUTH)
        headers["Idempotency-Key"] = f"{id(self)}-{time.time()}-{self.seq}"
        with self.client.post("/api/v1/payments", json=body, headers=headers, name="POST /api/v1/payments",
                              catch_response=True) as res:
            b = body_of(res)
            if declined:
                if res.status_code != 402:
                    res.failure(f"status {res.status_code}, want 402")
                elif not (isinstance(b, dict) and (b.get("error") or {}).get("code") == "card_declined"):
                    res.failure("body is not a card_declined error")
                else:
                    res.success()
                return None
            if res.status_code != 201:
                res.failure(f"status {res.status_code}, want 201")
                return None
            if not is_payment(b):
                res.failure("body is not a payment")
                return None
            res.success()
        self.mine.append(b)
        if len(self.mine) > 50:
            self.mine.pop(0)
        return b

    def own(self, refundable):
        pool = [p for p in self.mine if p["refunded_amount"] < p["amount"]] if refundable else self.mine
        return random.choice(pool) if pool else self.pay()

    def process_payment(self):
        self.pay()

    def refund_payment(self):
        p = self.own(True)
        if not p:
            return
        left = p["amount"] - p["refunded_amount"]
        amount = left if random.random() < 0.5 or left < 2 else max(1, int(left * random.random()))
        with self.client.post(f"/api/v1/payments/{p['id']}/refunds", json={"amount": amount}, headers=JSON_AUTH,
                              name="POST /api/v1/payments/{id}/refunds", catch_response=True) as res:
            b = body_of(res)
            if res.status_code != 201:
                res.failure(f"status {res.status_code}, want 201")
            elif not (isinstance(b, dict) and isinstance(b.get("id"), str)):
                res.failure("body has no id")
            else:
                res.success()
                p["refunded_amount"] += amount

    def transaction_status(self):
        p = self.own(False)
        if not p:
            return
        with self.client.get(f"/api/v1/payments/{p['id']}", headers=AUTH, name="GET /api/v1/payments/{id}",
                             catch_response=True) as res:
            b = body_of(res)
            if res.status_code != 200:
                res.failure(f"status {res.status_code}, want 200")
            elif not is_payment(b) or b["id"] != p["id"]:
                res.failure("body is not the requested payment")
            else:
                res.success()

    def merchant_transactions(self):
        merchant_id = random.choice(MERCHANTS)[0]
        with self.client.get(f"/api/v1/merchants/{merchant_id}/transactions?limit=20", headers=AUTH,
                             name="GET /api/v1/merchants/{id}/transactions", catch_response=True) as res:
            b = body_of(res)
            if res.status_code != 200:
                res.failure(f"status {res.status_code}, want 200")
            elif not (isinstance(b, dict) and isinstance(b.get("data"), list)):
                res.failure("body has no data array")
            else:
                res.success()

    def health_check(self):
        with self.client.get("/health", headers=AUTH, name="GET /health", catch_response=True) as res:
            b = body_of(res)
            if res.status_code != 200:
                res.failure(f"status {res.status_code}, want 200")
            elif not (isinstance(b, dict) and b.get("status") == "ok"):
                res.failure("body is not status ok")
            else:
                res.success()

    # Task weights of lib/services/payment/users.ts (tests/unit/mix-quotes.test.ts compares), as a list with each task repeated by its weight: Locust
    # collects neither a mixin's @task methods nor a base class's weight dict.
    tasks = [process_payment] * 70 + [refund_payment] * 10 + [transaction_status] * 15 \
        + [merchant_transactions] * 3 + [health_check] * 2


class PaymentFast(PaymentTasks, FastHttpUser):
    pass


class PaymentPlain(PaymentTasks, HttpUser):
    pass
