import { SecretSet } from '../api/secret-set.js';

/** Text that leaves a run (messages, values, logs) passes through a Redactor first. */
export type Redactor = (text: string) => string;

export const REDACTED = '***';

/**
 * Replaces every occurrence of a secret argument's value with `***`, as Rollouts does for
 * arguments read from a Secret (it writes `*****`): the one masking function of the server
 * (SecretSet), so also their JSON-escaped, base64 and URL-encoded spellings and URL
 * credentials. Longer secrets are replaced first, so a secret that contains another is not
 * left half visible. Values shorter than 4 characters are ignored: they would match
 * everywhere and reveal little.
 */
export function createRedactor(secrets: Iterable<string>): Redactor {
  const set = new SecretSet(secrets);
  return (text) => set.maskText(text);
}
