import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errorResponse } from './http-errors.js';
import { readDocuments, readJsonBody } from './request-body.js';

const app = new Hono();
app.post('/json', async (c) => c.json({ value: await readJsonBody(c) }));
app.post('/documents', async (c) => c.json({ documents: await readDocuments(c) }));
app.onError((err, c) => {
  const { status, body } = errorResponse(err);
  return c.json(body, status);
});

async function send(path: string, body: string | Uint8Array, contentType = 'application/json') {
  const response = await app.request(path, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('request bodies', () => {
  it.each<[string, string | Uint8Array, string]>([
    [
      'invalid UTF-8',
      new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      'the request body is not valid UTF-8 text',
    ],
    [
      'JSON nested 101 deep',
      `${'['.repeat(101)}${']'.repeat(101)}`,
      'the request body is not valid JSON: objects and lists are nested more than 100 levels deep (at character 101); 100 is the limit',
    ],
    ['a megabyte of [', '['.repeat(1 << 20), 'nested more than 100 levels deep'],
    [
      'deep objects',
      `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
      'nested more than 100 levels deep',
    ],
    ['no body', '  ', 'the request has no body'],
    ['NUL bytes outside strings', '{"a":\u0000 1}', 'the request body is not valid JSON'],
  ])('refuses %s with 400, saying why', async (_, body, message) => {
    const refused = await send('/json', body);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain(message);
  });

  it('keeps valid UTF-8 as sent', async () => {
    expect((await send('/json', '{"a": "héllo ✓"}')).body).toEqual({ value: { a: 'héllo ✓' } });
  });

  it('refuses more than 5,000 documents in one request', async () => {
    const items = Array.from({ length: 5_001 }, () => ({}));
    const refused = await send('/documents', JSON.stringify({ items }));
    expect(refused).toEqual({
      status: 400,
      body: {
        error: {
          code: 'Invalid',
          message:
            'items: 5001 documents; 5000 is the most one request may hold (send several requests)',
          issues: [{ path: 'items', message: 'at most 5000 documents' }],
        },
      },
    });
    expect((await send('/documents', JSON.stringify({ items: items.slice(1) }))).status).toBe(200);
  });

  it.each([
    'application/yaml',
    'application/yaml; charset=utf-8',
    'application/x-yaml',
    'text/yaml',
    'text/x-yaml',
    'application/vnd.example+yaml',
  ])('reads %s as YAML', async (type) => {
    expect((await send('/documents', 'kind: A\n---\nkind: B\n', type)).body).toEqual({
      documents: [{ kind: 'A' }, { kind: 'B' }],
    });
  });

  it('does not take YAML from a content type that only mentions it', async () => {
    const refused = await send('/documents', 'kind: A\n', 'text/plain; x=yaml');
    expect(refused.body.error.message).toContain('the request body is not valid JSON');
  });

  it('says "refused" for YAML beyond a limit and "malformed" for bad syntax', async () => {
    const deep = await send('/documents', '['.repeat(3_000), 'application/yaml');
    expect(deep.status).toBe(400);
    expect(deep.body.error.message).toBe(
      'the YAML body is refused at line 1, column 103: objects and lists are nested more than 100 levels deep; 100 is the limit',
    );
    const broken = await send('/documents', 'a: [\n', 'application/yaml');
    expect(broken.body.error.message).toMatch(/^the YAML body is malformed at line 2, column 1: /);
  });
});
