/** JSON schemas shared by the route definitions (validated by ajv through fastify). */

export const CURRENCIES = ['USD', 'EUR', 'GBP', 'INR', 'JPY', 'CAD', 'AUD', 'CHF', 'SGD', 'AED', 'CNY', 'HKD', 'NZD', 'SEK', 'NOK', 'DKK', 'ZAR', 'BRL', 'MXN'] as const;

export const MAX_AMOUNT = 100_000_000_000;

export const amountSchema = { type: 'integer', minimum: 1, maximum: MAX_AMOUNT } as const;
export const currencySchema = { type: 'string', enum: CURRENCIES } as const;
export const merchantIdSchema = { type: 'string', minLength: 1, maxLength: 64 } as const;

export const cardSchema = {
  type: 'object',
  required: ['number', 'exp_month', 'exp_year', 'cvv'],
  properties: {
    number: { type: 'string', maxLength: 64 },
    exp_month: { type: 'integer', minimum: 1, maximum: 12 },
    exp_year: { type: 'integer', minimum: 2000, maximum: 2100 },
    cvv: { type: 'string', pattern: '^[0-9]{3,4}$' },
  },
} as const;

export const idParam = (name: string) =>
  ({ type: 'object', required: [name], properties: { [name]: { type: 'string', minLength: 1, maxLength: 100 } } }) as const;
