import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveServerConfig } from './config.js';
import { silentLogger } from './logger.js';
import { startGantry } from './main.js';

describe('server configuration: HTTPS', () => {
  it('serves plain HTTP unless given a certificate and its key, both', () => {
    expect(resolveServerConfig({}, {}).tls).toBeUndefined();
    const tls = resolveServerConfig(
      { tlsCertFile: 'cert.pem' },
      { GANTRY_TLS_PRIVATE_KEY_FILE: '/etc/gantry/key.pem' },
    ).tls;
    expect(tls).toEqual({
      certFile: join(process.cwd(), 'cert.pem'),
      keyFile: '/etc/gantry/key.pem',
    });
    expect(() => resolveServerConfig({ tlsCertFile: 'cert.pem' }, {})).toThrow(
      '--tls-private-key-file: HTTPS needs both --tls-cert-file and --tls-private-key-file',
    );
    expect(() => resolveServerConfig({ tlsPrivateKeyFile: 'key.pem' }, {})).toThrow(
      /^--tls-cert-file: HTTPS needs both/,
    );
  });

  it('refuses to start on a certificate it cannot read, naming the flag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-tls-'));
    try {
      await expect(
        startGantry(
          resolveServerConfig(
            {
              port: '0',
              dataDir: join(dir, 'data'),
              tlsCertFile: join(dir, 'missing-cert.pem'),
              tlsPrivateKeyFile: join(dir, 'missing-key.pem'),
            },
            {},
          ),
          silentLogger,
        ),
      ).rejects.toThrow(/--tls-cert-file: cannot read .*missing-cert\.pem/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
