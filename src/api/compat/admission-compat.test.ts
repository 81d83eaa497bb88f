import { describe, expect, it } from 'vitest';
import { validateManifest } from '../validate-manifest.js';
import { ADMISSION_CASES } from './admission.cases.js';
import { admissionCompat, quoteMeta } from './admission-compat.js';
import { foreignKindWarning } from './foreign-kinds.js';

describe('admission as Kargo: the case table', () => {
  it.each(ADMISSION_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const foreign = foreignKindWarning(c.document);
    if (c.expect === 'ignored') {
      expect(foreign).toBeDefined();
      for (const warning of c.warnings ?? []) expect(foreign).toContain(warning);
      return;
    }
    expect(foreign).toBeUndefined();
    const result = validateManifest(c.document);
    if (c.expect === 'refused') {
      expect(result.ok).toBe(false);
      const issues = result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
      for (const wanted of c.issues ?? [])
        expect(
          issues.some((issue) => issue.includes(wanted)),
          `${wanted} in ${issues.join('; ')}`,
        ).toBe(true);
      return;
    }
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    if (c.expect === 'accepted') expect(result.warnings).toEqual([]);
    else {
      expect(result.warnings.length).toBeGreaterThan(0);
      for (const wanted of c.warnings ?? [])
        expect(
          result.warnings.some((w) => w.includes(wanted)),
          wanted,
        ).toBe(true);
    }
    if (c.object) expect(c.object(result.object as Record<string, unknown>)).toEqual(c.equals);
  });

  it('every case names its upstream source, and every difference says why', () => {
    for (const c of ADMISSION_CASES) {
      expect(c.upstream.length).toBeGreaterThan(0);
      if (c.differs !== undefined) expect(c.differs.length).toBeGreaterThan(10);
    }
  });
});

describe('admissionCompat', () => {
  it('leaves its input untouched', () => {
    const document = {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Warehouse',
      metadata: { name: 'w', namespace: 'p' },
      spec: { subscriptions: [{ image: { repoURL: 'a/b', allowTags: 'x', platform: null } }] },
    };
    const copy = structuredClone(document);
    admissionCompat(document);
    expect(document).toEqual(copy);
  });

  it('keeps null list items (only object members are pruned)', () => {
    expect(admissionCompat({ kind: 'X', a: [null, { b: null }] }).document).toEqual({
      kind: 'X',
      a: [null, {}],
    });
  });

  it.each([
    ['v1.0.0', 'v1\\.0\\.0'],
    ['a+b*c?', 'a\\+b\\*c\\?'],
    ['(x|y)[z]{1}^$\\', '\\(x\\|y\\)\\[z\\]\\{1\\}\\^\\$\\\\'],
    ['plain-tag_1', 'plain-tag_1'],
  ])('quotes %s as Go regexp.QuoteMeta does', (text, quoted) => {
    expect(quoteMeta(text)).toBe(quoted);
    expect(new RegExp(`^${quoteMeta(text)}$`).test(text)).toBe(true);
  });
});
