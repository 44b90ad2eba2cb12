// The failure user (the Locust suite's FailureSimulationUser): sends what a real API must refuse and
// checks that it is refused with its documented 4xx and error code. A 5xx or a 2xx to bad input is
// counted in `unexpected_status`, whose threshold is zero.
import { BANKING_SERVICE, BANKING_STATUS } from '../banking/service.ts';
import { PAYMENT_SERVICE, PAYMENT_STATUS } from './service.ts';
import { declineRate } from '../define.ts';
import { drawAmount } from '../../data/amounts.ts';
import type { InvalidCardKind } from '../../data/cards.ts';
import { pickOne, seededUuid, type Rng } from '../../random.ts';
import { defineTasks } from '../../tasks.ts';
import { defineUserClass, type ScriptContext } from '../user-class.ts';
import { cardInput, pickCard, pickMerchant, pooled, pooledDeclineCard, pooledInvalidCard } from '../../vu-pools.ts';

export interface FailureState {
  rng: Rng;
  runId: string;
}

interface ValidPayment {
  merchant_id: string;
  amount: number;
  currency: string;
  card: ReturnType<typeof cardInput>;
}

function validPayment(ctx: ScriptContext, rng: Rng): ValidPayment {
  const merchant = pickMerchant(ctx, rng);
  const { amount, currency } = drawAmount(rng, { currency: merchant.currency });
  return { merchant_id: merchant.id, amount, currency, card: cardInput(pickCard(ctx, rng)) };
}

// The valid part of a bad request, per VU, with its JSON, from a pool (lib/vu-pools.ts `pooled`):
// only the defect matters to a refusal, and building and serialising a fresh valid payment for each
// one was the largest share of this user's own k6 CPU.
const validPool: Array<{ body: Readonly<ValidPayment>; json: string }> = [];

function pooledValidPayment(ctx: ScriptContext, rng: Rng): { body: Readonly<ValidPayment>; json: string } {
  return pooled(validPool, rng, () => {
    const body = Object.freeze(validPayment(ctx, rng));
    return { body, json: JSON.stringify(body) };
  });
}

const INVALID_CARD_CODES: Record<InvalidCardKind, string> = {
  bad_luhn: 'invalid_card_number',
  too_short: 'invalid_card_number',
  too_long: 'invalid_card_number',
  non_digits: 'invalid_card_number',
  expired: 'card_expired',
};

// Its own service is the payment service; the refusals the banking API owes go through its client.
export const failureUser = defineUserClass(PAYMENT_SERVICE, (ctx) => {
  const pay = ctx.client;
  const bank = ctx.as(BANKING_SERVICE).client;
  return {
    name: 'failures',
    newState: (rng, run) => ({ rng, runId: run.runId }),
    tasks: defineTasks<FailureState>([
      {
        name: 'malformed_json',
        weight: 15,
        run: () => void pay.refused('createPayment', { rawBody: '{"amount": 100, "currency": "USD",' }, PAYMENT_STATUS.malformed, 'malformed_json', 'malformed_json'),
      },
      {
        name: 'missing_field',
        weight: 15,
        run: (s) => {
          const body: Record<string, unknown> = { ...pooledValidPayment(ctx, s.rng).body };
          delete body[pickOne(s.rng, ['merchant_id', 'amount', 'currency', 'card'])];
          pay.refused('createPayment', { body }, PAYMENT_STATUS.invalid, 'validation_failed', 'missing_field');
        },
      },
      {
        name: 'invalid_card',
        weight: 15,
        run: (s) => {
          const card = pooledInvalidCard(s.rng);
          const body = { ...pooledValidPayment(ctx, s.rng).body, card: cardInput(card) };
          pay.refused('createPayment', { body }, PAYMENT_STATUS.invalid, INVALID_CARD_CODES[card.kind], `invalid_card_${card.kind}`);
        },
      },
      {
        name: 'declined_card',
        // CARD_DECLINE_RATE sets this task's share (0.05 -> weight 5 of about 100).
        weight: 100 * declineRate(PAYMENT_SERVICE, ctx.config.cardDeclineRate),
        run: (s) => {
          const body = { ...pooledValidPayment(ctx, s.rng).body, card: cardInput(pooledDeclineCard(s.rng, 'insufficient_funds')) };
          if (pay.refused('createPayment', { body }, PAYMENT_STATUS.declined, 'card_declined', 'declined_card')) ctx.counters.cardsDeclined.add(1);
        },
      },
      {
        name: 'no_token',
        weight: 10,
        run: (s) => void pay.refused('createPayment', { rawBody: pooledValidPayment(ctx, s.rng).json, token: null }, PAYMENT_STATUS.unauthorized, 'unauthorized', 'no_token'),
      },
      {
        name: 'wrong_token',
        weight: 10,
        run: (s) =>
          void bank.refused('authorize', { rawBody: pooledValidPayment(ctx, s.rng).json, token: 'not-the-token' }, BANKING_STATUS.unauthorized, 'unauthorized', 'wrong_token'),
      },
      {
        name: 'unknown_id',
        weight: 10,
        run: (s) => {
          if (s.rng() < 0.5) pay.refused('getPayment', { params: { id: `pay_missing_${seededUuid(s.rng)}` } }, PAYMENT_STATUS.notFound, 'not_found', 'unknown_payment');
          else bank.refused('transaction', { params: { id: `auth_missing_${seededUuid(s.rng)}` } }, BANKING_STATUS.notFound, 'not_found', 'unknown_transaction');
        },
      },
      {
        name: 'invalid_pan',
        weight: 10,
        run: (s) => {
          const pan = pickOne(s.rng, ['RAJP1234K', 'abcpk1234f', 'ABCPK12345', '1234567890', 'ABCPK1234']);
          bank.refused('registerUser', { body: { name: 'Invalid Pan', pan } }, BANKING_STATUS.invalid, 'invalid_pan', 'invalid_pan');
        },
      },
      {
        name: 'over_refund',
        weight: 5,
        run: (s) => {
          // A real payment first (it must succeed), then a refund of more than it captured.
          const p = pay.call('createPayment', { body: validPayment(ctx, s.rng), idempotencyKey: ctx.idempotencyKey(s.runId) });
          if (!p) return;
          ctx.counters.acknowledged.payments.add(1);
          ctx.onAcknowledged?.('payments', p.id, p.currency, p.amount);
          pay.refused('refundPayment', { params: { id: p.id }, body: { amount: p.amount + 1 } }, PAYMENT_STATUS.refundTooLarge, 'refund_exceeds_captured', 'over_refund');
        },
      },
    ]),
  };
});
