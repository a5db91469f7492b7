import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { InputIssue } from '../schema/errors.js';
import type { JsonSchema } from './define.js';

const ajv = new Ajv2020({ allErrors: true, strict: true, useDefaults: true });
(addFormatsModule as unknown as (ajv: Ajv2020) => void)(ajv);

const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function issueOf(error: ErrorObject, root: (string | number)[]): InputIssue {
  const path = [...root, ...error.instancePath.split('/').slice(1).map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, '/').replace(/~0/g, '~')))];
  if (error.keyword === 'required') path.push((error.params as { missingProperty: string }).missingProperty);
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return { path: [...path, extra], message: `unknown property "${extra}"` };
  }
  return { path, message: error.message ?? 'is invalid' };
}

/**
 * Validates `value` against a JSON Schema (2020-12), filling in defaults. Returns every issue with
 * its path under `root` (for example ["input", "data", "title"]).
 */
export function validateAgainst(schema: JsonSchema, value: unknown, root: (string | number)[]): InputIssue[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => issueOf(error, root));
}
