import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { until } from './in-process-cli.js';
import { sseReader } from './sse.js';
import { startDeadEndServer, type DeadEndServer } from './dead-end-server.js';

/** Spaces, `$`, `/` and `+` make its base64 and URL-encoded spellings differ from it. */
const SECRET = 'Tk-9f8$e/7+never shown';
const SPELLINGS = {
  plain: SECRET,
  base64: Buffer.from(SECRET).toString('base64'),
  base64url: Buffer.from(SECRET).toString('base64url'),
  urlEncoded: encodeURIComponent(SECRET),
  formEncoded: new URLSearchParams({ q: SECRET }).toString().slice(2),
};
const URL_PASSWORD = 's3cret-in-url';
/** The Warehouse's registry: a server of this test's that has nothing (never the README's). */
let nowhere: DeadEndServer;
let IMAGE: string;

/** Fails naming the spelling and a little context when `text` holds the secret in any form. */
function expectNoSecret(where: string, text: string): void {
  for (const [name, spelling] of Object.entries(SPELLINGS)) {
    const at = text.indexOf(spelling);
    if (at >= 0)
      throw new Error(`${where} holds the secret (${name}): …${text.slice(at - 60, at + 60)}…`);
  }
  expect(text).not.toContain(URL_PASSWORD);
}

/**
 * A real promotion, through the server, in which a secret read with secret() flows through
 * compose-output, set-metadata, http headers and query, an error message and a fail message:
 * the value (plain, base64, URL-encoded) appears nowhere the server stores or shows, and `***`
 * appears instead. A Warehouse whose repoURL carries a password shows none in its condition.
 */
