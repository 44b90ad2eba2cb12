// The double-spend races (scenarios/double-spend.ts): M racers refunding, capturing or bank-refunding the
// same money at once; their environment variables, the amounts that make a partial-refund race overshoot
// by a known margin, what each race must end with and how an answer is classified. Pure, unit-tested in Node.
import type { EnvReader } from '../config.ts';
import { RACE_MAX_VUS } from './slots.ts';

export const DOUBLE_SPEND_RACES = ['full_refund', 'partial_refund', 'capture', 'bank_refund'] as const;
export type DoubleSpendRace = (typeof DOUBLE_SPEND_RACES)[number];

export interface DoubleSpendPlan {
  /** M: racers per race. */
  racers: number;
  /** R: rounds; each round runs every race once, on fresh payments and authorizations. */
  rounds: number;
  races: DoubleSpendRace[];
  vus: number;
  /** Time between the rounds' release instants. */
  roundMs: number;
}

/** DS_RACERS (M, default 10), DS_ROUNDS (R, default 5), DS_RACES (default all four), DS_ROUND_MS (default 600). */
export function readDoubleSpendPlan(r: EnvReader): DoubleSpendPlan {
  const racers = r.number('DS_RACERS', 10, { min: 2, max: RACE_MAX_VUS, integer: true });
  const rounds = r.number('DS_ROUNDS', 5, { min: 1, max: 1000, integer: true });
  // Long enough for a round's requests to finish (a racy target holds each ~100 ms) before the next fires.
  const roundMs = r.number('DS_ROUND_MS', 600, { min: 100, max: 60_000, integer: true, what: 'milliseconds' });
  const text = r.raw('DS_RACES');
  const races: DoubleSpendRace[] = [];
  for (const part of (text ?? DOUBLE_SPEND_RACES.join(',')).split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (!(DOUBLE_SPEND_RACES as readonly string[]).includes(part)) {
      r.problems.push(`DS_RACES lists '${part}'; known races: ${DOUBLE_SPEND_RACES.join(', ')}`);
    } else if (!races.includes(part as DoubleSpendRace)) races.push(part as DoubleSpendRace);
  }
  if (races.length === 0 && text !== undefined) r.problems.push(`DS_RACES is empty; known races: ${DOUBLE_SPEND_RACES.join(', ')}`);
  if (races.length === 0) races.push(...DOUBLE_SPEND_RACES);
  const vus = races.length * racers;
  if (vus > RACE_MAX_VUS) r.problems.push(`DS_RACERS x races is ${vus} VUs; at most ${RACE_MAX_VUS}`);
  return { racers, rounds, races, vus, roundMs };
}

/**
 * Amounts for the partial races: each of M racers asks for `part`; the amount holds exactly `winners`
 * parts (about half of M), so the racers together ask for more than the amount and exactly `winners`
 * must succeed. Full races use `part * winners` too, so every race object has the same amount.
 */
export function partialPlan(racers: number, part = 250): { amount: number; part: number; winners: number } {
  const winners = Math.max(1, Math.floor(racers / 2));
  return { amount: part * winners, part, winners };
}

/** What each race must end with per round: [succeeded, refused] for M racers. */
export function doubleSpendExpectation(race: DoubleSpendRace, racers: number): { won: number; refused: number } {
  const won = race === 'partial_refund' || race === 'bank_refund' ? partialPlan(racers).winners : 1;
  return { won, refused: racers - won };
}

/** The success status of each race and its documented refusal (status and error code). */
export const RACE_CONTRACT: Record<DoubleSpendRace, { won: number; refused: number; code: string }> = {
  full_refund: { won: 201, refused: 422, code: 'refund_exceeds_captured' },
  partial_refund: { won: 201, refused: 422, code: 'refund_exceeds_captured' },
  capture: { won: 200, refused: 409, code: 'already_captured' },
  bank_refund: { won: 201, refused: 422, code: 'refund_exceeds_captured' },
};

export type MoneyOutcome = 'won' | 'refused' | 'server_error' | 'other';

export function moneyOutcome(status: number, contract: { won: number; refused: number }): MoneyOutcome {
  if (status === contract.won) return 'won';
  if (status === contract.refused) return 'refused';
  if (status >= 500 && status <= 599) return 'server_error';
  return 'other';
}
