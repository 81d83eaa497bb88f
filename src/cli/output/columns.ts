import type { StoredResource } from '../../api/resource.js';
import { formatAge } from './age.js';

/** A table column: its header and how to read the cell from an object. */
export interface Column {
  header: string;
  value: (object: StoredResource, now: Date) => string;
  /** Shown only with `-o wide`. */
  wide?: boolean;
}

type Loose = Record<string, unknown>;
const at = (object: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (value, key) => (value && typeof value === 'object' ? (value as Loose)[key] : undefined),
    object,
  );
const text = (value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return typeof value === 'object' ? JSON.stringify(value) : `${value as number | boolean}`;
};

const name: Column = { header: 'NAME', value: (o) => o.metadata.name };
const age: Column = {
  header: 'AGE',
  value: (o, now) => formatAge(o.metadata.creationTimestamp, now),
};
const shard: Column = {
  header: 'SHARD',
  value: (o) => text(at(o, 'spec', 'shard') ?? o.metadata.labels?.['kargo.akuity.io/shard']),
};

function condition(type: string, field: 'status' | 'message'): (o: StoredResource) => string {
  return (o) => {
    const conditions = at(o, 'status', 'conditions');
    if (!Array.isArray(conditions)) return '';
    const found = conditions.find((c) => (c as Loose).type === type) as Loose | undefined;
    return text(found?.[field]);
  };
}

function artifacts(o: StoredResource): string {
  const parts: string[] = [];
  for (const image of (o.images as Loose[] | undefined) ?? [])
    parts.push(`${text(image.repoURL)}:${text(image.tag)}`);
  for (const commit of (o.commits as Loose[] | undefined) ?? []) {
    parts.push(`${text(commit.repoURL)}@${text(commit.tag) || text(commit.id).slice(0, 7)}`);
  }
  for (const chart of (o.charts as Loose[] | undefined) ?? []) {
    parts.push(
      `${text(chart.repoURL)}${chart.name ? `/${text(chart.name)}` : ''}:${text(chart.version)}`,
    );
  }
  for (const artifact of (o.artifacts as Loose[] | undefined) ?? []) {
    parts.push(`${text(artifact.subscriptionName)}:${text(artifact.version)}`);
  }
  return parts.join(', ');
}

function subscriptions(o: StoredResource): string {
  const subs = (at(o, 'spec', 'subscriptions') as Loose[] | undefined) ?? [];
  return subs
    .map((sub) => {
      const [type, body] = Object.entries(sub).find(([key]) => key !== 'name') ?? ['?', {}];
      return `${type}:${text((body as Loose).repoURL ?? (body as Loose).name ?? sub.name)}`;
    })
    .join(', ');
}

/** The columns `gantry get` prints per kind (Kargo's printer columns, plus a few wide ones). */
export const COLUMNS: Record<string, Column[]> = {
  Project: [
    name,
    { header: 'READY', value: condition('Ready', 'status') },
    { header: 'STATUS', value: condition('Ready', 'message'), wide: true },
    age,
  ],
  ProjectConfig: [name, { header: 'READY', value: condition('Ready', 'status') }, age],
  Warehouse: [
    name,
    shard,
    { header: 'INTERVAL', value: (o) => text(at(o, 'spec', 'interval')), wide: true },
    { header: 'SUBSCRIPTIONS', value: subscriptions, wide: true },
    age,
  ],
  Stage: [
    name,
    shard,
    { header: 'CURRENT FREIGHT', value: (o) => text(at(o, 'status', 'freightSummary')) },
    { header: 'HEALTH', value: (o) => text(at(o, 'status', 'health', 'status')) },
    { header: 'READY', value: condition('Ready', 'status') },
    { header: 'STATUS', value: condition('Ready', 'message') },
    age,
  ],
  Freight: [
    name,
    {
      header: 'ALIAS',
      value: (o) => text(o.alias ?? o.metadata.labels?.['kargo.akuity.io/alias']),
    },
    { header: 'ORIGIN (KIND)', value: (o) => text(at(o, 'origin', 'kind')) },
    { header: 'ORIGIN (NAME)', value: (o) => text(at(o, 'origin', 'name')) },
    { header: 'ARTIFACTS', value: artifacts, wide: true },
    age,
  ],
  Promotion: [
    name,
    { header: 'SHARD', value: (o) => text(o.metadata.labels?.['kargo.akuity.io/shard']) },
    { header: 'STAGE', value: (o) => text(at(o, 'spec', 'stage')) },
    { header: 'FREIGHT', value: (o) => text(at(o, 'spec', 'freight')) },
    { header: 'PHASE', value: (o) => text(at(o, 'status', 'phase')) },
    age,
  ],
};

export function columnsFor(kind: string, wide: boolean): Column[] {
  const columns = COLUMNS[kind] ?? [name, age];
  return columns.filter((column) => wide || !column.wide);
}
