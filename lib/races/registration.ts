// The registration race (scenarios/registration-race.ts): K PANs, M users racing to register each at the
// same instant; its environment variables, which PAN each VU races for, how an answer is classified and
// what the race must end with (exactly one winner per PAN). Pure, unit-tested in Node.
import type { EnvReader } from '../config.ts';
import { successStatus } from '../endpoints.ts';
import { BANKING_API, BANKING_STATUS } from '../services/banking/service.ts';
import { RACE_MAX_VUS } from './slots.ts';

export interface RacePlan {
  /** K: distinct PANs raced in this run (each must end with exactly one winner). */
  pans: number;
  /** M: users racing for each PAN. */
  usersPerPan: number;
  /** K * M: one VU per user. */
  vus: number;
}

export const RACE_DEFAULT_USERS = 100;

/**
 * RACE_USERS (total racers, default 100), RACE_PANS (K, default 1), RACE_USERS_PER_PAN (M).
 * With RACE_USERS_PER_PAN unset, M = RACE_USERS / K (which must divide evenly).
 */
export function readRacePlan(r: EnvReader): RacePlan {
  const pans = r.number('RACE_PANS', 1, { min: 1, max: 1000, integer: true });
  const perPanRaw = r.raw('RACE_USERS_PER_PAN');
  const usersRaw = r.raw('RACE_USERS');
  let usersPerPan: number;
  if (perPanRaw !== undefined) {
    usersPerPan = r.number('RACE_USERS_PER_PAN', 2, { min: 2, max: RACE_MAX_VUS, integer: true });
    if (usersRaw !== undefined) {
      const total = r.number('RACE_USERS', pans * usersPerPan, { min: 2, max: RACE_MAX_VUS, integer: true });
      if (total !== pans * usersPerPan) {
        r.problems.push(
          `RACE_USERS (${total}) must equal RACE_PANS x RACE_USERS_PER_PAN (${pans} x ${usersPerPan} = ${pans * usersPerPan}); set only one of RACE_USERS and RACE_USERS_PER_PAN`,
        );
      }
    }
  } else {
    const total = r.number('RACE_USERS', RACE_DEFAULT_USERS, { min: 2, max: RACE_MAX_VUS, integer: true });
    if (total % pans !== 0) {
      r.problems.push(`RACE_USERS (${total}) must be a multiple of RACE_PANS (${pans}), or set RACE_USERS_PER_PAN instead`);
    }
    usersPerPan = Math.floor(total / pans);
    if (usersPerPan < 2) r.problems.push(`RACE_USERS (${total}) must give every one of RACE_PANS (${pans}) PANs at least 2 racers`);
  }
  const vus = pans * usersPerPan;
  if (vus > RACE_MAX_VUS) r.problems.push(`RACE_PANS x RACE_USERS_PER_PAN is ${vus} VUs; at most ${RACE_MAX_VUS}`);
  return { pans, usersPerPan, vus };
}

/** The PAN a VU races for: VUs are interleaved over the K PANs so every group fires in the same instant. */
export function raceGroup(vuIdInTest: number, plan: Pick<RacePlan, 'pans'>): number {
  return (vuIdInTest - 1) % plan.pans;
}

export type RaceOutcome = 'created' | 'conflict' | 'server_error' | 'other';

/** The two answers the contract allows a racing registration: the winner's and the PAN-taken refusal. */
export const REGISTERED = successStatus(BANKING_API.registerUser);
export const PAN_TAKEN = BANKING_STATUS.panTaken;
export const RACE_ANSWERS: readonly number[] = [REGISTERED, PAN_TAKEN];

/** created (REGISTERED), conflict (PAN_TAKEN), 5xx server error, anything else (incl. 0 = no answer) other. */
export function raceOutcome(status: number): RaceOutcome {
  if (status === REGISTERED) return 'created';
  if (status === PAN_TAKEN) return 'conflict';
  if (status >= 500 && status <= 599) return 'server_error';
  return 'other';
}

/** What the race must end with: exactly K created, the rest conflicts, nothing else. */
export function raceExpectation(plan: RacePlan): Record<RaceOutcome, number> {
  return { created: plan.pans, conflict: plan.vus - plan.pans, server_error: 0, other: 0 };
}
