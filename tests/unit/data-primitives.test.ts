// Faker-free building blocks: Luhn, cards, PAN, currencies, amount bands, ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../lib/random.ts';
import { isLuhnValid, luhnCheckDigit, withLuhnCheckDigit } from '../../lib/data/luhn.ts';
import {
  CARD_BRANDS, DECLINE_TEST_CARDS, INVALID_CARD_KINDS, brandOf, brandSpec, cardNumber, cardProblem, declineCard, declineReasonOf,
  generateCard, invalidCard,
} from '../../lib/data/cards.ts';
import { PAN_SERIAL_MODULUS, isValidPan, isValidPanFormat, panCheckLetter, panFromSerial, randomPan } from '../../lib/data/pan.ts';
import { allCurrencies, SANDBOX_CURRENCIES, formatMinorUnits, minorUnitExponent, toMinorUnits } from '../../lib/data/currencies.ts';
import { DEFAULT_AMOUNT_BANDS, bandOf, drawAmount, parseAmountBands } from '../../lib/data/amounts.ts';
import { SerialScrambler, indexOfId, makeId, seedForVu, vuRng } from '../../lib/data/ids.ts';

const NOW = Date.UTC(2026, 5, 15);

test('Luhn: known valid and invalid numbers', () => {
  for (const n of ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '79927398713']) assert.ok(isLuhnValid(n), n);
  for (const n of ['4111111111111112', '79927398710', '1234567812345678', '', '4', '4111-1111-1111-1111', '41111111111111a1']) assert.ok(!isLuhnValid(n), n);
  assert.equal(luhnCheckDigit('7992739871'), 3);
  assert.equal(withLuhnCheckDigit('411111111111111'), '4111111111111111');
});

test('generated cards: Luhn-valid, realistic prefix and length, future expiry, CVV length', () => {
  const rng = createRng(1);
  const seen = new Set<string>();
  for (let i = 0; i < 20000; i++) {
    const c = generateCard(rng, { now: NOW });
    const spec = brandSpec(c.brand);
    assert.ok(isLuhnValid(c.number), c.number);
    assert.equal(c.number.length, spec.length);
    assert.equal(brandOf(c.number), c.brand, c.number);
    assert.ok(spec.prefixes.some((p) => c.number.startsWith(p)));
    assert.equal(c.cvv.length, c.brand === 'amex' ? 4 : 3);
    assert.ok(c.expYear * 12 + c.expMonth - 1 > 2026 * 12 + 5, `${c.expMonth}/${c.expYear} not in the future`);
    assert.equal(cardProblem(c, NOW), undefined);
    assert.equal(declineReasonOf(c.number), undefined, 'a generated card must never be a decline card');
    seen.add(c.brand);
  }
  assert.deepEqual([...seen].sort(), CARD_BRANDS.map((b) => b.brand).sort());
});

test('serial-based card numbers are distinct for distinct serials', () => {
  const rng = createRng(2);
  const s = new SerialScrambler(1e9, 'cards');
  const numbers = new Set<string>();
  for (let i = 0; i < 50000; i++) numbers.add(cardNumber(rng, i % 2 ? 'visa' : 'amex', s.scramble(i)));
  assert.equal(numbers.size, 50000);
});

test('documented decline cards: exact numbers and reasons, Luhn-valid', () => {
  assert.deepEqual(
    DECLINE_TEST_CARDS.map((c) => [c.number, c.reason]),
    [['4000000000000002', 'generic_decline'], ['4000000000009995', 'insufficient_funds'], ['5105105105105100', 'do_not_honor'], ['4000000000000069', 'do_not_honor']],
  );
  for (const c of DECLINE_TEST_CARDS) {
    assert.ok(isLuhnValid(c.number));
    assert.equal(brandOf(c.number), c.brand);
    const full = declineCard(createRng(3), c.reason, NOW);
    // a reason with two cards (do_not_honor) is sent with its first one
    assert.equal(full.number, DECLINE_TEST_CARDS.find((d) => d.reason === c.reason)!.number);
    assert.equal(cardProblem(full, NOW), undefined, 'decline cards pass validation: the decline comes from the issuer');
  }
});

