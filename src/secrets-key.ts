import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecurityConfig } from './config.js';
import { inputError } from './errors.js';
import type { Logger } from './logger.js';

/** The key that encrypts Secrets at rest, and where it came from (for messages). */
export interface LoadedSecretsKey {
  key: Buffer;
  source: string;
}

/**
 * The secrets key: `GANTRY_SECRETS_KEY` (32 bytes, base64) when set, else the key file
 * (`--secrets-key-file`, default `<data-dir>/secrets.key`), created on first start with 32
 * random bytes and mode 0600. The key lives outside the database on purpose: a copied
 * database without it reveals no Secret. Replicas sharing a store must share the key.
 */
export function loadSecretsKey(
  security: Pick<SecurityConfig, 'secretsKey' | 'secretsKeyFile'>,
  logger?: Logger,
): LoadedSecretsKey {
  if (security.secretsKey !== undefined) {
    return {
      key: decodeKey(security.secretsKey, 'GANTRY_SECRETS_KEY'),
      source: 'GANTRY_SECRETS_KEY',
    };
  }
  const file = security.secretsKeyFile;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw inputError(`cannot read the secrets key file ${file}: ${(err as Error).message}`);
    }
    mkdirSync(dirname(file), { recursive: true });
    const generated = randomBytes(32);
    try {
      // `wx`: two processes starting at once must not overwrite each other's key.
      writeFileSync(file, `${generated.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      logger?.info('generated a secrets key; back it up, Secrets cannot be read without it', {
        file,
      });
      return { key: generated, source: file };
    } catch (writeErr) {
      if ((writeErr as NodeJS.ErrnoException).code !== 'EEXIST') throw writeErr;
      text = readFileSync(file, 'utf8');
    }
  }
  if ((statSync(file).mode & 0o077) !== 0) {
    logger?.warn('the secrets key file is readable by other users; chmod 600 it', { file });
  }
  return { key: decodeKey(text.trim(), `the secrets key file ${file}`), source: file };
}

function decodeKey(text: string, where: string): Buffer {
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) {
    throw inputError(
      `${where}: must be 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`), got ${key.length === 0 ? 'something else' : `${key.length} bytes`}`,
    );
  }
  return key;
}
