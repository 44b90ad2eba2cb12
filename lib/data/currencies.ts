// ISO 4217 currency codes with their minor-unit exponent (digits after the decimal point).
// Amounts in this kit are always integers in minor units: 1234 USD = $12.34, 1234 JPY = ¥1234.
// Faker-free and runtime-neutral: safe to import from k6 scenarios.

export interface CurrencyInfo {
  readonly code: string;
  readonly exponent: number;
  readonly name: string;
}

// One line per currency: code, exponent, name. Kept as text and read on demand: every k6 VU evaluates
// this module, so a table of objects built at load would cost every VU memory and start-up time
// (measured in docs/test-data.md), while a VU only ever looks up the few currencies its payments use.
const TABLE = `
AED 2 UAE dirham
ARS 2 Argentine peso
AUD 2 Australian dollar
BDT 2 Bangladeshi taka
BHD 3 Bahraini dinar
BRL 2 Brazilian real
CAD 2 Canadian dollar
CHF 2 Swiss franc
CLP 0 Chilean peso
CNY 2 Renminbi
COP 2 Colombian peso
CZK 2 Czech koruna
DKK 2 Danish krone
EGP 2 Egyptian pound
EUR 2 Euro
GBP 2 Pound sterling
HKD 2 Hong Kong dollar
HUF 2 Hungarian forint
IDR 2 Indonesian rupiah
ILS 2 Israeli new shekel
INR 2 Indian rupee
IQD 3 Iraqi dinar
ISK 0 Icelandic króna
JOD 3 Jordanian dinar
JPY 0 Japanese yen
KES 2 Kenyan shilling
KRW 0 South Korean won
KWD 3 Kuwaiti dinar
LKR 2 Sri Lankan rupee
LYD 3 Libyan dinar
MXN 2 Mexican peso
MYR 2 Malaysian ringgit
NGN 2 Nigerian naira
NOK 2 Norwegian krone
NPR 2 Nepalese rupee
NZD 2 New Zealand dollar
OMR 3 Omani rial
PHP 2 Philippine peso
PKR 2 Pakistani rupee
PLN 2 Polish złoty
PYG 0 Paraguayan guaraní
QAR 2 Qatari riyal
RON 2 Romanian leu
SAR 2 Saudi riyal
SEK 2 Swedish krona
SGD 2 Singapore dollar
THB 2 Thai baht
TND 3 Tunisian dinar
TRY 2 Turkish lira
UGX 0 Ugandan shilling
USD 2 US dollar
VND 0 Vietnamese đồng
XAF 0 Central African CFA franc
XOF 0 West African CFA franc
ZAR 2 South African rand
`;

let all: Readonly<Record<string, CurrencyInfo>> | null = null;

/** Every currency in the table, by code (built on first call). */
export function allCurrencies(): Readonly<Record<string, CurrencyInfo>> {
  if (!all) {
    const byCode: Record<string, CurrencyInfo> = {};
    for (const line of TABLE.trim().split('\n')) {
      const code = line.slice(0, 3);
      byCode[code] = Object.freeze({ code, exponent: Number(line[4]), name: line.slice(6) });
    }
    all = Object.freeze(byCode);
  }
  return all;
}

/** The currencies the kit's test data and the sandbox's generator draw from: a subset of those the sandbox accepts (sandbox/json-schemas.ts). */
export const SANDBOX_CURRENCIES = Object.freeze(['USD', 'EUR', 'GBP', 'INR', 'JPY', 'CAD', 'AUD', 'CHF', 'SGD', 'AED'] as const);
// Exponents looked up so far: the hot path (an amount per payment) needs only this, not the table.
const exponents = new Map<string, number>();

/** Minor-unit exponent: 2 for USD, 0 for JPY, 3 for KWD. */
export function minorUnitExponent(code: string): number {
  let e = exponents.get(code);
  if (e === undefined) {
    const at = /^[A-Z]{3}$/.test(code) ? TABLE.indexOf(`\n${code} `) : -1;
    if (at < 0) throw new Error(`unknown ISO 4217 currency code: ${code}`);
    e = Number(TABLE[at + 5]);
    exponents.set(code, e);
  }
  return e;
}

/** Major units (e.g. 12.34 USD) to integer minor units (1234), rounded half away from zero. */
export function toMinorUnits(major: number, code: string): number {
  const f = 10 ** minorUnitExponent(code);
  return Math.sign(major) * Math.round(Math.abs(major) * f);
}

/** Integer minor units to a plain decimal string for API payloads: 1234 USD → "12.34", 1234 JPY → "1234". */
export function formatMinorUnits(minor: number, code: string): string {
  if (!Number.isInteger(minor)) throw new Error(`formatMinorUnits: not an integer: ${minor}`);
  const e = minorUnitExponent(code);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor));
  if (e === 0) return sign + digits;
  const padded = digits.padStart(e + 1, '0');
  return `${sign}${padded.slice(0, -e)}.${padded.slice(-e)}`;
}
