import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStepHarness, stepError } from '../../../test/step-harness.js';
import { ALIAS_LABEL } from '../../api/labels.js';
import { setFreightAlias } from '../../controllers/set-freight-alias.js';
import { parseStepConfig } from '../../engine/step-config.js';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { setFreightAliasStep } from '../set-freight-alias.js';
import { setFreightAliasCases } from './set-freight-alias.cases.js';

const PROJECT = 'test-project';

describe('set-freight-alias as Kargo (set_freight_alias_test.go)', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:' });
  });
  afterEach(() => store.close());

  for (const c of setFreightAliasCases) {
    it(c.upstream, async () => {
      if (c.expect.configErrors) {
        let message = '';
        try {
          parseStepConfig(setFreightAliasStep, c.config);
        } catch (err) {
          message = (err as Error).message;
        }
        for (const part of c.expect.configErrors) expect(message).toContain(part);
        return;
      }
      if (!c.expect.errors && !c.expect.message) {
        expect(() => parseStepConfig(setFreightAliasStep, c.config)).not.toThrow();
        return;
      }
      await store.write(
        Object.entries(c.freight ?? {}).map(([name, alias]) => ({
          op: 'create' as const,
          object: {
            apiVersion: 'kargo.akuity.io/v1alpha1',
            kind: 'Freight',
            metadata: { name, namespace: PROJECT, labels: { [ALIAS_LABEL]: alias } },
            alias,
            origin: { kind: 'Warehouse', name: 'w' },
          },
        })),
      );
      const harness = createStepHarness();
      const overrides = {
        project: PROJECT,
        setFreightAlias: (name: string, alias: string) =>
          setFreightAlias(store, PROJECT, name, alias),
      };
      try {
        if (c.expect.errors) {
          const err = await stepError(harness.run(setFreightAliasStep, c.config, overrides));
          for (const part of c.expect.errors) expect(err.message).toContain(part);
          expect(err.terminal).toBe(true);
        } else {
          const outcome = await harness.run(setFreightAliasStep, c.config, overrides);
          expect(outcome.status).toBe('Succeeded');
          expect(outcome.message).toBe(c.expect.message);
        }
        for (const [name, alias] of Object.entries(c.expect.aliases ?? {})) {
          const freight = await store.get({ kind: 'Freight', namespace: PROJECT, name });
          expect((freight as { alias?: string } | undefined)?.alias, name).toBe(alias);
          expect(freight?.metadata.labels?.[ALIAS_LABEL], name).toBe(alias);
        }
      } finally {
        harness.cleanup();
      }
    });
  }
});
