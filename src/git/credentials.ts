import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretSet } from '../api/secret-set.js';

/** Username and password (or token) for one repository. */
export interface GitCredentials {
  username: string;
  password: string;
}

/**
 * Hands credentials to git without putting them on a command line or in a URL: git runs a
 * tiny askpass program that prints them from its environment, which only that git process
 * sees. Created once in the data directory.
 */
export function askpassProgram(dataDir: string): string {
  const dir = join(dataDir, 'git');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'askpass.sh');
  writeFileSync(
    path,
    '#!/bin/sh\ncase "$1" in\n  [Uu]sername*) printf \'%s\' "$GANTRY_GIT_USERNAME" ;;\n  *) printf \'%s\' "$GANTRY_GIT_PASSWORD" ;;\nesac\n',
  );
  chmodSync(path, 0o700);
  return path;
}

export function credentialEnv(
  askpass: string,
  credentials: GitCredentials | undefined,
): NodeJS.ProcessEnv {
  if (!credentials) return {};
  return {
    GIT_ASKPASS: askpass,
    GANTRY_GIT_USERNAME: credentials.username,
    GANTRY_GIT_PASSWORD: credentials.password,
  };
}

/**
 * Removes secrets from text that may reach a log, a status or an error: credentials in URLs,
 * and the password (with its encodings), through the one masking function (SecretSet).
 */
export function redact(text: string, credentials?: GitCredentials): string {
  return new SecretSet(credentials?.password ? [credentials.password] : []).maskText(text);
}
