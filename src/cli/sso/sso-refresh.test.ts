import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveServerCredentials, type ServerCredentials } from '../credentials.js';
import { refreshSavedLogin } from './sso-refresh.js';
import { refusedAddress, type RefusedAddress } from '../../../test/refused-address.js';

const SERVER = 'http://127.0.0.1:8080';

describe('refreshSavedLogin', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const err: string[] = [];
  const saved = (entry: ServerCredentials & { token: string }) =>
    saveServerCredentials(env, SERVER, entry);
  const file = () => readFileSync(join(dir, 'config'), 'utf8');
  const refresh = (now: string) =>
    refreshSavedLogin({ env, server: SERVER, now: () => new Date(now), err: (t) => err.push(t) });

  let refused: RefusedAddress;

  beforeEach(async () => {
    refused = await refusedAddress();
    dir = mkdtempSync(join(tmpdir(), 'gantry-sso-refresh-'));
    env = { GANTRY_CONFIG: join(dir, 'config') };
    err.length = 0;
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await refused.close();
  });

  it('leaves API tokens, missing credentials and valid ID tokens alone (without reaching the provider)', async () => {
    await refresh('2030-01-01T00:00:00Z'); // nothing saved
    saved({ token: 'gty_abc', user: 'token:ci' });
    await refresh('2030-01-01T00:00:00Z');
    // Never reached: each case here returns before any request.
    const unreachable = { issuer: refused.url, clientID: 'gantry-cli' };
    saved({ token: 'a.b.c', sso: { ...unreachable, expiresAt: '2030-01-01T00:00:00Z' } });
    await refresh('2030-01-01T00:00:00Z'); // no refresh token
    saved({
      token: 'a.b.c',
      sso: { ...unreachable, refreshToken: 'r', expiresAt: '2030-01-01T01:00:00Z' },
    });
    const before = file();
    await refresh('2030-01-01T00:00:00Z'); // an hour left
    expect(file()).toBe(before);
    expect(err).toEqual([]);
  });

  it('warns and goes on when the token cannot be refreshed', async () => {
    saved({
      token: 'a.b.c',
      sso: {
        issuer: refused.url,
        clientID: 'gantry-cli',
        refreshToken: 'r',
        expiresAt: '2030-01-01T00:00:30Z',
      },
    });
    const before = file();
    await refresh('2030-01-01T00:00:00Z'); // 30 s left: inside the margin
    expect(file()).toBe(before);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(
      /^warning: could not refresh the single sign-on for http:\/\/127\.0\.0\.1:8080 \(cannot reach the single sign-on provider http:\/\/127\.0\.0\.1:\d+ .*\): run gantry login --sso$/,
    );
  });
});
