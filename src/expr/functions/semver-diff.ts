import type { ExprFunction } from '../evaluator.js';
import { goTypeOf } from './go-struct.js';
import { parseSemVer } from './semver.js';

/**
 * Kargo's `semverDiff(a, b)`: the most significant part in which two versions differ —
 * `Major`, `Minor`, `Patch`, `Metadata` (build metadata), `None` — or `Incomparable` when
 * either is not a version. As in Kargo, prereleases are not compared: `1.0.0-alpha` and
 * `1.0.0-beta` differ by `None`.
 */
export const semverDiff: ExprFunction = (args) => {
  if (args.length !== 2) throw new Error(`expected 2 arguments, got ${args.length}`);
  const [first, second] = args;
  if (typeof first !== 'string')
    throw new Error(`first argument must be string, got ${goTypeOf(first)}`);
  if (typeof second !== 'string')
    throw new Error(`second argument must be string, got ${goTypeOf(second)}`);
  const a = parseSemVer(first);
  const b = parseSemVer(second);
  if (!a || !b) return 'Incomparable';
  if (a.major !== b.major) return 'Major';
  if (a.minor !== b.minor) return 'Minor';
  if (a.patch !== b.patch) return 'Patch';
  if (a.metadata !== b.metadata) return 'Metadata';
  return 'None';
};
