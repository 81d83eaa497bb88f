import type { Context } from 'hono';
import { parseLabelSelector, type LabelSelector } from '../api/label-selector.js';
import { inputError } from '../errors.js';

/** `?labelSelector=`, parsed; a bad one is the caller's mistake (400, naming the parameter). */
export function selectorQuery(c: Context): LabelSelector | undefined {
  const text = c.req.query('labelSelector');
  if (!text) return undefined;
  try {
    return parseLabelSelector(text);
  } catch (err) {
    throw inputError(`labelSelector: ${(err as Error).message}`, [
      { path: 'labelSelector', message: (err as Error).message },
    ]);
  }
}
