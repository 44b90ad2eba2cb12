// Indian Permanent Account Number (PAN): 10 characters, `AAAAA9999A`.
//   1-3  letters, the issuing series (AAA-ZZZ)
//   4    holder type: P person, C company, H Hindu undivided family, F firm,
//        A association of persons, T trust, B body of individuals,
//        L local authority, J artificial juridical person, G government
//   5    for a person, the initial of the surname (otherwise of the entity's name)
//   6-9  four digits, the sequence within the series
//   10   an alphabetic check letter
// The tax authority does not publish how the real check letter is computed, so test
// PANs carry our own check letter (a weighted sum mod 26, below) that catches any single
// wrong character. `isValidPanFormat` checks only the published format; `isValidPan`
// additionally checks our check letter, i.e. "is this one of our generated PANs".
// Faker-free and runtime-neutral: safe to import from k6 scenarios.

import type { Rng } from '../random.ts';

export const PAN_HOLDER_TYPES = Object.freeze({
  P: 'person',
  C: 'company',
  H: 'hindu_undivided_family',
  F: 'firm',
  A: 'association_of_persons',
  T: 'trust',
  B: 'body_of_individuals',
  L: 'local_authority',
  J: 'artificial_juridical_person',
  G: 'government',
} as const);

export type PanHolderType = keyof typeof PAN_HOLDER_TYPES;

const FORMAT = /^[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z]$/;
const A = 65;

/** Number of distinct (series, sequence) pairs: 26^3 * 10^4 = 175,760,000 PANs per initial. */
export const PAN_SERIAL_MODULUS = 26 * 26 * 26 * 10000;

// Weights are odd and not 13, hence invertible mod 26: any single substituted character changes the sum.
const WEIGHTS = [3, 5, 7, 9, 11, 15, 17, 19, 21] as const;

function charValue(c: number): number {
  return c >= A ? c - A + 10 : c - 48;
}

/** Check letter for the first nine characters of a PAN (our scheme, see the file header). */
export function panCheckLetter(first9: string): string {
  if (first9.length !== 9) throw new Error(`panCheckLetter: need 9 characters, got ${first9.length}`);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += charValue(first9.charCodeAt(i)) * (WEIGHTS[i] as number);
  return String.fromCharCode(A + (sum % 26));
}

/** Surname initial as a letter A-Z (non-Latin or empty surnames map to X). */
function surnameInitial(surname: string): string {
  const c = surname.normalize('NFD').charAt(0).toUpperCase();
  return c >= 'A' && c <= 'Z' ? c : 'X';
}

/**
 * The PAN for a serial number in [0, PAN_SERIAL_MODULUS): distinct serials give distinct
 * PANs whatever the surnames (the serial fixes the series letters and the digits).
 */
export function panFromSerial(serial: number, surname: string, holderType: PanHolderType = 'P'): string {
  if (!Number.isInteger(serial) || serial < 0 || serial >= PAN_SERIAL_MODULUS) {
    throw new Error(`panFromSerial: serial out of range: ${serial}`);
  }
  const digits = serial % 10000;
  let series = Math.floor(serial / 10000);
  let letters = '';
  for (let i = 0; i < 3; i++) {
    letters = String.fromCharCode(A + (series % 26)) + letters;
    series = Math.floor(series / 26);
  }
  const first9 = letters + holderType + surnameInitial(surname) + String(digits).padStart(4, '0');
  return first9 + panCheckLetter(first9);
}

/** A random PAN (no uniqueness guarantee: use panFromSerial for that). */
export function randomPan(rng: Rng, surname = 'X', holderType: PanHolderType = 'P'): string {
  return panFromSerial(Math.floor(rng() * PAN_SERIAL_MODULUS), surname, holderType);
}

/** True when `pan` has the published PAN format (any check letter). */
export function isValidPanFormat(pan: string): boolean {
  return FORMAT.test(pan);
}

/**
 * True when `pan` has the PAN format and carries our check letter; with `surname`,
 * also requires the 5th character to be its initial.
 */
export function isValidPan(pan: string, surname?: string): boolean {
  if (!FORMAT.test(pan)) return false;
  if (surname !== undefined && pan.charAt(4) !== surnameInitial(surname)) return false;
  return pan.charAt(9) === panCheckLetter(pan.slice(0, 9));
}
