// Banking-API users against the banking API. Tasks and weights: lib/services/banking/users.ts;
// budgets: thresholds/banking.ts; load shape: lib/profiles.ts.
//   k6 run dist/banking.js                                  (sandbox on 127.0.0.1:8001)
//   BANKING_API_URL=https://bank.example AUTH_TOKEN=... k6 run dist/banking.js
import { BANKING_SERVICE } from '../lib/services/banking/service.ts';
import { defineScenario } from '../lib/k6/scenario.ts';
import { bankingUser } from '../lib/services/banking/users.ts';
import { userContext } from '../lib/k6/context.ts';
import { bankingBudget } from '../thresholds/banking.ts';

const test = defineScenario({
  name: 'banking',
  budget: bankingBudget,
  classes: [{ userClass: bankingUser(userContext()), share: 1, exec: 'bankingUsers' }],
  targets: [BANKING_SERVICE],
});

export const options = test.options;
export const setup = test.setup;
export const bankingUsers = test.runners.bankingUsers;
export const handleSummary = test.handleSummary;
// `k6 run --vus N --iterations M` replaces the scenarios above with one that calls the default export.
export default test.runners.bankingUsers;
