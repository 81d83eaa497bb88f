import { describe, expect, it } from 'vitest';
import { constraintProblem, parseConstraint, parseVersion } from './semver-constraint.js';

const matches = (constraint: string, version: string) =>
  parseConstraint(constraint).matches(parseVersion(version, false)!);

describe('parseVersion', () => {
  it.each([
    ['1.2.3', true, '1.2.3'],
    ['1.2.3-rc.1+build.5', true, '1.2.3-rc.1'],
    // Kargo's parser_test.go TestParse "strictly valid, with leading v and strict parsing".
    ['v1.2.3', true, '1.2.3'],
    ['v1.2', true, undefined],
    ['1.2', true, undefined],
    ['latest', true, undefined],
    ['v1.2.3', false, '1.2.3'],
    ['v1.2', false, '1.2.0'],
    ['7', false, '7.0.0'],
    ['1.2.3.4', false, undefined],
    ['release-1', false, undefined],
  ])('%s (strict %s) → %s', (text, strict, expected) => {
    expect(parseVersion(text, strict)?.version).toBe(expected);
  });
});

describe('parseConstraint (Masterminds syntax)', () => {
  it.each([
    ['^1.26.0', '1.27.3', true],
    ['^1.26.0', '2.0.0', false],
    ['>=1.0, <2.0', '1.9.9', true],
    ['>=1.0, <2.0', '2.0.0', false],
    ['>= 1.0 < 2.0', '1.5.0', true],
    ['~> 1.2', '1.2.9', true],
    ['~> 1.2', '1.3.0', false],
    ['1.2.x', '1.2.7', true],
    ['=< 1.4', '1.4.0', true],
    ['!=1.2.3', '1.2.3', false],
    ['!=1.2.3', '1.2.4', true],
    ['>=1.0, !=1.5.0, <2', '1.5.0', false],
    ['>=1.0, !=1.5.0, <2', '1.5.1', true],
    ['<1.0 || >=3.0', '3.1.0', true],
    ['<1.0 || >=3.0', '2.0.0', false],
    ['1.2 - 1.4', '1.4.5', true],
    ['v1.2.x', '1.2.1', true],
    ['', '9.9.9', true],
    ['^1.0.0', '1.1.0-rc.1', false],
  ])('%s matches %s: %s', (constraint, version, expected) => {
    expect(matches(constraint, version)).toBe(expected);
  });

  it.each([
    ['not-a-version', '"not-a-version" is not a semantic version constraint'],
    ['>=1.0 ||', 'empty alternative in ">=1.0 ||"'],
    ['>=1.0, >>2', 'is not a semantic version constraint'],
  ])('rejects %s', (constraint, message) => {
    expect(constraintProblem(constraint)).toContain(message);
  });
});
