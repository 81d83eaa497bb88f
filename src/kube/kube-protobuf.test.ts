import { describe, expect, it } from 'vitest';
import { decodeKubeProtobuf } from './kube-protobuf.js';

/** Protobuf encoding, just enough to write what client-go's typed clients send. */
const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  return [...out, n];
};
const bytes = (field: number, value: number[] | string): number[] => {
  const data = typeof value === 'string' ? [...Buffer.from(value)] : value;
  return [...varint(field * 8 + 2), ...varint(data.length), ...data];
};
const number = (field: number, value: number): number[] => [...varint(field * 8), ...varint(value)];
const entry = (field: number, key: string, value: string) =>
  bytes(field, [...bytes(1, key), ...bytes(2, value)]);
const envelope = (apiVersion: string, kind: string, raw: number[]) =>
  Uint8Array.from([
    0x6b,
    0x38,
    0x73,
    0x00,
    ...bytes(1, [...bytes(1, apiVersion), ...bytes(2, kind)]),
    ...bytes(2, raw),
    ...bytes(3, ''),
  ]);

describe('Kubernetes protobuf bodies', () => {
  it('reads a Namespace as kubectl create ns sends it', () => {
    const meta = [...bytes(1, 'sandbox'), ...entry(11, 'team', 'web'), ...entry(12, 'note', 'hi')];
    expect(
      decodeKubeProtobuf(envelope('v1', 'Namespace', [...bytes(1, meta), ...bytes(2, [])])),
    ).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'sandbox', labels: { team: 'web' }, annotations: { note: 'hi' } },
    });
  });

  it('reads a Secret (data as base64) and a ConfigMap', () => {
    const secret = decodeKubeProtobuf(
      envelope('v1', 'Secret', [
        ...bytes(1, [...bytes(1, 'creds'), ...bytes(3, 'demo')]),
        ...entry(2, 'password', 'hunter2'),
        ...bytes(3, 'Opaque'),
        ...number(5, 1),
      ]),
    );
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'demo' },
      data: { password: Buffer.from('hunter2').toString('base64') },
      type: 'Opaque',
      immutable: true,
    });
    const config = decodeKubeProtobuf(
      envelope('v1', 'ConfigMap', [...bytes(1, bytes(1, 'settings')), ...entry(2, 'a', 'b')]),
    );
    expect(config).toMatchObject({ kind: 'ConfigMap', data: { a: 'b' } });
  });

  it.each([
    [Uint8Array.from([1, 2, 3, 4]), /"k8s\\0" prefix/],
    [Uint8Array.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x05, 0x01]), /ends in the middle/],
    [envelope('apps/v1', 'Deployment', []), /kind "Deployment" is not understood here/],
  ])('refuses a malformed or foreign body (%#)', (body, message) => {
    expect(() => decodeKubeProtobuf(body)).toThrow(message);
  });
});
