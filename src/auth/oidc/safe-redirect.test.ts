import { describe, expect, it } from 'vitest';
import { safeRedirectPath } from './safe-redirect.js';

describe('safeRedirectPath', () => {
  it.each([
    ['/', '/'],
    ['/projects/x', '/projects/x'],
    ['/projects/x?stage=dev#freight', '/projects/x?stage=dev#freight'],
    ['/projects/a%20b', '/projects/a%20b'],
    ['/projects/./x/../y', '/projects/y'],
  ])('keeps the same-origin path %j', (input, expected) => {
    expect(safeRedirectPath(input)).toBe(expected);
  });

  it.each([
    undefined,
    null,
    '',
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/\\/evil.example',
    'https://evil.example/',
    'http:evil.example',
    'javascript:alert(1)',
    'data:text/html,hi',
    'evil.example',
    'projects/x',
    '/\t/evil.example',
    '/\n/evil.example',
    '/ /evil.example',
    '/%2F/evil.example',
    '/%2f%2fevil.example',
    '%2F%2Fevil.example',
    '/%5Cevil.example',
    '/%09/evil.example',
    '/..//evil.example',
    '/./..//evil.example',
    '/%E0%A4%A',
    `/${'a'.repeat(3000)}`,
  ])('refuses %j, answering /', (input) => {
    expect(safeRedirectPath(input)).toBe('/');
  });
});
