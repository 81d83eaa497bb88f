import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStepHarness, stepError } from '../../../test/step-harness.js';
import { parseStepConfig } from '../../engine/step-config.js';
import { httpDownloadStep } from '../http-download.js';
import { httpDownloadCases, SERVER, type HttpDownloadCase } from './http-download.cases.js';

/** One loopback server; each case answers on a path of its own. */
const answers = new Map<string, NonNullable<HttpDownloadCase['response']>>();
const received = new Map<string, { headers: IncomingHttpHeaders; query: string }>();
const server = createServer((req, res) => {
  const [path = '', query = ''] = (req.url ?? '').split('?');
  const key = path.split('/')[1] ?? '';
  received.set(key, { headers: req.headers, query });
  const answer = answers.get(key) ?? {};
  res.writeHead(answer.status ?? 200, answer.headers ?? {});
  res.end(answer.body ?? '');
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('http-download as Kargo (http_downloader_test.go)', () => {
  httpDownloadCases.forEach((c, index) => {
    if (c.notRun) {
      it(`${c.upstream} — not run here: ${c.notRun}`, () =>
        expect(c.notRun!.length).toBeGreaterThan(10));
      return;
    }
    it(c.upstream, async () => {
      if (c.expect.configError !== undefined) {
        expect(() => parseStepConfig(httpDownloadStep, c.config)).toThrow(c.expect.configError);
        return;
      }
      if (!c.expect.error && !c.expect.status) {
        expect(() => parseStepConfig(httpDownloadStep, c.config)).not.toThrow();
      }
      const key = `case${index}`;
      answers.set(key, c.response ?? {});
      const config = JSON.parse(
        JSON.stringify(c.config).replaceAll(SERVER, `${base}/${key}`),
      ) as Record<string, unknown>;
      const harness = createStepHarness({ outbound: { allow: ['*'], deny: [] } });
      try {
        for (const [path, text] of Object.entries(c.files ?? {}))
          harness.workDir.writeFile(path, text);
        if (c.expect.error !== undefined) {
          const err = await stepError(harness.run(httpDownloadStep, config));
          expect(err.message).toContain(c.expect.error);
          if (c.expect.terminal !== undefined) expect(err.terminal).toBe(c.expect.terminal);
        } else {
          const outcome = await harness.run(httpDownloadStep, config);
          expect(outcome.status).toBe(c.expect.status);
          if (c.expect.message) expect(outcome.message).toContain(c.expect.message);
        }
        for (const [path, text] of Object.entries(c.expect.files ?? {})) {
          const at = join(harness.workDir.root, path);
          if (text === null) expect(existsSync(at), `${path} is absent`).toBe(false);
          else expect(readFileSync(at, 'utf8'), path).toBe(text);
        }
        if (c.expect.noRequest) expect(received.has(key)).toBe(false);
        const request = c.expect.request;
        if (request) {
          const seen = received.get(key);
          expect(seen?.query).toBe(request.query);
          expect(seen?.headers).toMatchObject(request.headers ?? {});
        }
      } finally {
        harness.cleanup();
      }
    });
  });
});
