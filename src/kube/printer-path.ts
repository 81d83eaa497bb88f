/**
 * The JSONPath subset of custom resources' printer columns (what Kargo's CRDs use): fields
 * (`.status.phase`), fields whose names hold dots escaped (`.metadata.labels.kargo\.akuity\.io/alias`),
 * and a filter on an array of objects by one field's string value
 * (`.status.conditions[?(@.type=="Ready")].status`). A column shows the first value the path
 * finds; a path that finds nothing shows nothing.
 */
type Step = { field: string } | { filter: { field: string; equals: string } };

const cache = new Map<string, Step[]>();

export function compilePrinterPath(path: string): Step[] {
  let steps = cache.get(path);
  if (steps) return steps;
  steps = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '.') {
      i++;
      let field = '';
      while (i < path.length && path[i] !== '.' && path[i] !== '[') {
        if (path[i] === '\\' && i + 1 < path.length) i++;
        field += path[i];
        i++;
      }
      steps.push({ field });
      continue;
    }
    const filter = /^\[\?\(@\.([A-Za-z0-9_]+)\s*==\s*"([^"]*)"\)\]/.exec(path.slice(i));
    if (!filter) throw new Error(`unsupported printer column path "${path}" at ${i}`);
    steps.push({ filter: { field: filter[1]!, equals: filter[2]! } });
    i += filter[0].length;
  }
  cache.set(path, steps);
  return steps;
}

/** The first value `path` finds in `object`, or undefined. */
export function printerValue(object: unknown, path: string): unknown {
  let values: unknown[] = [object];
  for (const step of compilePrinterPath(path)) {
    const next: unknown[] = [];
    for (const value of values) {
      if ('field' in step) {
        if (value && typeof value === 'object' && !Array.isArray(value))
          next.push((value as Record<string, unknown>)[step.field]);
      } else if (Array.isArray(value)) {
        for (const item of value)
          if (
            item &&
            typeof item === 'object' &&
            (item as Record<string, unknown>)[step.filter.field] === step.filter.equals
          )
            next.push(item);
      }
    }
    values = next.filter((v) => v !== undefined);
  }
  return values[0];
}
