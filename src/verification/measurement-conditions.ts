import type { Node } from '../expr/ast.js';
import { evaluate } from '../expr/evaluator.js';
import { isExprError } from '../expr/expr-error.js';
import { standardFunctions } from '../expr/functions/index.js';
import { parse } from '../expr/parser.js';
import { typeName } from '../expr/values.js';
import { inputError } from '../errors.js';
import { analysisFunctions } from './analysis-functions.js';
import type { MeasurementPhase } from './analysis-run-status.js';

interface Condition {
  source: string;
  node: Node;
}

/** A metric's successCondition and failureCondition, parsed once before the run starts. */
export interface MeasurementConditions {
  success?: Condition;
  failure?: Condition;
}

export interface Judgement {
  phase: MeasurementPhase;
  message?: string;
}

const FUNCTIONS = { ...standardFunctions, ...analysisFunctions };

/**
 * Parses the conditions; a syntax error is an input error naming the metric and field, found
 * before anything is measured (Rollouts only finds it when measuring, five times over).
 */
export function parseConditions(
  metric: string,
  successCondition: string | undefined,
  failureCondition: string | undefined,
): MeasurementConditions {
  const compile = (field: string, source: string | undefined): Condition | undefined => {
    if (source === undefined || source.trim() === '') return undefined;
    try {
      return { source, node: parse(source) };
    } catch (err) {
      if (isExprError(err)) throw inputError(`metric "${metric}": ${field}: ${err.message}`);
      throw err;
    }
  };
  const success = compile('successCondition', successCondition);
  const failure = compile('failureCondition', failureCondition);
  return { ...(success && { success }), ...(failure && { failure }) };
}

/**
 * Rollouts' EvaluateResult: the phase of a measurement whose provider returned `result`.
 * - failureCondition true → Failed; else successCondition true → Successful;
 * - only successCondition set (and false) → Failed; only failureCondition set (and false) →
 *   Successful; both set and neither true → Inconclusive; neither set → Successful.
 * A condition that does not evaluate to a bool is an Error measurement.
 */
export function judgeResult(result: unknown, conditions: MeasurementConditions): Judgement {
  const environment = { variables: { result }, functions: FUNCTIONS };
  const check = (field: string, condition: Condition | undefined): boolean | Judgement => {
    if (!condition) return false;
    try {
      const value = evaluate(condition.node, environment);
      if (typeof value === 'boolean') return value;
      return { phase: 'Error', message: `${field} must be true or false, got ${typeName(value)}` };
    } catch (err) {
      if (isExprError(err)) return { phase: 'Error', message: `${field}: ${err.message}` };
      throw err;
    }
  };
  const success = check('successCondition', conditions.success);
  if (typeof success !== 'boolean') return success;
  const failure = check('failureCondition', conditions.failure);
  if (typeof failure !== 'boolean') return failure;

  const { success: hasSuccess, failure: hasFailure } = conditions;
  if (failure) return { phase: 'Failed', message: `failureCondition ${quote(hasFailure)} is true` };
  if (success) return { phase: 'Successful' };
  if (hasSuccess && !hasFailure)
    return { phase: 'Failed', message: `successCondition ${quote(hasSuccess)} is false` };
  if (hasSuccess && hasFailure)
    return {
      phase: 'Inconclusive',
      message: 'neither successCondition nor failureCondition is true',
    };
  return { phase: 'Successful' };
}

function quote(condition: Condition | undefined): string {
  return JSON.stringify(condition?.source ?? '');
}
