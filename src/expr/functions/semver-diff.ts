import type { ExprFunction } from '../evaluator.js';
import { stringify } from '../values.js';
import { arity } from './arguments.js';
import { parseSemVer } from './semver.js';

/**
 * Kargo's `semverDiff(a, b)`: the most significant part in which two versions differ —
 * `Major`, `Minor`, `Patch`, `Metadata` (prerelease or build metadata), `None` — or
 * `Incomparable` when either is not a version.
 */
export const semverDiff: ExprFunction = (args) => {
  arity(args, 2);
  const a = parseSemVer(stringify(args[0]));
  const b = parseSemVer(stringify(args[1]));
  if (!a || !b) return 'Incomparable';
  if (a.major !== b.major) return 'Major';
  if (a.minor !== b.minor) return 'Minor';
  if (a.patch !== b.patch) return 'Patch';
  if (a.prerelease !== b.prerelease || a.metadata !== b.metadata) return 'Metadata';
  return 'None';
};
