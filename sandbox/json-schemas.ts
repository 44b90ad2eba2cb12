/**
 * JSON schemas shared by the route definitions (validated by ajv through fastify). sandbox/openapi.yaml
 * documents the same schemas (tests/sandbox/schemas.test.ts compares them): every object refuses keys it
 * does not declare, and every string the server would refuse for its form has that form as a pattern, so a
 * request valid against the document is refused only for a rule a schema cannot hold (Luhn, expiry, a
 * decline card, a missing resource).
 */

export const CURRENCIES = ['USD', 'EUR', 'GBP', 'INR', 'JPY', 'CAD', 'AUD', 'CHF', 'SGD', 'AED', 'CNY', 'HKD', 'NZD', 'SEK', 'NOK', 'DKK', 'ZAR', 'BRL', 'MXN'] as const;

export const MAX_AMOUNT = 100_000_000_000;

/** Longest id accepted in a path or a body reference. */
export const MAX_ID_LENGTH = 100;
/**
 * Ids travel in paths: letters, digits, '_' and '-' only, so an id is the same string percent-encoded or
 * not and can never be a '.' or '..' segment. The ids this server issues (pay_…, auth_…, ref_…) and the
 * kit's merchant ids (mer_00000001, ds-<run>) have this form.
 */
export const ID_PATTERN = '^[A-Za-z0-9_-]+$';

export const amountSchema = { type: 'integer', minimum: 1, maximum: MAX_AMOUNT } as const;
export const currencySchema = { type: 'string', enum: CURRENCIES } as const;
export const idSchema = { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH, pattern: ID_PATTERN } as const;
/** A merchant id is also a path parameter (GET /api/v1/merchants/{merchantId}/transactions). */
export const merchantIdSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: ID_PATTERN } as const;

export const cardSchema = {
  type: 'object',
  required: ['number', 'exp_month', 'exp_year', 'cvv'],
  additionalProperties: false,
  properties: {
    number: { type: 'string', minLength: 12, maxLength: 19, pattern: '^[0-9]{12,19}$' },
    exp_month: { type: 'integer', minimum: 1, maximum: 12 },
    exp_year: { type: 'integer', minimum: 2000, maximum: 2100 },
    cvv: { type: 'string', pattern: '^[0-9]{3,4}$' },
  },
} as const;

/** Income-tax PAN of a registered user (sandbox/banking/routes.ts). */
export const PAN_PATTERN = '^[A-Z]{5}[0-9]{4}[A-Z]$';

/**
 * Fields whose form has its own error code: a schema error on them (pattern, length) answers that code
 * instead of `validation_failed`, the code the kit's failure scenarios expect (lib/services/payment/failures.ts).
 */
export const FORM_ERROR_CODES: Readonly<Record<string, string>> = {
  'card.number': 'invalid_card_number',
  pan: 'invalid_pan',
};

export const idParam = (name: string, schema: object = idSchema) =>
  ({ type: 'object', required: [name], properties: { [name]: schema } }) as const;
