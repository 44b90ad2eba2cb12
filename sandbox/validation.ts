import Ajv from 'ajv';

// Bodies are validated strictly (no type coercion: "100" is not an amount); query strings and
// path params are strings on the wire, so they are coerced.
export const bodyAjv = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
export const paramAjv = new Ajv({ coerceTypes: true, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
