// Realistic traffic (the Locust suite's RealisticTrafficUser): three personas with their own pace
// and habits. Each runs as its own k6 scenario with its own share of the traffic (scenarios/realistic.ts).
import { sleep } from 'k6';
import { defineTasks } from '../tasks.ts';
import { authorize, settlementReport, transactionStatus, type BankingState } from './banking.ts';
import { type UserClass, type UserContext } from './context.ts';
import { pickMerchant } from '../vu-pools.ts';
import { paymentStatus, processPayment, refundPayment, type PaymentState } from './payment.ts';

type PersonaState = PaymentState & BankingState;

function newPersonaState(rng: PersonaState['rng'], runId: string): PersonaState {
  return { rng, runId, payments: [], open: [], captured: [], known: [] };
}

function scaled(ctx: UserContext, minMs: number, maxMs: number) {
  const k = ctx.config.thinkTimeScale;
  return { minMs: minMs * k, maxMs: maxMs * k };
}

/** Casual users: a purchase now and then, a look at its status, long pauses between. */
export function casualUser(ctx: UserContext): UserClass<PersonaState> {
  return {
    name: 'casual',
    thinkTime: scaled(ctx, 3000, 8000),
    newState: (rng, run) => newPersonaState(rng, run.runId),
    tasks: defineTasks<PersonaState>([
      { name: 'pay', weight: 60, run: (s) => void processPayment(ctx, s) },
      { name: 'check_status', weight: 35, run: (s) => paymentStatus(ctx, s) },
      { name: 'health_check', weight: 5, run: () => void ctx.payment.health() },
    ]),
  };
}

/** Power users: frequent payments, polling their status until settled, the odd refund. */
export function powerUser(ctx: UserContext): UserClass<PersonaState> {
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
            if (pollGapS > 0) sleep(pollGapS);
          }
        },
      },
      { name: 'refund', weight: 15, run: (s) => refundPayment(ctx, s) },
    ]),
  };
}

/** Business users: merchant reports, settlement reports and transaction monitoring. */
export function businessUser(ctx: UserContext): UserClass<PersonaState> {
  return {
    name: 'business',
    thinkTime: scaled(ctx, 2000, 5000),
    newState: (rng, run) => newPersonaState(rng, run.runId),
    tasks: defineTasks<PersonaState>([
      {
        name: 'merchant_report',
        weight: 40,
        run: (s) => void ctx.payment.merchantTransactions(pickMerchant(ctx, s.rng).id, 100),
      },
      { name: 'settlement_report', weight: 30, run: () => settlementReport(ctx) },
      {
        name: 'monitor_transactions',
        weight: 30,
        run: (s) => {
          // A business authorizes a sale now and then and keeps an eye on its transactions.
          if (s.known.length === 0 || s.rng() < 0.3) authorize(ctx, s);
          transactionStatus(ctx, s);
        },
      },
    ]),
  };
}

/** Shares of the realistic mix: most traffic is casual, a quarter power users, the rest businesses. */
export const PERSONA_SHARES = { casual: 0.6, power: 0.25, business: 0.15 } as const;
