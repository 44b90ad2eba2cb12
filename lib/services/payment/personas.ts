// Realistic traffic (the Locust suite's RealisticTrafficUser): three personas with their own pace
// and habits. Each runs as its own k6 scenario with its own share of the traffic (scenarios/realistic.ts).
// Their own service is the payment service; a business user's banking calls go through ctx.as(BANKING_SERVICE).
import { defineTasks } from '../../tasks.ts';
import { BANKING_SERVICE } from '../banking/service.ts';
import { authorize, settlementReport, transactionStatus, type BankingState } from '../banking/users.ts';
import { defineUserClass, type ScriptContext } from '../user-class.ts';
import { pickMerchant } from '../../vu-pools.ts';
import { PAYMENT_SERVICE } from './service.ts';
import { paymentStatus, processPayment, refundPayment, type PaymentState } from './users.ts';

type PersonaState = PaymentState & BankingState;

/** A merchant's report: a longer page than the payment user's dashboard look. */
const MERCHANT_REPORT = { limit: 100 };

function newPersonaState(rng: PersonaState['rng'], runId: string): PersonaState {
  return { rng, runId, payments: [], open: [], captured: [], known: [] };
}

function scaled(ctx: ScriptContext, minMs: number, maxMs: number) {
  const k = ctx.config.thinkTimeScale;
  return { minMs: minMs * k, maxMs: maxMs * k };
}

/** Casual users: a purchase now and then, a look at its status, long pauses between. */
export const casualUser = defineUserClass(PAYMENT_SERVICE, (ctx) => ({
  name: 'casual',
  thinkTime: scaled(ctx, 3000, 8000),
  newState: (rng, run) => newPersonaState(rng, run.runId),
  tasks: defineTasks<PersonaState>([
    { name: 'pay', weight: 60, run: (s) => void processPayment(ctx, s) },
    { name: 'check_status', weight: 35, run: (s) => paymentStatus(ctx, s) },
    { name: 'health_check', weight: 5, run: () => void ctx.client.call('health') },
  ]),
}));

/** Power users: frequent payments, polling their status until settled, the odd refund. */
export const powerUser = defineUserClass(PAYMENT_SERVICE, (ctx) => {
  const pollGapS = 0.2 * ctx.config.thinkTimeScale;
  return {
    name: 'power',
    thinkTime: scaled(ctx, 500, 2000),
    newState: (rng, run) => newPersonaState(rng, run.runId),
    tasks: defineTasks<PersonaState>([
      { name: 'pay', weight: 50, run: (s) => void processPayment(ctx, s) },
      {
        name: 'poll_status',
        weight: 35,
        run: (s) => {
          for (let i = 0; i < 3; i++) {
            paymentStatus(ctx, s);
            if (pollGapS > 0) ctx.sleep(pollGapS);
          }
        },
      },
      { name: 'refund', weight: 15, run: (s) => refundPayment(ctx, s) },
    ]),
  };
});

/** Business users: merchant reports, settlement reports and transaction monitoring. */
export const businessUser = defineUserClass(PAYMENT_SERVICE, (ctx) => {
  const bank = ctx.as(BANKING_SERVICE);
  return {
    name: 'business',
    thinkTime: scaled(ctx, 2000, 5000),
    newState: (rng, run) => newPersonaState(rng, run.runId),
    tasks: defineTasks<PersonaState>([
      {
        name: 'merchant_report',
        weight: 40,
        run: (s) => void ctx.client.call('merchantTransactions', { params: { merchantId: pickMerchant(ctx, s.rng).id }, query: MERCHANT_REPORT }),
      },
      { name: 'settlement_report', weight: 30, run: () => settlementReport(bank) },
      {
        name: 'monitor_transactions',
        weight: 30,
        run: (s) => {
          // A business authorizes a sale now and then and keeps an eye on its transactions.
          if (s.known.length === 0 || s.rng() < 0.3) authorize(bank, s);
          transactionStatus(bank, s);
        },
      },
    ]),
  };
});

/** Shares of the realistic mix: most traffic is casual, a quarter power users, the rest businesses. */
export const PERSONA_SHARES = { casual: 0.6, power: 0.25, business: 0.15 } as const;
