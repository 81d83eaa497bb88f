import type { ExprFunction } from '../evaluator.js';
import { arity, str } from './arguments.js';
import { parseSemVer } from './semver.js';

/** Kargo's `semverParse(v)`: a version object with Major(), IncPatch(), … */
export const semverParse: ExprFunction = (args) => {
  arity(args, 1);
  const version = parseSemVer(str(args[0], 1));
  if (!version) throw new Error(`${JSON.stringify(args[0])} is not a semantic version`);
  return version;
};
