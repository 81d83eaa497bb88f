import { lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../test/self-signed.js';
import { createStepHarness, stepError } from '../../test/step-harness.js';
import { httpDownloadStep } from './http-download.js';

const BYTES = Buffer.from([0, 1, 2, 255, 254, 0x1f, 0x8b]);
const handler = (req: { url?: string }, res: import('node:http').ServerResponse) => {
  if (req.url === '/hang') return;
  if (req.url === '/moved') {
    res.writeHead(302, { location: '/bytes' }).end();
    return;
  }
  res.end(req.url === '/bytes' ? BYTES : 'text');
};
let server: Server;
let tls: HttpsServer;
let base = '';
let tlsBase = '';

beforeAll(async () => {
  server = createServer(handler);
  tls = createHttpsServer(selfSignedCertificate(), handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  tlsBase = `https://127.0.0.1:${(tls.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const s of [server, tls]) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

const open = { outbound: { allow: ['*'], deny: [] } };

describe('http-download', () => {
  it('saves the body byte for byte, mode 0600, following redirects', async () => {
    const harness = createStepHarness(open);
    try {
      const outcome = await harness.run(httpDownloadStep, {
        url: `${base}/moved`,
        outPath: 'charts/app.tgz',
      });
      expect(outcome.status).toBe('Succeeded');
      const file = join(harness.workDir.root, 'charts/app.tgz');
      expect(readFileSync(file)).toEqual(BYTES);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      harness.cleanup();
    }
  });

  it('is refused (terminal) where the outbound policy refuses the destination', async () => {
    const harness = createStepHarness({ outbound: { allow: ['*'], deny: ['loopback'] } });
    try {
      const err = await stepError(
        harness.run(httpDownloadStep, { url: `${base}/bytes`, outPath: 'f' }),
      );
      expect(err.message).toContain('refused by the outbound policy');
      expect(err.terminal).toBe(true);
    } finally {
      harness.cleanup();
    }
  });

  it('gives up after its timeout (retried), leaving no file', async () => {
    const harness = createStepHarness(open);
    try {
      const err = await stepError(
        harness.run(httpDownloadStep, { url: `${base}/hang`, outPath: 'f', timeout: '50ms' }),
      );
      expect(err.message).toContain('no answer within 0.05s');
      expect(err.terminal).toBe(false);
      expect(() => lstatSync(join(harness.workDir.root, 'f'))).toThrow();
    } finally {
      harness.cleanup();
    }
  });

  it('checks TLS certificates unless insecureSkipTLSVerify', async () => {
    const harness = createStepHarness(open);
    try {
      const err = await stepError(
        harness.run(httpDownloadStep, { url: `${tlsBase}/x`, outPath: 'f' }),
      );
      expect(err.terminal).toBe(false);
      const outcome = await harness.run(httpDownloadStep, {
        url: `${tlsBase}/x`,
        outPath: 'f',
        insecureSkipTLSVerify: true,
      });
      expect(outcome.status).toBe('Succeeded');
      expect(readFileSync(join(harness.workDir.root, 'f'), 'utf8')).toBe('text');
    } finally {
      harness.cleanup();
    }
  });

  it('writes where a link at outPath leads inside the working directory, as securejoin does', async () => {
    const harness = createStepHarness(open);
    try {
      const root = harness.workDir.root;
      writeFileSync(join(root, 'target.txt'), 'old');
      symlinkSync('target.txt', join(root, 'link.txt'));
      const outcome = await harness.run(httpDownloadStep, {
        url: `${base}/x`,
        outPath: 'link.txt',
        allowOverwrite: true,
      });
      expect(outcome.status).toBe('Succeeded');
      expect(lstatSync(join(root, 'link.txt')).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(root, 'target.txt'), 'utf8')).toBe('text');
    } finally {
      harness.cleanup();
    }
  });

  it('keeps outPath inside the working directory', async () => {
    const harness = createStepHarness(open);
    try {
      const outside = join(dirname(harness.workDir.root), 'escaped.txt');
      const err = await stepError(
        harness.run(httpDownloadStep, { url: `${base}/x`, outPath: '../escaped.txt' }),
      );
      expect(err.terminal).toBe(true);
      expect(err.message).toContain('outPath');
      expect(() => lstatSync(outside)).toThrow();
    } finally {
      harness.cleanup();
    }
  });
});
