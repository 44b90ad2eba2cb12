// Realistic traffic: casual, power and business personas, each its own k6 scenario with its own
// share of the load and its own think time (THINK_TIME_SCALE speeds them all up or down).
// Personas: lib/services/payment/personas.ts; budgets: thresholds/realistic.ts.
import { BANKING_SERVICE } from '../lib/services/banking/service.ts';
import { PAYMENT_SERVICE } from '../lib/services/payment/service.ts';
import { defineScenario } from '../lib/k6/scenario.ts';
import { userContext } from '../lib/k6/context.ts';
import { businessUser, casualUser, PERSONA_SHARES, powerUser } from '../lib/services/payment/personas.ts';
import { realisticBudget } from '../thresholds/realistic.ts';

const ctx = userContext();
const test = defineScenario({
  name: 'realistic',
  budget: realisticBudget,
  classes: [
    { userClass: casualUser(ctx), share: PERSONA_SHARES.casual, exec: 'casualUsers' },
    { userClass: powerUser(ctx), share: PERSONA_SHARES.power, exec: 'powerUsers' },
    { userClass: businessUser(ctx), share: PERSONA_SHARES.business, exec: 'businessUsers' },
  ],
  targets: [PAYMENT_SERVICE, BANKING_SERVICE],
  // People pause whatever the arrival rate: personas keep their think time in open-model profiles too.
  alwaysThink: true,
});

export const options = test.options;
export const setup = test.setup;
export const casualUsers = test.runners.casualUsers;
export const powerUsers = test.runners.powerUsers;
export const businessUsers = test.runners.businessUsers;
export const handleSummary = test.handleSummary;