test('invalid cards are rejected for the documented reason', () => {
  const rng = createRng(4);
  for (const kind of INVALID_CARD_KINDS) {
    for (let i = 0; i < 500; i++) {
      const c = invalidCard(rng, kind, NOW);
      assert.equal(c.kind, kind);
      assert.equal(cardProblem(c, NOW), c.expectedError, `${kind}: ${c.number} ${c.expMonth}/${c.expYear}`);
      if (kind === 'bad_luhn') assert.ok(/^\d+$/.test(c.number) && !isLuhnValid(c.number));
      if (kind === 'too_short') assert.ok(c.number.length < brandSpec(c.brand).length && isLuhnValid(c.number));
      if (kind === 'too_long') assert.ok(c.number.length >= 20 && isLuhnValid(c.number));
      if (kind === 'non_digits') assert.ok(/\D/.test(c.number));
      if (kind === 'expired') assert.ok(isLuhnValid(c.number) && c.expYear * 12 + c.expMonth - 1 < 2026 * 12 + 5);
    }
  }
});

test('PAN: format AAAAA9999A with P and surname initial, check letter, rejects invalid', () => {
  const pan = panFromSerial(123_456, 'Sharma');
  assert.match(pan, /^[A-Z]{3}PS\d{4}[A-Z]$/);
  assert.equal(pan.length, 10);
  assert.ok(isValidPanFormat(pan) && isValidPan(pan) && isValidPan(pan, 'Sharma'));
  assert.ok(!isValidPan(pan, 'Patel'), 'fifth letter must be the surname initial');
  for (const bad of ['RAJP1234K', 'ABCPS1234', 'ABCPS12345', 'abcps1234k', 'ABCXS1234K', 'AB1PS1234K', 'ABCPS12A4K', 'ABCPS1234KK', '']) {
    assert.ok(!isValidPanFormat(bad), bad);
    assert.ok(!isValidPan(bad), bad);
  }
  // Every single-character substitution breaks our check letter.
  const first9 = pan.slice(0, 9);
  const wrongCheck = pan.slice(0, 9) + (pan[9] === 'A' ? 'B' : 'A');
  assert.ok(isValidPanFormat(wrongCheck) && !isValidPan(wrongCheck));
  for (let pos = 0; pos < 9; pos++) {
    if (pos === 3 || pos === 4) continue;
    const alphabet = pos >= 5 ? '0123456789' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (const ch of alphabet) {
      if (ch === first9[pos]) continue;
      const changed = first9.slice(0, pos) + ch + first9.slice(pos + 1);
      assert.notEqual(panCheckLetter(changed), pan[9], `substitution at ${pos} undetected`);
    }
  }
  const rng = createRng(5);
  for (let i = 0; i < 1000; i++) assert.ok(isValidPan(randomPan(rng, 'Iyer'), 'Iyer'));
  assert.throws(() => panFromSerial(PAN_SERIAL_MODULUS, 'X'));
});

test('PANs from distinct serials are distinct (scrambled, 200k)', () => {
  const s = new SerialScrambler(PAN_SERIAL_MODULUS, 'pan');
  const pans = new Set<string>();
  for (let i = 0; i < 200_000; i++) pans.add(panFromSerial(s.scramble(i), i % 3 ? 'Rao' : 'Smith'));
  assert.equal(pans.size, 200_000);
});

test('SerialScrambler is a bijection (exhaustive on small moduli)', () => {
  for (const m of [10, 100, 1000, 17576, 99991]) {
    const s = new SerialScrambler(m, 7);
    const seen = new Uint8Array(m);
    for (let i = 0; i < m; i++) seen[s.scramble(i)] = (seen[s.scramble(i)] ?? 0) + 1;
    assert.ok(seen.every((x) => x === 1), `modulus ${m}`);
  }
});

