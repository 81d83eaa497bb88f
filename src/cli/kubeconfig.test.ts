import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { saveServerCredentials } from './credentials.js';
import { EXIT_OK, EXIT_USAGE, runCli } from './main.js';

/** `gantry kubeconfig`: no server is asked; it prints what the CLI signs in with. */
describe('gantry kubeconfig', () => {
  let dir: string;
  let ca: string;
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-kubeconfig-'));
    ca = join(dir, 'ca.pem');
    writeFileSync(ca, PEM);
    writeFileSync(join(dir, 'not-a-cert.pem'), 'hello');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['kubeconfig', ...args], {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      env: {
        GANTRY_CONFIG: join(dir, 'config'),
        GANTRY_DATA_DIR: join(dir, 'no-data'),
        ...env,
      },
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('prints the saved login for the server, with a namespace, a name and an embedded CA', async () => {
    saveServerCredentials({ GANTRY_CONFIG: join(dir, 'config') }, 'https://gantry.example:8443', {
      token: 'gty_saved',
      user: 'token:ci',
    });
    const { code, out, err } = await cli(
      ['-n', 'shop', '--context-name', 'prod-gantry', '--certificate-authority', ca],
      { GANTRY_SERVER: 'https://gantry.example:8443/' },
    );
    expect(err).toBe('');
    expect(code).toBe(EXIT_OK);
    expect(parse(out)).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'prod-gantry',
          cluster: {
            server: 'https://gantry.example:8443',
            'certificate-authority-data': Buffer.from(PEM).toString('base64'),
          },
        },
      ],
      users: [{ name: 'prod-gantry', user: { token: 'gty_saved' } }],
      contexts: [
        {
          name: 'prod-gantry',
          context: { cluster: 'prod-gantry', user: 'prod-gantry', namespace: 'shop' },
        },
      ],
      'current-context': 'prod-gantry',
      preferences: {},
    });
  });

  it('uses GANTRY_TOKEN and GANTRY_PROJECT, and warns that kubectl needs HTTPS', async () => {
    const { code, out, err } = await cli(['--context-name', 'local'], {
      GANTRY_SERVER: 'http://127.0.0.1:8080',
      GANTRY_TOKEN: 'gty_env',
      GANTRY_PROJECT: 'demo',
    });
    expect(code).toBe(EXIT_OK);
    const config = parse(out) as Record<string, any>;
    expect(config.users[0].user.token).toBe('gty_env');
    expect(config.contexts[0].context.namespace).toBe('demo');
    expect(config.clusters[0].cluster).toEqual({ server: 'http://127.0.0.1:8080' });
    expect(err).toMatch(
      /^Warning: http:\/\/127\.0\.0\.1:8080 is not HTTPS, and kubectl sends tokens only over HTTPS/,
    );
  });

  it.each<[string[], NodeJS.ProcessEnv, RegExp]>([
    [
      [],
      { GANTRY_SERVER: 'https://nobody.example', GANTRY_TOKEN: '' },
      /^error: not signed in to https:\/\/nobody\.example: run gantry login/,
    ],
    [
      ['--certificate-authority', '/nonexistent/ca.pem'],
      {},
      /--certificate-authority: cannot read \/nonexistent\/ca\.pem \(ENOENT\)/,
    ],
    [['--certificate-authority', 'NOT'], {}, /holds no PEM certificate/],
    [['--context-name', 'has space'], {}, /--context-name "has space" is not a usable name/],
    [
      ['--certificate-authority', 'CA'],
      { GANTRY_SERVER: 'http://127.0.0.1:1' },
      /--certificate-authority is for an https:\/\/ server/,
    ],
    [['--frobnicate'], {}, /unknown option '--frobnicate'/],
  ])('refuses %j with a usage error', async (args, env, message) => {
    const resolved = args.map((a) =>
      a === 'NOT' ? join(dir, 'not-a-cert.pem') : a === 'CA' ? ca : a,
    );
    const { code, out, err } = await cli(resolved, {
      GANTRY_SERVER: 'https://gantry.example',
      GANTRY_TOKEN: 'gty_x',
      ...env,
    });
    expect(code).toBe(EXIT_USAGE);
    expect(out).toBe('');
    expect(err).toMatch(message);
  });
});
