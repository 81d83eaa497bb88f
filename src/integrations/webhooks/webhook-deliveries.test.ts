import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../../api/resource.js';
import {
  CONTENT_WINDOW_MS,
  DELIVERY_WINDOW_MS,
  deliveriesToCollect,
  deliveryKeys,
  deliveryRecord,
  deliveryRecordName,
} from './webhook-deliveries.js';

const body = Buffer.from('{"ref":"refs/heads/main"}');

describe('deliveryKeys', () => {
  it.each([
    ['github', { 'x-github-delivery': 'g-1' }, 'delivery:x-github-delivery:g-1'],
    [
      'gitlab',
      { 'idempotency-key': 'k-1', 'x-gitlab-event-uuid': 'u-1' },
      'delivery:idempotency-key:k-1',
    ],
    ['gitlab', { 'x-gitlab-event-uuid': 'u-1' }, 'delivery:x-gitlab-event-uuid:u-1'],
    ['gitea', { 'x-gitea-delivery': 'e-1' }, 'delivery:x-gitea-delivery:e-1'],
    ['generic', { 'x-request-uuid': 'b-1' }, 'delivery:x-request-uuid:b-1'],
  ])('%s: the provider names the delivery (%j)', (provider, headers, id) => {
    const keys = deliveryKeys(provider, { headers, body });
    expect(keys[0]).toEqual({ id, windowMs: DELIVERY_WINDOW_MS });
    // The content is a key too: a replay with a made-up delivery id is still a replay.
    expect(keys[1]!.id).toMatch(/^content:[0-9a-f]{64}$/);
  });

  it('hashes the body with its signature: another signature is another delivery', () => {
    const signed = (signature: string) =>
      deliveryKeys('github', { headers: { 'x-hub-signature-256': signature }, body });
    expect(signed('sha256=aa')).toEqual(signed('sha256=aa'));
    expect(signed('sha256=aa')[0]!.id).not.toBe(signed('sha256=bb')[0]!.id);
    expect(signed('sha256=aa')[0]!.windowMs).toBe(DELIVERY_WINDOW_MS);
  });

  it('remembers unauthenticated content only briefly (identical bodies may be new events)', () => {
    const [key] = deliveryKeys('quay', { headers: {}, body });
    expect(key!.windowMs).toBe(CONTENT_WINDOW_MS);
    expect(deliveryKeys('quay', { headers: {}, body })[0]!.id).not.toBe(
      deliveryKeys('dockerhub', { headers: {}, body })[0]!.id,
    );
  });

  it('ignores absurdly long delivery ids', () => {
    const keys = deliveryKeys('github', {
      headers: { 'x-github-delivery': 'x'.repeat(500) },
      body,
    });
    expect(keys.map((k) => k.id.split(':')[0])).toEqual(['content']);
  });
});

describe('delivery records', () => {
  const now = new Date('2026-11-22T10:00:00Z');

  it('are named by a hash of the receiver and the key, valid whatever was sent', () => {
    const key = { id: 'delivery:x-github-delivery:../../etc/passwd', windowMs: 1000 };
    expect(deliveryRecordName('gh', key)).toMatch(/^d-[0-9a-f]{40}$/);
    expect(deliveryRecordName('gh', key)).not.toBe(deliveryRecordName('other', key));
    expect(deliveryRecord('shop', 'gh', key, now).spec).toEqual({
      receiver: 'gh',
      key: 'delivery:x-github-delivery:../../etc/passwd',
      receivedAt: '2026-11-22T10:00:00.000Z',
      expiresAt: '2026-11-22T10:00:01.000Z',
    });
  });

  it('are collected when expired, and the oldest beyond the bound', () => {
    const record = (name: string, receivedAt: string, expiresAt: string) =>
      ({ metadata: { name }, spec: { receivedAt, expiresAt } }) as unknown as StoredResource;
    const records = [
      record('expired', '2026-11-21T09:00:00Z', '2026-11-22T09:00:00Z'),
      record('oldest', '2026-11-22T09:01:00Z', '2026-11-23T09:01:00Z'),
      record('newer', '2026-11-22T09:02:00Z', '2026-11-23T09:02:00Z'),
      record('newest', '2026-11-22T09:03:00Z', '2026-11-23T09:03:00Z'),
      record('broken', '', 'not a time'),
    ];
    expect(deliveriesToCollect(records, now, 2).map((r) => r.metadata.name)).toEqual([
      'expired',
      'broken',
      'oldest',
    ]);
    expect(deliveriesToCollect(records, now).map((r) => r.metadata.name)).toEqual([
      'expired',
      'broken',
    ]);
  });
});
