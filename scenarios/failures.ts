// The failure user: bad input must get its documented 4xx, never a 5xx or a 2xx.
// Tasks and weights: lib/services/payment/failures.ts; budgets: thresholds/failures.ts.
//   k6 run dist/failures.js
import { unexpectedStatus } from '../lib/k6/metrics.ts';
import { BANKING_SERVICE } from '../lib/services/banking/service.ts';
import { PAYMENT_SERVICE } from '../lib/services/payment/service.ts';
import { defineScenario } from '../lib/k6/scenario.ts';
import { userContext } from '../lib/k6/context.ts';
import { failureUser } from '../lib/services/payment/failures.ts';
import { failuresBudget, failuresExtraThresholds } from '../thresholds/failures.ts';

const test = defineScenario({
  name: 'failures',
  budget: failuresBudget,
  classes: [{ userClass: failureUser(userContext()), share: 1, exec: 'failureUsers' }],
  targets: [PAYMENT_SERVICE, BANKING_SERVICE],
  thresholds: failuresExtraThresholds,
  zeroCounters: [unexpectedStatus],
});

export const options = test.options;
export const setup = test.setup;
export const failureUsers = test.runners.failureUsers;
export const handleSummary = test.handleSummary;
// `k6 run --vus N --iterations M` replaces the scenarios above with one that calls the default export.
export default test.runners.failureUsers;
