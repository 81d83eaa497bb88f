import type { RunningGantry } from '../src/main.js';

/**
 * The initial admin token of a server started in process on an empty data dir (it writes one
 * on first start): what the benchmarks sign in with. A missing token is a broken set-up, never
 * a reason to measure anonymous requests.
 */
export function adminToken(gantry: Pick<RunningGantry, 'adminToken'>): string {
  if (!gantry.adminToken)
    throw new Error('the server wrote no initial admin token: start it on an empty data dir');
  return gantry.adminToken;
}

/** The `Authorization` header with the server's initial admin token. */
export function adminAuth(gantry: Pick<RunningGantry, 'adminToken'>): { authorization: string } {
  return { authorization: `Bearer ${adminToken(gantry)}` };
}
