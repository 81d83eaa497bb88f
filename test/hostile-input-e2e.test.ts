import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGantryServer, type GantryServerProcess } from './gantry-process.js';
import { refusedAddress, type RefusedAddress } from './refused-address.js';

/**
 * An attacker's view of a server started as the README says (default flags): every malformed,
 * oversized or deeply nested input is answered 4xx with a JSON error naming the problem, the
 * process stays up, and its memory stays bounded. Then a seeded mutation fuzzer over valid
 * manifests, which must never see a 500.
 */

const api = 'kargo.akuity.io/v1alpha1';
const MiB = 1024 * 1024;

let server: GantryServerProcess;
let dataDir: string;
let refused: RefusedAddress | undefined;
let baselineRssKb = 0;

interface Answer {
  status: number;
  text: string;
  /** The parsed body when it is JSON. */
  json?: { error?: { code: string; message: string } } & Record<string, unknown>;
}

/** A request body: text or bytes (sent with a Content-Length), or `stream` bytes sent chunked. */
type Body = string | Buffer | { stream: number };

/**
 * Every request of this file goes through here: the one place that adds credentials (the
 * initial admin token, when the server wrote one) and reads answers. node:http rather than
 * fetch, on a connection of its own: a server that answers an oversized upload early and then
 * closes the connection is doing its job, and the answer must still be read.
 */
function send(
  method: string,
  path: string,
  options: { body?: Body; type?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const { port } = new URL(server.url);
  const headers: Record<string, string> = { ...credentials(), ...options.headers };
  if (options.type !== undefined) headers['content-type'] = options.type;
  const body = options.body;
  if (typeof body === 'string' || Buffer.isBuffer(body))
    headers['content-length'] = String(Buffer.byteLength(body));
  // Keep-alive, as browsers and curl ask: a server answering an oversized upload early then
  // reads and discards the rest for a while, so the client is sure to read the answer.
  const agent = new Agent({ keepAlive: true });
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = httpRequest(
      { host: '127.0.0.1', port, method, path, headers, agent },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Answer['json'];
          try {
            json = JSON.parse(text) as Answer['json'];
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, text, json });
          // The rest of an upload the server refused is not worth sending.
          request.destroy();
          agent.destroy();
        });
      },
    );
    request.setTimeout(30_000, () => request.destroy(new Error(`${method} ${path}: no answer`)));
    // Once answered, the server may cut the rest of an upload short: not a failure.
    request.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
      request.end(body);
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < body.stream && !answered && !request.destroyed) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', pump);
      }
      request.end();
    };
    pump();
  });
}

let token: string | undefined;
function credentials(): Record<string, string> {
  if (token === undefined) {
    const file = join(dataDir, 'initial-admin-token');
    token = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  }
  return token ? { authorization: `Bearer ${token}` } : {};
}

const json = (value: unknown) => ({ body: JSON.stringify(value), type: 'application/json' });
const yaml = (text: string) => ({ body: text, type: 'application/yaml' });

function rssKb(): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function expectAlive(): Promise<void> {
  expect(server.child.exitCode).toBeNull();
  expect((await send('GET', '/healthz')).status).toBe(200);
}

const project = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: api,
  kind: 'Project',
  metadata: { name, ...extra },
});

function nestedYamlBlock(depth: number): string {
  return `${Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`;
}

function billionLaughs(): string {
  let text = 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  for (let i = 1; i < 10; i++)
    text += `a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]\n`;
  return text;
}

beforeAll(async () => {
  // The seed Warehouse and git step name this refusing loopback address: discovery and
  // promotions of the fuzzed manifests never reach out of the machine.
  refused = await refusedAddress();
  dataDir = mkdtempSync(join(tmpdir(), 'gantry-hostile-'));
  server = await startGantryServer(['--data-dir', dataDir], 0);
  const created = await send('POST', '/v1/projects', json(project('demo')));
  expect(created.status).toBe(201);
  baselineRssKb = rssKb();
});

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await refused?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface HostileCase {
  name: string;
  method: string;
  path: string;
  body?: () => { body?: Body; type?: string; headers?: Record<string, string> };
  status: number;
  /** What the error message must say. */
  message: string | RegExp;
}

const deepBrackets = '['.repeat(3_000);
const bigAnnotation = 'x'.repeat(3 * MiB);

