// Business counters: what the target acknowledged, by type. The integrity checks compare these with
// the target's own counts after a run ("nothing acknowledged may be missing").
import { Counter } from 'k6/metrics';

export const acknowledged = {
  payments: new Counter('payments_created'),
  refunds: new Counter('refunds_created'),
  authorizations: new Counter('authorizations_created'),
  captures: new Counter('captures_created'),
  bankingRefunds: new Counter('banking_refunds_created'),
  users: new Counter('users_registered'),
};

export const cardsDeclined = new Counter('cards_declined');
/** A response whose status the contract does not allow for that request (a 5xx, or a 2xx to bad input). */
export const unexpectedStatus = new Counter('unexpected_status');

/** Retries of documented "come back later" answers (an endpoint's `retry` statuses), by endpoint name tag. */
export const retries = new Counter('http_req_retries');
