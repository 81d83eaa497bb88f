import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { packChart, readChartArchive } from './chart-archive.js';

describe('chart archives', () => {
  it('packs a chart under its name, Chart.yaml first, and reads it back', async () => {
    const bytes = packChart('app', [
      { path: 'values.yaml', content: Buffer.from('a: 1\n') },
      { path: 'Chart.yaml', content: Buffer.from('apiVersion: v2\nname: app\nversion: 1.2.3\n') },
      { path: `templates/${'x'.repeat(120)}.yaml`, content: Buffer.from('kind: ConfigMap\n') },
    ]);
    const tar = gunzipSync(bytes);
    expect(tar.subarray(0, 14).toString()).toBe('app/Chart.yaml');
    expect(tar.toString('latin1')).toContain(`app/templates/${'x'.repeat(120)}.yaml`);
    const meta = await readChartArchive(bytes);
    expect([meta.name, meta.version]).toEqual(['app', '1.2.3']);
  });

  it('packs the same files to the same bytes', () => {
    const files = [
      { path: 'Chart.yaml', content: Buffer.from('apiVersion: v2\nname: a\nversion: 1.0.0\n') },
    ];
    expect(packChart('a', files).equals(packChart('a', files))).toBe(true);
  });

  it.each([
    ['not gzip at all', Buffer.from('hello')],
    [
      'an archive without Chart.yaml',
      packChart('a', [{ path: 'values.yaml', content: Buffer.from('') }]),
    ],
    ['gzip of something that is not tar', gzipSync(Buffer.from('plain text, not a tar archive'))],
  ])('refuses %s', async (_name, bytes) => {
    await expect(readChartArchive(bytes)).rejects.toThrow();
  });
});