const HOSTILE: HostileCase[] = [
  // The reported crash: two 6 KB requests of nested brackets ran the YAML parser out of memory.
  ...[1, 2, 3].map((n): HostileCase => ({
    name: `3,000 nested [ in YAML (request ${n})`,
    method: 'PUT',
    path: '/v1/resources',
    body: () => yaml(deepBrackets),
    status: 400,
    message: 'nested more than 100 levels deep; 100 is the limit',
  })),
  {
    name: 'the same with a simple-request content type',
    method: 'PUT',
    path: '/v1/resources',
    body: () => ({ body: deepBrackets, type: 'text/plain' }),
    status: 400,
    message: 'nested more than 100 levels deep',
  },
  {
    name: 'deep YAML flow mappings',
    method: 'PUT',
    path: '/v1/resources',
    body: () => yaml(`${'{a: '.repeat(5_000)}1${'}'.repeat(5_000)}`),
    status: 400,
    message: 'nested more than 100 levels deep',
  },
  {
    name: 'deep YAML block nesting',
    method: 'PUT',
    path: '/v1/resources',
    body: () => yaml(nestedYamlBlock(1_500)),
    status: 400,
    message: 'nested more than 100 levels deep',
  },
  {
    name: 'deep YAML compact sequences',
    method: 'PUT',
    path: '/v1/resources',
    body: () => yaml(`${'- '.repeat(50_000)}x\n`),
    status: 400,
    message: 'nested more than 100 levels deep',
  },
  {
    name: 'billion laughs',
    method: 'PUT',
    path: '/v1/resources',
    body: () => yaml(billionLaughs()),
    status: 400,
    message: 'aliases expand too much',
  },
  {
    name: 'an alias that contains itself',
    method: 'PUT',
    path: '/v1/resources',
    body: () => yaml('kind: Project\nmetadata: &m {name: x, labels: *m}\n'),
    status: 400,
    message: 'nested more than 100 levels deep',
  },
  {
    name: 'a mapping merged into itself',
    method: 'PUT',
    path: '/v1/resources',
    body: () => yaml('x: &a {<<: *a}\n'),
    status: 400,
    message: 'aliases expand too much',
  },
  {
    name: 'a top-level merge of a scalar',
    method: 'PUT',
    path: '/v1/resources',
    body: () => yaml('<<: 5\nkind: Project\n'),
    status: 400,
    message: 'Merge sources must be maps',
  },
  {
    name: 'an unknown alias',
    method: 'PUT',
    path: '/v1/resources',
    body: () => yaml('kind: *nope\n'),
    status: 400,
    message: 'Unresolved alias',
  },
  {
    name: '.inf where JSON has no such number',
    method: 'PUT',
    path: '/v1/resources',
    body: () => yaml('kind: Project\nx: .inf\n'),
    status: 400,
    message: 'x: Infinity is not a JSON number',
  },
  {
    name: 'deep JSON arrays',
    method: 'PUT',
    path: '/v1/resources',
    body: () => ({
      body: `{"items": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`,
      type: 'application/json',
    }),
    status: 400,
    message: 'nested more than 100 levels deep',
  },
  {
    name: 'deep JSON objects in one object',
    method: 'PUT',
    path: '/v1/projects/demo/stages/deep',
    body: () => ({
      body: `{"spec": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`,
      type: 'application/json',
    }),
    status: 400,
    message: 'nested more than 100 levels deep',
  },
  {
    name: 'a body over the 4 MiB default',
    method: 'PUT',
    path: '/v1/projects/demo',
    body: () => json({ ...project('demo'), spec: { padding: 'x'.repeat(5 * MiB) } }),
    status: 413,
    message:
      "the request body is larger than 4194304 bytes (4 MiB), this server's limit: send less, or start the server with a larger --max-body-size",
  },
  {
    name: 'a streamed body without Content-Length over the limit',
    method: 'PUT',
    path: '/v1/resources',
    body: () => ({ body: { stream: 6 * MiB }, type: 'application/json' }),
    status: 413,
    message: 'the request body is larger than 4194304 bytes',
  },
  {
    name: 'a webhook over the limit',
    method: 'POST',
    path: '/webhook/github/0123456789abcdef',
    body: () => ({ body: { stream: 6 * MiB }, type: 'application/json' }),
    status: 413,
    message: 'the request body is larger than 4194304 bytes',
  },
  {
    name: 'a 50 MB annotation',
    method: 'PUT',
    path: '/v1/projects/demo',
    body: () => {
      // Built as bytes: a 50 MB string through JSON.stringify would cost the test seconds.
      const [head, tail] = JSON.stringify(project('demo', { annotations: { big: '' } })).split(
        '""',
      );
      const body = Buffer.concat([
        Buffer.from(`${head}"`),
        Buffer.alloc(50 * MiB, 'x'),
        Buffer.from(`"${tail}`),
      ]);
      return { body, type: 'application/json' };
    },
    status: 413,
    message: 'the request body is larger than 4194304 bytes',
  },
  {
    name: 'a 3 MB annotation (under the body limit)',
    method: 'PUT',
    path: '/v1/projects/demo',
    body: () => json(project('demo', { annotations: { big: bigAnnotation } })),
    status: 400,
    message: 'bytes of annotations (keys and values together); at most 262144 (256 KiB',
  },
  {
    name: 'an object over 1.5 MiB stored',
    method: 'PUT',
    path: '/v1/projects/demo/promotiontasks/huge',
    body: () =>
      json({
        apiVersion: api,
        kind: 'PromotionTask',
        metadata: { name: 'huge', namespace: 'demo' },
        spec: { steps: [{ uses: 'compose-output', config: { data: 'x'.repeat(2 * MiB) } }] },
      }),
    status: 413,
    message: 'PromotionTask "huge" in project "demo" would be',
  },
  {
    name: 'invalid UTF-8',
    method: 'PUT',
    path: '/v1/resources',
    body: () => ({
      body: Buffer.concat([
        Buffer.from('{"items": [{"kind": "'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}]}'),
      ]),
      type: 'application/json',
    }),
    status: 400,
    message: 'the request body is not valid UTF-8 text',
  },
  {
    name: 'a NUL byte in a name in the URL',
    method: 'GET',
    path: '/v1/projects/de%00mo/stages',
    status: 400,
    message: 'the URL path contains a control character',
  },
  {
    name: 'a NUL byte in a name in the body',
    method: 'POST',
    path: '/v1/projects',
    body: () => json(project('de\u0000mo')),
    status: 400,
    message: 'metadata.name',
  },
  {
    name: 'a form instead of JSON',
    method: 'POST',
    path: '/v1/projects',
    body: () => ({ body: 'name=demo&kind=Project', type: 'application/x-www-form-urlencoded' }),
    status: 400,
    message: 'the request body is not valid JSON',
  },
  {
    name: 'multipart instead of JSON',
    method: 'PUT',
    path: '/v1/resources',
    body: () => ({
      body: '--x\r\n\r\nkind: Project\r\n--x--',
      type: 'multipart/form-data; boundary=x',
    }),
    status: 400,
    message: 'the request body is not valid JSON',
  },
  {
    name: 'items that are not a list',
    method: 'PUT',
    path: '/v1/resources',
    body: () => json({ items: 'everything' }),
    status: 400,
    message: 'items: must be a list of objects',
  },
  {
    name: 'a wrong method',
    method: 'PATCH',
    path: '/v1/projects/demo',
    status: 404,
    message: 'no such API path: PATCH /v1/projects/demo',
  },
  {
    name: 'bad percent-encoding in the path',
    method: 'GET',
    path: '/v1/projects/%E0%A4%A/stages',
    status: 400,
    message: 'the URL path is not valid percent-encoding of UTF-8 text',
  },
  {
    name: 'a lone % in the path',
    method: 'GET',
    path: '/v1/projects/demo/stages/50%off',
    status: 400,
    message: 'the URL path is not valid percent-encoding',
  },
  {
    name: 'bad percent-encoding in the query',
    method: 'GET',
    path: '/v1/projects/demo/stages?labelSelector=%E0%A4%A',
    status: 400,
    message: 'query parameter "labelSelector" is not valid percent-encoding',
  },
  {
    name: 'an absurd limit',
    method: 'GET',
    path: '/v1/projects/demo/stages?limit=99999999999999999999',
    status: 400,
    message: 'limit must be a whole number from 1 to 10000',
  },
  {
    name: 'a garbage continue token',
    method: 'GET',
    path: '/v1/projects/demo/stages?limit=1&continue=%21%21garbage',
    status: 400,
    message: 'is not one this server issued',
  },
  {
    name: 'a continue token smuggling a NUL',
    method: 'GET',
    path: `/v1/projects/demo/stages?limit=1&continue=${Buffer.from(JSON.stringify(['demo', 'a\u0000'])).toString('base64url')}`,
    status: 400,
    message: 'is not one this server issued',
  },
  {
    name: 'a bad resourceVersion on delete',
    method: 'DELETE',
    path: '/v1/projects/demo/stages/x?resourceVersion=abc',
    status: 400,
    message: 'resourceVersion must be a version number',
  },
  {
    name: 'a bad resourceVersion on a watch',
    method: 'GET',
    path: '/v1/projects/demo/stages?watch=true&resourceVersion=1e99',
    status: 400,
    message: 'resourceVersion must be a version number',
  },
  {
    name: 'an absurd label selector',
    method: 'GET',
    path: `/v1/projects/demo/stages?labelSelector=${'a,'.repeat(6_000)}`,
    status: 400,
    message: 'labelSelector is 12000 characters long; at most 8192',
  },
  {
    name: 'thousands of YAML documents',
    method: 'PUT',
    path: '/v1/resources',
    body: () => yaml('kind: Project\n---\n'.repeat(6_000)),
    status: 400,
    message: 'more than 5000 documents',
  },
  {
    name: 'thousands of JSON documents',
    method: 'POST',
    path: '/v1/resources?dryRun=true',
    body: () => json({ items: Array.from({ length: 6_000 }, (_, i) => project(`p${i}`)) }),
    status: 400,
    message: 'items: 6000 documents; 5000 is the most one request may hold',
  },
  {
    name: 'a long chain in an expression',
    method: 'POST',
    path: '/v1/projects/demo/expressions',
    body: () => json({ expression: Array.from({ length: 20_000 }, () => '1').join('+') }),
    status: 400,
    // expr-lang's own limit, as Kargo compiles expressions.
    message: 'compilation failed: expression exceeds maximum allowed nodes',
  },
  {
    name: 'deep JSON inside an expression',
    method: 'POST',
    path: '/v1/projects/demo/expressions',
    body: () =>
      json({ expression: `toJSON(fromJSON("${'['.repeat(50_000)}${']'.repeat(50_000)}"))` }),
    status: 400,
    message: 'nested more than 100 levels deep',
  },
];

