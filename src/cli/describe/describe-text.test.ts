import { describe, expect, it } from 'vitest';
import { artifactLines, bullet, duration, fields, section } from './describe-text.js';

describe('describe text', () => {
  const now = new Date('2025-03-01T10:00:00Z');
  it.each([
    ['2025-03-01T09:59:59.150Z', '2025-03-01T10:00:00Z', '850ms'],
    ['2025-03-01T09:59:15Z', '2025-03-01T10:00:00Z', '45s'],
    ['2025-03-01T09:58:55Z', '2025-03-01T10:00:00Z', '1m5s'],
    ['2025-03-01T08:30:00Z', '2025-03-01T10:00:00Z', '1h30m'],
    ['2025-03-01T09:59:00Z', undefined, '1m'],
    [undefined, '2025-03-01T10:00:00Z', undefined],
  ])('duration from %s to %s is %s', (start, end, expected) => {
    expect(duration(start, end, now)).toBe(expected);
  });

  it('aligns fields, shows <none> for empty values, and continues long values under the value', () => {
    expect(
      fields([
        ['Name', 'dev'],
        ['Annotations', 'a=1\nb=2'],
        ['Shard', ''],
      ]),
    ).toEqual(['Name:        dev', 'Annotations: a=1\n             b=2', 'Shard:       <none>']);
  });

  it('indents sections and bullets, and says <none> for an empty one', () => {
    expect(section('Problems', [bullet('first line\nsecond line')])).toEqual([
      'Problems:',
      '  - first line\n    second line',
    ]);
    expect(section('Problems', [])).toEqual(['Problems:  <none>']);
  });

  it('lists every kind of artifact on its own line', () => {
    expect(
      artifactLines({
        images: [{ repoURL: 'ghcr.io/acme/web', tag: '1.2.3', digest: 'sha256:abc' }],
        commits: [
          { repoURL: 'https://git.example/app.git', id: '0123456789abcdef', message: 'fix\nmore' },
        ],
        charts: [{ repoURL: 'oci://charts.example/web', version: '2.0.0' }],
      }),
    ).toEqual([
      'image   ghcr.io/acme/web:1.2.3 (sha256:abc)',
      'commit  https://git.example/app.git@0123456 "fix"',
      'chart   oci://charts.example/web:2.0.0',
    ]);
  });
});
