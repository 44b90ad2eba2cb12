// Luhn (mod 10) check digits, as used by payment card numbers.
// Faker-free and runtime-neutral: safe to import from k6 scenarios.

/** Check digit (0-9) to append to `payload` (digits only) so the whole number passes Luhn. */
export function luhnCheckDigit(payload: string): number {
  let sum = 0;
  // Walking from the right, the digit next to the (future) check digit is doubled.
  let double = true;
  for (let i = payload.length - 1; i >= 0; i--) {
    const d = payload.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new Error(`luhnCheckDigit: not a digit string: ${payload}`);
    if (double) {
      const x = d * 2;
      sum += x > 9 ? x - 9 : x;
    } else {
      sum += d;
    }
    double = !double;
  }
  return (10 - (sum % 10)) % 10;
}

/** `payload` followed by its Luhn check digit. */
export function withLuhnCheckDigit(payload: string): string {
  return payload + String(luhnCheckDigit(payload));
}

/** True when `value` is all digits (at least 2) and passes the Luhn check. */
export function isLuhnValid(value: string): boolean {
  if (value.length < 2 || !/^[0-9]+$/.test(value)) return false;
  return luhnCheckDigit(value.slice(0, -1)) === value.charCodeAt(value.length - 1) - 48;
}
