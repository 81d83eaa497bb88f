import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * This replica's name in the store's leases, kept in the data directory so that a restarted
 * replica is the same replica: it takes back the Stages it was working on at once instead of
 * waiting for its own leases to run out. Replicas must not share a data directory.
 */
export function replicaId(dataDir: string): string {
  const file = join(dataDir, 'replica-id');
  if (existsSync(file)) {
    const id = readFileSync(file, 'utf8').trim();
    if (id) return id;
  }
  mkdirSync(dataDir, { recursive: true });
  const id = `${hostname()}-${randomBytes(4).toString('hex')}`;
  writeFileSync(file, `${id}\n`);
  return id;
}
