import { kindName } from '../api/kind-names.js';
import { redactSecret } from '../api/secret.js';

/** An object as the API shows it: Secrets keep their keys but never show their values. */
export function present<T extends { kind: string }>(object: T): T {
  return kindName(object.kind)?.redacted
    ? redactSecret(object as T & { data?: Record<string, string> })
    : object;
}
