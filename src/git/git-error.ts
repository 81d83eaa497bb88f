import { GantryError } from '../errors.js';

/**
 * A failed git command. `transient` errors (network trouble, a 5xx, a push that lost a race)
 * are worth retrying; the others (authentication, a missing repository or branch) are not.
 */
export class GitError extends GantryError {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly pushRejected = false,
  ) {
    super(transient ? 'Unavailable' : 'Invalid', message);
  }
}

const TRANSIENT = [
  /could not resolve host/i,
  /connection (refused|reset|timed out)/i,
  /operation timed out/i,
  /the requested url returned error: 5\d\d/i,
  /\b50[0-4]\b/,
  /early eof/i,
  /rpc failed/i,
  /unexpected disconnect/i,
  /remote end hung up/i,
  /temporary failure/i,
  /unable to access .*: (failed|recv|send)/i,
];

const PUSH_RACE = [
  /non-fast-forward/i,
  /\[rejected\]/i,
  /fetch first/i,
  /failed to update ref/i,
  /cannot lock ref/i,
];

/** Sorts a git failure into transient or terminal, from its output. */
export function classifyGitFailure(output: string): { transient: boolean; pushRejected: boolean } {
  const pushRejected = PUSH_RACE.some((pattern) => pattern.test(output));
  return {
    transient: pushRejected || TRANSIENT.some((pattern) => pattern.test(output)),
    pushRejected,
  };
}