describe('a server facing hostile input', () => {
  it.each(HOSTILE)('answers $name with $status and a JSON error', async (hostile) => {
    const answer = await send(hostile.method, hostile.path, hostile.body?.() ?? {});
    expect({ status: answer.status, text: answer.text.slice(0, 300) }).toMatchObject({
      status: hostile.status,
    });
    expect(answer.json?.error?.message).toEqual(
      typeof hostile.message === 'string'
        ? expect.stringContaining(hostile.message)
        : expect.stringMatching(hostile.message),
    );
    expect(answer.json?.error?.message).not.toContain('\n');
    await expectAlive();
  });

  it('handles odd but valid YAML: a merge key at the top level', async () => {
    const merged = await send(
      'PUT',
      '/v1/resources',
      yaml(`<<: {apiVersion: ${api}, kind: Project}\nmetadata: {name: merged}\n`),
    );
    expect(merged.status).toBe(200);
    expect((await send('GET', '/v1/projects/merged')).status).toBe(200);
  });

  it('has stored nothing oversized and kept its memory', async () => {
    const demo = await send('GET', '/v1/projects/demo');
    expect(demo.text.length).toBeLessThan(10_000);
    expect((await send('GET', '/v1/projects/demo/promotiontasks/huge')).status).toBe(404);
    // The reported attack grew the server to 600 MB; what stays is parsers' and caches' warm-up.
    expect(rssKb() - baselineRssKb).toBeLessThan(250 * 1024);
    await expectAlive();
  });

  it('never answers 500 to mutations of valid manifests (seeded fuzzer)', async () => {
    const random = mulberry32(0x6a6e7472);
    const failures: string[] = [];
    for (let i = 0; i < 300; i++) {
      const documents = mutate(structuredClone(seedManifests()), random);
      const asYaml = random() < 0.5;
      let body = asYaml
        ? documents.map((d) => toYaml(d, { aliasDuplicateObjects: false })).join('---\n')
        : JSON.stringify({ items: documents });
      if (random() < 0.3) body = mutateText(body, random);
      const dryRun = random() < 0.5 ? '?dryRun=true' : '';
      const method = ['PUT', 'POST', 'DELETE'][Math.floor(random() * 3)]!;
      const answer = await send(method, `/v1/resources${dryRun}`, {
        body,
        type: asYaml ? 'application/yaml' : 'application/json',
      });
      if (answer.status >= 500 || answer.json === undefined)
        failures.push(
          `case ${i}: ${answer.status} ${answer.text.slice(0, 200)}\n${body.slice(0, 300)}`,
        );
    }
    expect(failures).toEqual([]);
    await expectAlive();
    expect(rssKb() - baselineRssKb).toBeLessThan(250 * 1024);
  });
});

