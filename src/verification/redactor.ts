/** Text that leaves a run (messages, values, logs) passes through a Redactor first. */
export type Redactor = (text: string) => string;

export const REDACTED = '***';

/**
 * Replaces every occurrence of a secret argument's value with `***`, as Rollouts does for
 * arguments read from a Secret (it writes `*****`). Longer secrets are replaced first, so a
 * secret that contains another is not left half visible. Empty values are ignored: they
 * would match everywhere and reveal nothing.
 */
export function createRedactor(secrets: Iterable<string>): Redactor {
  const values = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => values.reduce((out, secret) => out.split(secret).join(REDACTED), text);
}
