import type { z } from 'zod';
import type { FieldIssue } from '../errors.js';
import { formatFieldPath } from './field-path.js';

/**
 * Turns zod's issues into one short, plain line per problem, with the field path users see
 * in their manifest: "required", "unknown field", "expected a string, got a number",
 * "must be one of SemVer, Lexical, Digest, NewestBuild".
 */
export function fieldIssuesFromZod(error: z.ZodError, input: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({
          path: formatFieldPath([...issue.path, key]),
          message: 'unknown field',
        });
      }
      continue;
    }
    issues.push({ path: formatFieldPath(issue.path), message: describeIssue(issue, input) });
  }
  return dedupe(issues);
}

/** Zod's own messages start like this; a schema's custom message never does. */
const ZOD_DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Expected)/;

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code !== 'invalid_type' && !ZOD_DEFAULT_MESSAGE.test(issue.message))
    return issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      const actual = valueAt(input, issue.path);
      if (actual === undefined) return 'required';
      return `expected ${article(issue.expected)}, got ${describeValue(actual)}`;
    }
    case 'invalid_value':
      if (issue.values.length === 1) return `must be ${JSON.stringify(issue.values[0])}`;
      return `must be one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'too_small':
      return tooSmall(issue);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue
        ? `must match ${String(issue.pattern)}`
        : `not a valid ${issue.format}`;
    case 'invalid_union': {
      const actual = valueAt(input, issue.path);
      if (actual === undefined) return 'required';
      return issue.message.startsWith('Invalid input') ? 'not a valid value' : issue.message;
    }
    default:
      return issue.message;
  }
}

function tooSmall(issue: z.core.$ZodIssueTooSmall): string {
  const min = Number(issue.minimum);
  switch (issue.origin) {
    case 'array':
      return min === 1 ? 'must have at least one item' : `must have at least ${min} items`;
    case 'string':
      return min === 1 ? 'must not be empty' : `must be at least ${min} characters`;
    default:
      return issue.inclusive === false ? `must be greater than ${min}` : `must be at least ${min}`;
  }
}

function tooBig(issue: z.core.$ZodIssueTooBig): string {
  const max = Number(issue.maximum);
  switch (issue.origin) {
    case 'array':
      return `must have at most ${max} items`;
    case 'string':
      return `must be at most ${max} characters`;
    default:
      return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
  }
}

function article(expected: string): string {
  switch (expected) {
    case 'object':
      return 'an object (a map of fields)';
    case 'array':
      return 'a list';
    case 'int':
      return 'an integer';
    default:
      return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string (${JSON.stringify(truncate(value))})`;
  if (typeof value === 'number')
    return Number.isInteger(value) ? `a number (${value})` : `a number (${value})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return typeof value;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function dedupe(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
