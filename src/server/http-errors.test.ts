import { describe, expect, it } from 'vitest';
import { inputError, tooLargeError } from '../errors.js';
import { errorFromBody, errorResponse } from './http-errors.js';

describe('errorResponse', () => {
  it.each<[string, unknown, number, string, string]>([
    ['an input error', inputError('bad'), 400, 'Invalid', 'bad'],
    ['a limit', tooLargeError('too big'), 413, 'TooLarge', 'too big'],
    [
      'a URIError (hono decoding a malformed escape)',
      new URIError('URI malformed'),
      400,
      'Invalid',
      'the URL is not valid percent-encoded UTF-8: URI malformed',
    ],
    [
      'anything else, in one line without its details',
      new RangeError('Maximum call stack size exceeded\n    at secret (/srv/x.ts:1:1)'),
      500,
      'Internal',
      'internal error: the server logged the details',
    ],
  ])('answers %s', (_, err, status, code, message) => {
    expect(errorResponse(err)).toEqual({ status, body: { error: { code, message } } });
  });

  it('is read back by clients as the same code', () => {
    const { status, body } = errorResponse(tooLargeError('too big'));
    expect(errorFromBody(status, body)).toMatchObject({ code: 'TooLarge', message: 'too big' });
  });
});
