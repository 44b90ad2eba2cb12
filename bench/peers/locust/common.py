"""What both Locust mixes of the peers benchmark share: the sandbox's token, the merchants and cards
they pay with (the same ones as bench/efficiency/*-minimal.js), and a body reader that never raises.
Locust puts the locustfile's folder on sys.path, so the mixes import this as `common`.
"""

JSON_AUTH = {"Authorization": "Bearer sandbox-token", "Content-Type": "application/json"}
AUTH = {"Authorization": "Bearer sandbox-token"}
MERCHANTS = [("mer_00000000", "USD", 2500), ("mer_00000001", "INR", 250000),
             ("mer_00000002", "INR", 99000), ("mer_00000007", "GBP", 1800)]
CARDS = [
    {"number": "4426180054708415", "exp_month": 4, "exp_year": 2030, "cvv": "079"},
    {"number": "6493649925185824", "exp_month": 11, "exp_year": 2031, "cvv": "854"},
    {"number": "4425464822663230", "exp_month": 8, "exp_year": 2029, "cvv": "911"},
    {"number": "2720144434095460", "exp_month": 1, "exp_year": 2032, "cvv": "531"},
]


def body_of(res):
    try:
        return res.json()
    except Exception:
        return None
