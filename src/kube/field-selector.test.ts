import { describe, expect, it } from 'vitest';
import { fieldSelectorMatcher, parseFieldSelector } from './field-selector.js';

const stage = (name: string, namespace = 'demo') => ({
  kind: 'Stage',
  metadata: { name, namespace },
});

describe('field selectors', () => {
  it.each([
    ['metadata.name=dev', ['dev']],
    ['metadata.name==dev', ['dev']],
    ['metadata.name!=dev', ['prod', 'qa']],
    ['metadata.name!=dev,metadata.name!=qa', ['prod']],
    ['metadata.namespace=demo,metadata.name=prod', ['prod']],
    ['metadata.namespace=other', []],
    ['', ['dev', 'prod', 'qa']],
    [' metadata.name = dev', []],
    ['metadata.name=', []],
  ])('%s selects %j', (selector, expected) => {
    const matches = fieldSelectorMatcher(selector, 'Stage');
    expect(
      ['dev', 'prod', 'qa']
        .map((name) => stage(name))
        .filter(matches)
        .map((s) => s.metadata.name),
    ).toEqual(expected);
  });

  it('unescapes values and keeps kind-specific fields', () => {
    expect(parseFieldSelector('metadata.name=a\\,b', 'Stage')).toEqual([
      { field: 'metadata.name', operator: '=', value: 'a,b' },
    ]);
    expect(fieldSelectorMatcher('type=Opaque', 'Secret')({ type: 'Opaque' })).toBe(true);
    const event = { involvedObject: { kind: 'Stage', name: 'dev' }, source: { component: 'x' } };
    expect(
      fieldSelectorMatcher(
        'involvedObject.kind=Stage,involvedObject.name=dev,source=x',
        'Event',
      )(event),
    ).toBe(true);
    expect(fieldSelectorMatcher('involvedObject.uid=u1', 'Event')(event)).toBe(false);
  });

  it.each([
    ['spec.foo=x', 'Stage', 'field label not supported: spec.foo'],
    ['type=Opaque', 'Stage', 'field label not supported: type'],
    ['status.phase=Active', 'Secret', 'field label not supported: status.phase'],
    [
      'metadata.name',
      'Stage',
      "invalid selector: 'metadata.name'; can't understand 'metadata.name'",
    ],
    ['=dev', 'Stage', "invalid selector: '=dev'; can't understand '=dev'"],
    ['metadata.name=a=b', 'Stage', "can't understand 'metadata.name=a=b'"],
  ])('refuses %s on %s', (selector, kind, message) => {
    expect(() => parseFieldSelector(selector, kind)).toThrow(message);
    try {
      parseFieldSelector(selector, kind);
    } catch (err) {
      expect((err as { code?: string }).code).toBe('Invalid');
    }
  });
});
