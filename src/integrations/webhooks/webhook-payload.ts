import type { z } from 'zod';
import { parseJsonText } from '../../api/json-text.js';
import { fieldIssuesFromZod } from '../../api/zod-issues.js';
import { inputError } from '../../errors.js';

/**
 * Parses a webhook body as JSON and validates the fields one event needs. Providers send many
 * fields we ignore, so schemas should be loose objects naming only what is read.
 *
 * @param event names the event in messages, e.g. `GitHub push event`.
 * @throws an input error (answered 400) naming the first missing or malformed field, e.g.
 *   `GitHub push event: repository.clone_url is missing`; every problem is in its issues.
 */
export function parseWebhookPayload<Schema extends z.ZodType>(
  body: Buffer,
  schema: Schema,
  event: string,
): z.output<Schema> {
  // Depth-bounded: providers' payloads are shallow, and nothing recursive sees a deep one.
  const parsed = parseJsonText(body.toString('utf8'));
  if (!parsed.ok) throw inputError(`${event}: the body is not JSON (${parsed.message})`);
  const json = parsed.value;
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issues = fieldIssuesFromZod(result.error, json);
  const first = issues[0];
  const detail =
    first === undefined
      ? 'the payload is invalid'
      : first.path === ''
        ? 'the payload is not a JSON object'
        : first.message === 'required'
          ? `${first.path} is missing`
          : `${first.path}: ${first.message}`;
  throw inputError(`${event}: ${detail}`, issues);
}

/** The error for a field a schema cannot require on its own (one of two alternatives). */
export function missingFieldError(event: string, path: string): Error {
  return inputError(`${event}: ${path} is missing`, [{ path, message: 'required' }]);
}
