import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isGantryError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { ApiTokens } from './api-tokens.js';

export const INITIAL_ADMIN_TOKEN_FILE = 'initial-admin-token';
export const INITIAL_ADMIN_TOKEN_NAME = 'initial-admin';

/**
 * Secure by default, usable at once (as Argo CD's initial admin secret): when no system admin
 * can sign in — no system admin token and no single sign-on admins configured — the server
 * creates the `initial-admin` token and writes it to `<data-dir>/initial-admin-token` (0600).
 * The CLI on the same machine reads it from there. Delete the token (`gantry delete token
 * initial-admin`) once real admins exist.
 */
export async function ensureInitialAdmin(options: {
  store: Store;
  tokens: ApiTokens;
  dataDir: string;
  logger: Logger;
  /** True when the auth config binds some OIDC claims to the system admin role. */
  ssoAdmins: boolean;
}): Promise<string | undefined> {
  if (options.ssoAdmins) return undefined;
  const existing = await options.tokens.list(undefined);
  if (existing.some((token) => token.role === 'kargo-admin')) return undefined;
  let token: string;
  try {
    ({ token } = await options.tokens.create({
      name: INITIAL_ADMIN_TOKEN_NAME,
      role: 'kargo-admin',
      createdBy: 'system:bootstrap',
    }));
  } catch (err) {
    // Another replica made it first: its data dir holds the file.
    if (isGantryError(err, 'AlreadyExists')) return undefined;
    throw err;
  }
  const file = join(options.dataDir, INITIAL_ADMIN_TOKEN_FILE);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  options.logger.info('created the initial admin API token', {
    file,
    hint: 'the gantry CLI on this machine uses it; delete it once real admins exist',
  });
  return token;
}
