import { describe, expect, it } from 'vitest';
import { judgeResult, parseConditions } from './measurement-conditions.js';

const judge = (result: unknown, success?: string, failure?: string) =>
  judgeResult(result, parseConditions('m', success, failure));

describe('judgeResult', () => {
  it.each<[string, unknown, string | undefined, string | undefined, string]>([
    ['no conditions', 'anything', undefined, undefined, 'Successful'],
    ['success true', [0.99], 'result[0] >= 0.95', undefined, 'Successful'],
    ['success false, no failure condition', [0.5], 'result[0] >= 0.95', undefined, 'Failed'],
    ['failure true', 0.5, undefined, 'result < 0.9', 'Failed'],
    ['failure false, no success condition', 0.95, undefined, 'result < 0.9', 'Successful'],
    ['both set, failure true wins', 0.5, 'result < 1', 'result < 0.9', 'Failed'],
    ['both set, success true', 0.99, 'result > 0.95', 'result < 0.9', 'Successful'],
    ['both set, neither true', 0.92, 'result > 0.95', 'result < 0.9', 'Inconclusive'],
    ['map result', { data: { ok: true } }, 'result.data.ok == true', undefined, 'Successful'],
    ['string result', 'green', 'result == "green"', undefined, 'Successful'],
    ['isNaN', NaN, '!isNaN(result)', undefined, 'Failed'],
    ['isInf', Infinity, undefined, 'isInf(result)', 'Failed'],
    ['asInt', '42', 'asInt(result) == 42', undefined, 'Successful'],
    ['asFloat', '0.5', 'asFloat(result) < 1', undefined, 'Successful'],
    ['asFloat of NaN text', 'NaN', 'isNaN(asFloat(result))', undefined, 'Successful'],
    ['default on nil', null, 'default(result, 0) == 0', undefined, 'Successful'],
    ['isNil', null, 'isNil(result)', undefined, 'Successful'],
    [
      'standard builtins',
      [1, 2, 3],
      'all(result, # > 0) && len(result) == 3',
      undefined,
      'Successful',
    ],
    ['not a bool', 1, 'result + 1', undefined, 'Error'],
    ['evaluation error', [], 'result[0] > 1', undefined, 'Error'],
    ['asInt of text', 'abc', 'asInt(result) > 1', undefined, 'Error'],
  ])('%s', (_, result, success, failure, phase) => {
    expect(judge(result, success, failure).phase).toBe(phase);
  });

  it('says which condition decided', () => {
    expect(judge(0.5, 'result > 0.9').message).toBe('successCondition "result > 0.9" is false');
    expect(judge(0.5, undefined, 'result < 0.9').message).toBe(
      'failureCondition "result < 0.9" is true',
    );
    expect(judge([], 'result[0] > 1').message).toMatch(
      /^successCondition: column \d+: index out of range: 0/,
    );
  });

  it('refuses a condition that does not parse, naming the metric and field', () => {
    expect(() => parseConditions('latency', 'result >', undefined)).toThrow(
      /^metric "latency": successCondition: column \d+/,
    );
  });
});
