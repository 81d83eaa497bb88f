import type { ExprFunction } from '../evaluator.js';
import { goTypeOf } from './go-struct.js';
import { parseSemVer } from './semver.js';

/** Kargo's `semverParse(v)`: a version object with Major(), IncPatch(), … */
export const semverParse: ExprFunction = (args) => {
  if (args.length !== 1) throw new Error(`expected 1 argument, got ${args.length}`);
  const text = args[0];
  if (typeof text !== 'string') throw new Error(`argument must be string, got ${goTypeOf(text)}`);
  const version = parseSemVer(text);
  // Kargo wraps Masterminds' error: "invalid semantic version: Invalid Semantic Version".
  if (!version) throw new Error('invalid semantic version: Invalid Semantic Version');
  return version;
};