function seedManifests(): Array<Record<string, unknown>> {
  return [
    project('fuzz'),
    {
      apiVersion: api,
      kind: 'Warehouse',
      metadata: { name: 'web', namespace: 'fuzz', labels: { tier: 'web' } },
      spec: {
        interval: '5m',
        subscriptions: [
          { image: { repoURL: `${refused!.host}/example/web`, constraint: '^1.0.0' } },
        ],
      },
    },
    {
      apiVersion: api,
      kind: 'Stage',
      metadata: { name: 'dev', namespace: 'fuzz', annotations: { note: 'first' } },
      spec: {
        requestedFreight: [
          { origin: { kind: 'Warehouse', name: 'web' }, sources: { direct: true } },
        ],
        promotionTemplate: {
          spec: {
            vars: [{ name: 'branch', value: 'env/dev' }],
            steps: [
              {
                uses: 'git-clone',
                config: {
                  repoURL: `${refused!.url}/r.git`,
                  checkout: [{ branch: 'main', path: './src' }],
                },
              },
              { uses: 'compose-output', as: 'out', config: { message: '${{ vars.branch }}' } },
            ],
          },
        },
      },
    },
  ];
}

/** Values that break assumptions: types, sizes, encodings, YAML-special and prototype keys. */
const ODD_VALUES: Array<(random: () => number) => unknown> = [
  () => null,
  () => -1,
  () => 1e308 * 10,
  () => Number.MAX_SAFE_INTEGER + 2,
  () => 0.1,
  () => true,
  () => '',
  () => 'x'.repeat(70_000),
  () => '\u0000\u0001\u001f',
  () => '\ud800',
  () => '🚀'.repeat(100),
  () => '${{ 1 +',
  () => '../../etc/passwd',
  () => '*alias',
  () => '<<',
  () => [],
  () => [[[[[[[[[[]]]]]]]]]],
  () => ({}),
  () => ({ __proto__: { polluted: true } }),
  () => JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
  (random) => nest(Math.floor(random() * 150)),
];

