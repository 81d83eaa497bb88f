import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../audit/audit-log.js';
import type { StoredResource } from '../../api/resource.js';
import { eventInWords, eventLines, isAbout } from './describe-events.js';

const event = (fields: Partial<AuditEvent>): AuditEvent => ({
  id: '01',
  time: '2025-03-01T10:00:00Z',
  actor: 'email:alice@example.com',
  action: 'create',
  kind: 'Stage',
  project: 'shop',
  name: 'prod',
  ...fields,
});
const object = (kind: string, name: string, namespace?: string): StoredResource => ({
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind,
  metadata: {
    name,
    namespace,
    uid: 'u',
    resourceVersion: '1',
    generation: 1,
    creationTimestamp: '2025-03-01T09:00:00Z',
  },
});
const aliases: Record<string, string> = { f0a1b2c3d4: 'fruitful-ferret' };
const aliasOf = (name: string) => aliases[name] ?? name.slice(0, 7);

describe('eventInWords', () => {
  it.each([
    [
      'a promotion names the Freight by alias and the Stage',
      event({
        kind: 'Promotion',
        action: 'promote',
        name: 'prod.01.f0a',
        message: 'Freight f0a1b2c3d4 to Stage prod',
      }),
      'promoted Freight fruitful-ferret to prod',
    ],
    [
      'an approval says for which Stage',
      event({ kind: 'Freight', action: 'approve', name: 'f0a1b2c3d4', message: 'for Stage prod' }),
      'approved Freight fruitful-ferret for Stage prod',
    ],
    [
      'a freeze gives its reason',
      event({ kind: 'Project', action: 'freeze', name: 'shop', message: 'release week' }),
      'froze Project shop: release week',
    ],
    ['a plain change', event({ action: 'update' }), 'updated Stage prod'],
    ['a rollback', event({ action: 'rollback' }), 'rolled back Stage prod'],
    ['an action without words of its own', event({ action: 'teleport' }), 'teleport Stage prod'],
  ])('%s', (_what, given, words) => {
    expect(eventInWords(given, aliasOf)).toBe(words);
  });
});

describe('isAbout', () => {
  const promotedToProd = event({
    kind: 'Promotion',
    action: 'promote',
    name: 'prod.01.f0a',
    message: 'Freight f0a1b2c3d4 to Stage prod',
  });
  it.each([
    ['its own change', event({}), object('Stage', 'prod', 'shop'), true],
    [
      'a same-named object in another project',
      event({ project: 'other' }),
      object('Stage', 'prod', 'shop'),
      false,
    ],
    ['a Promotion to the Stage', promotedToProd, object('Stage', 'prod', 'shop'), true],
    ['a Promotion to another Stage', promotedToProd, object('Stage', 'dev', 'shop'), false],
    ['a Promotion of the Freight', promotedToProd, object('Freight', 'f0a1b2c3d4', 'shop'), true],
    [
      'an approval for the Stage',
      event({ kind: 'Freight', action: 'approve', name: 'f0a1b2c3d4', message: 'for Stage prod' }),
      object('Stage', 'prod', 'shop'),
      true,
    ],
    [
      'anything in a Project, for the Project',
      event({ name: 'dev' }),
      object('Project', 'shop'),
      true,
    ],
    [
      'a Stage of the same name in a Warehouse report',
      event({ name: 'app' }),
      object('Warehouse', 'app', 'shop'),
      false,
    ],
  ])('%s', (_what, given, about, expected) => {
    expect(isAbout(given, about)).toBe(expected);
  });
});

describe('eventLines', () => {
  const now = new Date('2025-03-01T10:03:00Z');
  it('lists the events about the object, newest first as given, with their age and actor', () => {
    expect(
      eventLines(
        object('Stage', 'prod', 'shop'),
        [event({ action: 'update' }), event({ name: 'dev' })],
        aliasOf,
        now,
      ),
    ).toEqual([
      'Events:',
      '  AGE      ACTOR                     WHAT',
      '  3m ago   email:alice@example.com   updated Stage prod',
    ]);
  });
  it('says why events are left out, or that there are none', () => {
    expect(
      eventLines(object('Stage', 'prod', 'shop'), 'not shown: not allowed', aliasOf, now),
    ).toEqual(['Events:  <not shown: not allowed>']);
    expect(eventLines(object('Stage', 'prod', 'shop'), [], aliasOf, now)).toEqual([
      'Events:  <none>',
    ]);
  });
});
