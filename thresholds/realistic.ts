// Budgets for the realistic personas: the endpoints the personas use, at the payment and banking budgets.
import { endpointBudgets, endpointName } from '../lib/endpoints.ts';
import { BANKING_API } from '../lib/services/banking/service.ts';
import { PAYMENT_API } from '../lib/services/payment/service.ts';
import type { EndpointBudget, ScenarioBudget } from '../lib/budgets.ts';
import { LOOKUP, REPORT, WRITE } from './defaults.ts';
import { paymentBudget, paymentEndpoints } from './payment.ts';

const endpoints = {
  ...paymentEndpoints,
  ...endpointBudgets(BANKING_API, { authorize: WRITE, transaction: LOOKUP, settlements: REPORT }),
};

// In a smoke run (3 VUs, 20 s, human think time) the power and business personas get one VU or none
// and act every few seconds: refunds, merchant and settlement reports and authorizations may get no
// request at all. There they are optional (reported "no data", not failed); every heavier profile,
// and the casual persona's endpoints in smoke too, must have traffic for the gate to pass.
const casual = new Set([PAYMENT_API.createPayment, PAYMENT_API.getPayment, PAYMENT_API.health].map(endpointName));
const smokeEndpoints: Record<string, EndpointBudget> = Object.fromEntries(
  Object.entries(endpoints).map(([name, b]) => [name, casual.has(name) ? b : { ...b, optional: true }]),
);

export const realisticBudget: ScenarioBudget = {
  ...paymentBudget,
  endpoints,
  profiles: { ...paymentBudget.profiles, smoke: { ...paymentBudget.profiles?.smoke, endpoints: smokeEndpoints } },
};
