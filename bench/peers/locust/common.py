"""What both Locust mixes of the peers benchmark share: the sandbox's token, the merchants and cards
they pay with (bench/fixtures.json, read by every bench load generator), and a body reader that
never raises.
Locust puts the locustfile's folder on sys.path, so the mixes import this as `common`.
"""
import json
from pathlib import Path

JSON_AUTH = {"Authorization": "Bearer sandbox-token", "Content-Type": "application/json"}
AUTH = {"Authorization": "Bearer sandbox-token"}
_FIXTURES = json.loads((Path(__file__).resolve().parents[2] / "fixtures.json").read_text())
MERCHANTS = [tuple(m) for m in _FIXTURES["merchants"]]
CARDS = _FIXTURES["cards"]
DECLINE = _FIXTURES["decline"]


def body_of(res):
    try:
        return res.json()
    except Exception:
        return None
