import type { ExprFunction } from '../evaluator.js';
import { collectionFunctions } from './collection-functions.js';
import { conversionFunctions } from './conversion-functions.js';
import { numberFunctions } from './number-functions.js';
import { quote, unsafeQuote } from './quote.js';
import { semverDiff } from './semver-diff.js';
import { semverParse } from './semver-parse.js';
import { stringFunctions } from './string-functions.js';
import { timeFunctions } from './time-functions.js';
import { warehouse } from './warehouse.js';

/**
 * The functions every expression may call whatever its context: expr-lang's standard
 * builtins and Kargo's context-free functions. Functions that read a promotion's context
 * (imageFrom, status, secret, …) are added by whoever evaluates in that context.
 */
export const standardFunctions: Readonly<Record<string, ExprFunction>> = {
  ...stringFunctions,
  ...collectionFunctions,
  ...numberFunctions,
  ...conversionFunctions,
  ...timeFunctions,
  quote,
  unsafeQuote,
  semverParse,
  semverDiff,
  warehouse,
};
