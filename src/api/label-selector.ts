/**
 * Kubernetes label selectors: the string form used by `?labelSelector=` and `gantry get -l`
 * (`tier=web,env!=prod,app in (a,b),!legacy`) and the structured form of manifests
 * (`matchLabels` + `matchExpressions`). Both compile to the same list of requirements.
 */

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelRequirement {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

/** A compiled selector; the empty list matches everything. */
export type LabelSelector = LabelRequirement[];

export interface StructuredLabelSelector {
  matchLabels?: Record<string, string> | undefined;
  matchExpressions?:
    Array<{ key: string; operator: SelectorOperator; values?: string[] | undefined }> | undefined;
}

export function matchesSelector(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const have = labels ?? {};
  return selector.every((req) => {
    const value = Object.hasOwn(have, req.key) ? have[req.key] : undefined;
    switch (req.operator) {
      case 'In':
        return value !== undefined && req.values.includes(value);
      case 'NotIn':
        return value === undefined || !req.values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
    }
  });
}

export function fromStructuredSelector(selector: StructuredLabelSelector): LabelSelector {
  const requirements: LabelSelector = Object.entries(selector.matchLabels ?? {}).map(
    ([key, value]) => ({ key, operator: 'In', values: [value] }),
  );
  for (const expr of selector.matchExpressions ?? []) {
    requirements.push({ key: expr.key, operator: expr.operator, values: expr.values ?? [] });
  }
  return requirements;
}

/**
 * Parses the string form. Throws an Error whose message says which part is wrong;
 * callers turn it into an input error for their field or flag.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const requirements: LabelSelector = [];
  for (const part of splitTopLevel(text)) {
    const term = part.trim();
    if (term === '') continue;
    requirements.push(parseTerm(term));
  }
  return requirements;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw new Error(`unbalanced parentheses in label selector "${text}"`);
  parts.push(text.slice(start));
  return parts;
}

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`[A-Za-z0-9_.\-]*`;
const SET_TERM = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s*\(([^()]*)\)$`);
const EQ_TERM = new RegExp(String.raw`^(${KEY})\s*(==|!=|=)\s*(${VALUE})$`);
const EXISTS_TERM = new RegExp(String.raw`^(!?)\s*(${KEY})$`);

function parseTerm(term: string): LabelRequirement {
  const set = SET_TERM.exec(term);
  if (set) {
    const values = (set[4] ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (values.length === 0) throw new Error(`"${term}": a set needs at least one value`);
    return { key: set[1]!, operator: set[3] === 'in' ? 'In' : 'NotIn', values };
  }
  const eq = EQ_TERM.exec(term);
  if (eq) {
    return { key: eq[1]!, operator: eq[3] === '!=' ? 'NotIn' : 'In', values: [eq[4] ?? ''] };
  }
  const exists = EXISTS_TERM.exec(term);
  if (exists) {
    return { key: exists[2]!, operator: exists[1] === '!' ? 'DoesNotExist' : 'Exists', values: [] };
  }
  throw new Error(
    `"${term}" is not a label requirement (use key=value, key!=value, key in (a,b), key notin (a,b), key or !key)`,
  );
}
