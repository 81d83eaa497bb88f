import { describe, expect, it } from 'vitest';
import { substituteArgs } from './substitute-args.js';

const args = new Map([
  ['service-name', 'api'],
  ['threshold', '0.95'],
]);

describe('substituteArgs', () => {
  it.each([
    ['{{args.service-name}}', 'api'],
    ['{{ args.service-name }}', 'api'],
    ['rate{svc="{{args.service-name}}"} > {{args.threshold}}', 'rate{svc="api"} > 0.95'],
    ['{{ other.thing }} stays', '{{ other.thing }} stays'],
    ['no references', 'no references'],
  ])('%s → %s', (text, expected) => {
    expect(substituteArgs(text, args, 'metric "m"')).toBe(expected);
  });

  it('walks arrays and objects and leaves other values alone', () => {
    const value = {
      url: 'http://{{args.service-name}}/health',
      headers: [{ key: 'x', value: '{{args.threshold}}' }],
      timeoutSeconds: 5,
      insecure: true,
      jsonBody: { nested: ['{{args.service-name}}', null] },
    };
    expect(substituteArgs(value, args, 'metric "m"')).toEqual({
      url: 'http://api/health',
      headers: [{ key: 'x', value: '0.95' }],
      timeoutSeconds: 5,
      insecure: true,
      jsonBody: { nested: ['api', null] },
    });
  });

  it('names an argument that is not declared', () => {
    expect(() => substituteArgs({ q: '{{ args.missing }}' }, args, 'metric "m"')).toThrow(
      'metric "m": argument "missing" is not declared by the template',
    );
  });
});
