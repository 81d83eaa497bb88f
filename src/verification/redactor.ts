/** Text that leaves a run (messages, values, logs) passes through a Redactor first. */
export type Redactor = (text: string) => string;

export const REDACTED = '***';

/**
 * Replaces every occurrence of a secret argument's value with `***`, as Rollouts does for
 * arguments read from a Secret (it writes `*****`), also in their JSON-escaped spelling.
 * Longer secrets are replaced first, so a secret that contains another is not left half
 * visible. Empty values are ignored: they
 * would match everywhere and reveal nothing.
 */
export function createRedactor(secrets: Iterable<string>): Redactor {
  // Values and messages quote text as JSON, which escapes quotes, backslashes and controls.
  const spellings = [...secrets].flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]);
  const values = [...new Set(spellings)]
    .filter((s) => s !== '')
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => values.reduce((out, secret) => out.split(secret).join(REDACTED), text);
}
