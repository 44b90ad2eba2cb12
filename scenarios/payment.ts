// Payment-service users against the payment service. The user class (tasks and weights) is in
// lib/services/payment/users.ts, the budgets in thresholds/payment.ts, the load shape in lib/profiles.ts.
//   k6 run dist/payment.js                                  (sandbox on 127.0.0.1:8000)
//   PAYMENT_SERVICE_URL=https://pay.example AUTH_TOKEN=... PROFILE=load k6 run dist/payment.js
import { PAYMENT_SERVICE } from '../lib/services/payment/service.ts';
import { defineScenario } from '../lib/k6/scenario.ts';
import { userContext } from '../lib/k6/context.ts';
import { paymentUser } from '../lib/services/payment/users.ts';
import { paymentBudget } from '../thresholds/payment.ts';

const test = defineScenario({
  name: 'payment',
  budget: paymentBudget,
  classes: [{ userClass: paymentUser(userContext()), share: 1, exec: 'paymentUsers' }],
  targets: [PAYMENT_SERVICE],
});

export const options = test.options;
export const setup = test.setup;
export const paymentUsers = test.runners.paymentUsers;
export const handleSummary = test.handleSummary;
// `k6 run --vus N --iterations M` replaces the scenarios above with one that calls the default export.
export default test.runners.paymentUsers;