describe('secrets are masked wherever they would be stored or shown', () => {
  let dir: string;
  let gantry: RunningGantry;
  let echo: Server;
  let echoUrl: string;
  const serverLog: string[] = [];

  const auth = () => ({ authorization: `Bearer ${gantry.adminToken ?? ''}` });
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${gantry.url}${path}`, {
      method,
      headers: {
        ...auth(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-secret-masking-'));
    nowhere = await startDeadEndServer();
    IMAGE = `${nowhere.host}/acme/app`;
    // Answers with what it was sent: the Authorization header and the query.
    echo = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ authorization: req.headers.authorization, url: req.url }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    gantry = await startGantry(
      resolveServerConfig(
        {
          port: '0',
          dataDir: join(dir, 'data'),
          minWarehouseInterval: '1h',
          // The http step calls the echo server on loopback.
          outboundAllow: 'loopback',
        },
        {},
      ),
      createLogger({ level: 'debug', write: (line) => serverLog.push(line) }),
    );
    const secretRead = "${{ secret('creds').token }}";
    // Hand-made Freight of an image no registry serves: force skips the registry check.
    const applied = await api('PUT', '/v1/resources?force=true', {
      items: [
        { apiVersion: 'kargo.akuity.io/v1alpha1', kind: 'Project', metadata: { name: 'vault' } },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'creds', namespace: 'vault' },
          stringData: { token: SECRET },
        },
        {
          apiVersion: 'kargo.akuity.io/v1alpha1',
          kind: 'Warehouse',
          metadata: { name: 'app', namespace: 'vault' },
          spec: { subscriptions: [{ image: { repoURL: IMAGE } }] },
        },
        {
          apiVersion: 'kargo.akuity.io/v1alpha1',
          kind: 'Warehouse',
          metadata: { name: 'config', namespace: 'vault' },
          spec: {
            subscriptions: [
              { git: { repoURL: `https://deploy:${URL_PASSWORD}@127.0.0.1:1/x.git` } },
            ],
          },
        },
        {
          apiVersion: 'kargo.akuity.io/v1alpha1',
          kind: 'Freight',
          metadata: { name: 'f1', namespace: 'vault' },
          alias: 'first-one',
          origin: { kind: 'Warehouse', name: 'app' },
          images: [{ repoURL: IMAGE, tag: '1.0.0', digest: 'sha256:01' }],
        },
        {
          apiVersion: 'kargo.akuity.io/v1alpha1',
          kind: 'Stage',
          metadata: { name: 'dev', namespace: 'vault' },
          spec: {
            requestedFreight: [
              { origin: { kind: 'Warehouse', name: 'app' }, sources: { direct: true } },
            ],
            promotionTemplate: {
              spec: {
                vars: [{ name: 'token', value: secretRead }],
                steps: [
                  {
                    uses: 'compose-output',
                    as: 'out',
                    config: {
                      token: secretRead,
                      fromVar: 'token=${{ vars.token }}',
                      encoded: "${{ toBase64(secret('creds').token) }}",
                    },
                  },
                  {
                    uses: 'set-metadata',
                    config: {
                      updates: [
                        { kind: 'Stage', name: 'dev', values: { deployToken: secretRead } },
                        {
                          kind: 'Freight',
                          name: '${{ ctx.targetFreight.name }}',
                          values: { token: secretRead },
                        },
                      ],
                    },
                  },
                  {
                    uses: 'http',
                    as: 'call',
                    config: {
                      url: `${echoUrl}/hook`,
                      headers: [{ name: 'Authorization', value: `Bearer ${secretRead}` }],
                      queryParams: [{ name: 'q', value: secretRead }],
                      outputs: [
                        { name: 'sentHeader', fromExpression: 'response.body.authorization' },
                        { name: 'sentUrl', fromExpression: 'response.body.url' },
                      ],
                    },
                  },
                  {
                    uses: 'copy',
                    as: 'broken',
                    continueOnError: true,
                    config: { inPath: `./missing-${secretRead}`, outPath: './copy' },
                  },
                  {
                    uses: 'fail',
                    as: 'stop',
                    config: { message: `giving up, the token was ${secretRead}` },
                  },
                ],
              },
            },
          },
        },
      ],
    });
    expect(applied.status, applied.text).toBe(200);
  });
  afterAll(async () => {
    await gantry?.stop();
    await new Promise((resolve) => echo?.close(resolve));
    await nowhere?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('masks a secret in Promotion and Stage status, metadata, logs, watches and server logs', async () => {
    const created = await api('POST', '/v1/projects/vault/promotions', {
      spec: { stage: 'dev', freight: 'first-one' },
    });
    expect(created.status, created.text).toBe(201);
    const name = (created.json.metadata as { name: string }).name;
    let promotion = created;
    await until(
      async () => {
        promotion = await api('GET', `/v1/projects/vault/promotions/${name}`);
        return (promotion.json.status as { phase?: string } | undefined)?.phase === 'Failed';
      },
      'the promotion to fail at its fail step',
      20,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}: ${promotion.text}`);
    });

    const status = promotion.json.status as {
      message: string;
      state: Record<string, Record<string, unknown>>;
      stepExecutionMetadata: Array<{ alias: string; status: string; message?: string }>;
    };
    // Each path the secret took: masked, and the steps still saw the real value.
    expect(status.state.out).toEqual({
      token: '***',
      fromVar: 'token=***',
      encoded: '***',
    });
    expect(status.state.call).toEqual({ sentHeader: 'Bearer ***', sentUrl: '/hook?q=***' });
    const broken = status.stepExecutionMetadata.find((m) => m.alias === 'broken')!;
    expect(broken.status).toBe('Errored');
    expect(broken.message).toContain('missing-***');
    expect(status.message).toBe('step "stop": failed: giving up, the token was ***');

    const stage = await api('GET', '/v1/projects/vault/stages/dev');
    expect((stage.json.status as { metadata?: unknown }).metadata).toEqual({
      deployToken: '***',
    });
    const freightName = (promotion.json.spec as { freight: string }).freight;
    const freight = await api('GET', `/v1/projects/vault/freight/${freightName}`);
    expect((freight.json.status as { metadata?: unknown }).metadata).toEqual({ token: '***' });
    const logs = await api('GET', `/v1/projects/vault/promotions/${name}/logs`);
    expect(logs.text).toContain('giving up, the token was ***');

    // Every version of every object the promotion wrote, as a watch from the start replays it.
    const events: string[] = [];
    const controller = new AbortController();
    const response = await fetch(
      `${gantry.url}/v1/watch?project=vault&resourceVersion=0&kinds=promotions,stages,freight`,
      { signal: controller.signal, headers: auth() },
    );
    const reader = sseReader(response.body!);
    // The newest version among the watched kinds: the store's own may belong to another kind
    // (a Warehouse's status, an audit record), which this watch never delivers.
    let current = 0;
    for (const kind of ['Promotion', 'Stage', 'Freight']) {
      for (const item of (await gantry.store.list(kind, { namespace: 'vault' })).items)
        current = Math.max(current, Number(item.metadata.resourceVersion));
    }
    for (;;) {
      const event = await reader.next();
      events.push(event.data);
      if (Number(event.id) >= current) break;
    }
    controller.abort();
    expect(events.some((e) => e.includes('"phase":"Failed"'))).toBe(true);

    const everything = {
      promotion: promotion.text,
      stage: stage.text,
      freight: freight.text,
      logs: logs.text,
      watch: events.join('\n'),
      serverLog: serverLog.join('\n'),
    };
    for (const [where, text] of Object.entries(everything)) expectNoSecret(where, text);
  });

  it('never answers a secret value from the expressions endpoint', async () => {
    // Metadata recorded before masking existed (written straight into the store).
    const stage = await gantry.store.get({ kind: 'Stage', namespace: 'vault', name: 'dev' });
    await gantry.store.write([
      {
        op: 'updateStatus',
        key: { kind: 'Stage', namespace: 'vault', name: 'dev' },
        status: { ...(stage!.status as object), metadata: { legacy: `token ${SECRET}` } },
      },
    ]);
    const answer = await api('POST', '/v1/projects/vault/expressions', {
      expression: "stageMetadata('dev').legacy",
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual({ value: 'token ***' });
    const encoded = await api('POST', '/v1/projects/vault/expressions', {
      expression: "toBase64(stageMetadata('dev').legacy[6:])",
    });
    expect(encoded.json).toEqual({ value: '***' });
    const refused = await api('POST', '/v1/projects/vault/expressions', {
      expression: "secret('creds').token",
    });
    expect(refused.status).toBe(400);
    expectNoSecret('expression answers', answer.text + encoded.text + refused.text);
  });

  it("never shows the store's internal records (the secrets key check) through the API", async () => {
    const current = Number(await gantry.store.currentResourceVersion());
    const controller = new AbortController();
    const response = await fetch(`${gantry.url}/v1/watch?resourceVersion=0`, {
      signal: controller.signal,
      headers: auth(),
    });
    const reader = sseReader(response.body!);
    const kinds = new Set<string>();
    for (;;) {
      const event = await reader.next();
      kinds.add((JSON.parse(event.data) as { object: { kind: string } }).object.kind);
      if (Number(event.id) >= current) break;
    }
    controller.abort();
    expect(kinds.has('Stage')).toBe(true);
    expect(kinds.has('SecretsKeyCheck')).toBe(false);
    expect(
      (await gantry.store.get({ kind: 'SecretsKeyCheck', namespace: '', name: 'secrets' }))?.kind,
    ).toBe('SecretsKeyCheck');
    expect((await api('GET', '/v1/secretskeychecks')).status).toBe(404);
    // Secrets are shown without their values, and stored encrypted.
    const shown = await api('GET', '/v1/projects/vault/secrets/creds');
    expect((shown.json as { data?: unknown }).data).toEqual({ token: '***' });
  });

  it('shows no credentials of a repoURL in a Warehouse condition', async () => {
    let text = '';
    await until(
      async () => {
        const warehouse = await api('GET', '/v1/projects/vault/warehouses/config');
        // The spec is what its author wrote (docs/security.md says to use Secrets instead).
        text = JSON.stringify(warehouse.json.status ?? {});
        const conditions = (warehouse.json.status as { conditions?: Array<{ type: string }> })
          ?.conditions;
        return conditions?.some((c) => c.type === 'Ready') ?? false;
      },
      'the git Warehouse to report discovery',
      30,
    );
    expect(text).toContain('https://***@127.0.0.1:1/x.git');
    expect(text).toContain('DiscoveryFailed');
    expectNoSecret('the Warehouse', text);
    expectNoSecret('the server log', serverLog.join('\n'));
  });
});
