import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { toYaml } from './to-yaml.js';

describe('toYaml', () => {
  const stage = {
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Stage',
    metadata: { name: 'dev', namespace: 'shop' },
    spec: { requestedFreight: [{ origin: { kind: 'Warehouse', name: 'app' } }] },
    status: {
      message: `${'a very long message '.repeat(10)}end`,
      error: 'line one\nline two',
      tag: '1.10',
      flag: 'true',
    },
  };

  it('keeps the keys in the order the API sent them', () => {
    const text = toYaml(stage);
    expect(text.split('\n').filter((l) => /^\S/.test(l))).toEqual([
      'apiVersion: kargo.akuity.io/v1alpha1',
      'kind: Stage',
      'metadata:',
      'spec:',
      'status:',
    ]);
  });

  it('reads back as the same object: strings that look like numbers or booleans stay strings', () => {
    expect(parse(toYaml(stage))).toEqual(stage);
    expect(toYaml(stage)).toContain(`tag: "1.10"`);
  });

  it('keeps a long string on one line and a multi-line string as a block', () => {
    const text = toYaml(stage);
    expect(text).toContain(`  message: ${stage.status.message}\n`);
    expect(text).toContain('  error: |-\n    line one\n    line two\n');
  });

  it('repeats a shared object instead of writing an anchor', () => {
    const shared = { kind: 'Warehouse', name: 'app' };
    const text = toYaml({ a: shared, b: shared });
    expect(text).not.toContain('&');
    expect(text).not.toContain('*');
  });
});