test('currencies: sandbox set, exponents, conversions', () => {
  assert.deepEqual([...SANDBOX_CURRENCIES], ['USD', 'EUR', 'GBP', 'INR', 'JPY', 'CAD', 'AUD', 'CHF', 'SGD', 'AED']);
  for (const c of SANDBOX_CURRENCIES) assert.ok(allCurrencies()[c]);
  assert.equal(Object.keys(allCurrencies()).length, 55);
  // The hot-path lookup reads the table text directly: it must agree with the parsed table everywhere.
  for (const info of Object.values(allCurrencies())) assert.equal(minorUnitExponent(info.code), info.exponent, info.code);
  assert.throws(() => minorUnitExponent('usd'));
  assert.throws(() => minorUnitExponent('US'));
  assert.equal(minorUnitExponent('USD'), 2);
  assert.equal(minorUnitExponent('JPY'), 0);
  assert.equal(minorUnitExponent('KWD'), 3);
  assert.equal(toMinorUnits(12.34, 'USD'), 1234);
  assert.equal(toMinorUnits(1234, 'JPY'), 1234);
  assert.equal(formatMinorUnits(1234, 'USD'), '12.34');
  assert.equal(formatMinorUnits(5, 'INR'), '0.05');
  assert.equal(formatMinorUnits(-1005, 'BHD'), '-1.005');
  assert.equal(formatMinorUnits(1234, 'JPY'), '1234');
  assert.throws(() => minorUnitExponent('XYZ'));
});

test('amount bands: 100k draws within per-band binomial 4-sigma bounds (seed 42)', () => {
  // Tolerance: for each band, |count - n*p| <= 4*sqrt(n*p*(1-p)). With a fixed seed the
  // result is deterministic; the bound documents how close to 60/30/9/1 the draws must be.
  const n = 100_000;
  const rng = createRng(42);
  const counts: Record<string, number> = {};
  const total = DEFAULT_AMOUNT_BANDS.reduce((a, b) => a + b.weight, 0);
  for (let i = 0; i < n; i++) {
    const a = drawAmount(rng, { currency: 'INR' });
    assert.ok(Number.isInteger(a.amount) && a.amount > 0);
    assert.equal(bandOf(a.amount, 'INR'), a.band, `${a.amount} not in ${a.band}`);
    counts[a.band] = (counts[a.band] ?? 0) + 1;
  }
  for (const b of DEFAULT_AMOUNT_BANDS) {
    const p = b.weight / total;
    const sigma = Math.sqrt(n * p * (1 - p));
    const got = counts[b.name] ?? 0;
    assert.ok(Math.abs(got - n * p) <= 4 * sigma, `${b.name}: ${got} vs expected ${n * p} ± ${(4 * sigma).toFixed(0)}`);
  }
});

test('amount bands: configurable, JPY has no minor units, bad specs rejected', () => {
  const bands = parseAmountBands('tiny:1:1-10,big:1:1000-2000');
  const rng = createRng(9);
  for (let i = 0; i < 1000; i++) {
    const a = drawAmount(rng, { currency: 'JPY', bands });
    assert.ok((a.amount >= 1 && a.amount < 10) || (a.amount >= 1000 && a.amount < 2000), String(a.amount));
  }
  for (const bad of ['', 'x:1:5-1', 'x:1:0-5', 'x:0:1-2', 'x:1:1-2,x:1:3-4', 'x:1']) assert.throws(() => parseAmountBands(bad), bad);
});

test('ids are positional; per-VU seeds are stable and distinct', () => {
  assert.equal(makeId('account', 77), 'acc_00000077');
  assert.equal(indexOfId('acc_00000077'), 77);
  assert.equal(indexOfId(makeId('customer', 123_456_789)), 123_456_789);
  assert.equal(indexOfId('nope'), -1);
  assert.equal(seedForVu(42, 1), seedForVu('42', 1));
  assert.notEqual(seedForVu(42, 1), seedForVu(42, 2));
  const a = vuRng(42, 3);
  const b = vuRng(42, 3);
  for (let i = 0; i < 100; i++) assert.equal(a(), b());
});