function nest(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { n: value };
  return value;
}

const SPECIAL_KEYS = ['constructor', '__proto__', 'prototype', 'kind', 'status', 'toString'];

/** Applies one to four structural mutations to random places in the documents. */
function mutate(documents: unknown[], random: () => number): unknown[] {
  const rounds = 1 + Math.floor(random() * 4);
  for (let round = 0; round < rounds; round++) {
    const target = pickContainer(documents, random);
    const keys = Array.isArray(target) ? target.map((_, i) => i) : Object.keys(target);
    const key = keys.length > 0 ? keys[Math.floor(random() * keys.length)]! : 'added';
    const record = target as Record<string | number, unknown>;
    const choice = random();
    if (choice < 0.25) delete record[key];
    else if (choice < 0.75)
      record[key] = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)]!(random);
    else if (choice < 0.85 && !Array.isArray(target))
      // Own properties, as JSON.parse makes them (an assignment to __proto__ would not be).
      Object.defineProperty(target, SPECIAL_KEYS[Math.floor(random() * SPECIAL_KEYS.length)]!, {
        value: 'x',
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else if (choice < 0.95)
      documents.push(structuredClone(documents[Math.floor(random() * documents.length)]));
    else documents.reverse();
  }
  return documents;
}

function pickContainer(root: unknown, random: () => number): object {
  let current = root as object;
  for (let depth = 0; depth < 8; depth++) {
    const children = Object.values(current).filter(
      (child): child is object => typeof child === 'object' && child !== null,
    );
    if (children.length === 0 || random() < 0.3) break;
    current = children[Math.floor(random() * children.length)]!;
  }
  return current;
}

/** Byte-level damage: truncation, flipped characters, inserted YAML and JSON syntax. */
function mutateText(text: string, random: () => number): string {
  const at = Math.floor(random() * text.length);
  const snippets = [
    '[',
    '{',
    '&a ',
    '*a',
    '<<: ',
    '!!binary ',
    '!!set ',
    '? ',
    '- ',
    '"',
    "'",
    '\\',
    '\u0000',
    '%',
    '---\n',
    '\t',
    ': ',
  ];
  const choice = random();
  if (choice < 0.3) return text.slice(0, at);
  if (choice < 0.6)
    return (
      text.slice(0, at) + String.fromCharCode(Math.floor(random() * 0x80)) + text.slice(at + 1)
    );
  return (
    text.slice(0, at) +
    snippets[Math.floor(random() * snippets.length)]!.repeat(1 + Math.floor(random() * 200)) +
    text.slice(at)
  );
}

/** A small seeded PRNG: the same cases on every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
