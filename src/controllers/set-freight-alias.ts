import { ALIAS_LABEL } from '../api/labels.js';
import { terminalError } from '../engine/step-error.js';
import { isGantryError } from '../errors.js';
import type { Store } from '../store/store.js';

/**
 * Changes a Freight's alias and its alias label together, as Kargo's set-freight-alias patch;
 * the store keeps aliases unique in the project. Failures are terminal, as Kargo's.
 */
export async function setFreightAlias(
  store: Store,
  project: string,
  name: string,
  alias: string,
): Promise<{ previous: string }> {
  const freight = await store.get({ kind: 'Freight', namespace: project, name });
  if (!freight) throw terminalError(`freight "${name}" not found in project "${project}"`);
  const previous = (freight as { alias?: string }).alias ?? '';
  try {
    await store.write([
      {
        op: 'assertLabelUnique',
        kind: 'Freight',
        namespace: project,
        label: ALIAS_LABEL,
        value: alias,
        exceptName: name,
        message: `alias "${alias}" is already used by another Freight in project "${project}"`,
      },
      {
        op: 'update',
        object: {
          ...freight,
          alias,
          metadata: {
            ...freight.metadata,
            labels: { ...freight.metadata.labels, [ALIAS_LABEL]: alias },
          },
        },
      },
    ]);
  } catch (err) {
    if (isGantryError(err, 'Conflict') || isGantryError(err, 'NotFound'))
      throw terminalError(
        `failed to patch alias for Freight "${name}" in project "${project}": ${err.message}`,
      );
    throw err;
  }
  return { previous };
}
