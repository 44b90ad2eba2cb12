// The mixed workload: every user class at once against both services, as concurrent k6 scenarios
// with their own executors and shares of the load. Budgets: thresholds/mixed.ts.
import { unexpectedStatus } from '../lib/k6/metrics.ts';
import { BANKING_SERVICE } from '../lib/services/banking/service.ts';
import { PAYMENT_SERVICE } from '../lib/services/payment/service.ts';
import { defineScenario } from '../lib/k6/scenario.ts';
import { bankingUser } from '../lib/services/banking/users.ts';
import { userContext } from '../lib/k6/context.ts';
import { failureUser } from '../lib/services/payment/failures.ts';
import { businessUser, casualUser, powerUser } from '../lib/services/payment/personas.ts';
import { paymentUser } from '../lib/services/payment/users.ts';
import { mixedBudget, mixedExtraThresholds } from '../thresholds/mixed.ts';

const ctx = userContext();
const test = defineScenario({
  name: 'mixed',
  budget: mixedBudget,
  // Shares of VUs (closed profiles) or arrivals (open profiles): payment traffic dominates, as in production.
  classes: [
    { userClass: paymentUser(ctx), share: 0.4, exec: 'paymentUsers' },
    { userClass: bankingUser(ctx), share: 0.3, exec: 'bankingUsers' },
    { userClass: failureUser(ctx), share: 0.1, exec: 'failureUsers' },
    { userClass: casualUser(ctx), share: 0.1, exec: 'casualUsers' },
    { userClass: powerUser(ctx), share: 0.05, exec: 'powerUsers' },
    { userClass: businessUser(ctx), share: 0.05, exec: 'businessUsers' },
  ],
  targets: [PAYMENT_SERVICE, BANKING_SERVICE],
  thresholds: mixedExtraThresholds,
  zeroCounters: [unexpectedStatus],
});

export const options = test.options;
export const setup = test.setup;
export const paymentUsers = test.runners.paymentUsers;
export const bankingUsers = test.runners.bankingUsers;
export const failureUsers = test.runners.failureUsers;
export const casualUsers = test.runners.casualUsers;
export const powerUsers = test.runners.powerUsers;
export const businessUsers = test.runners.businessUsers;
export const handleSummary = test.handleSummary;
