import { promotionPullRequest } from './promotion-pull-request.js';
import { ALIAS_LABEL, SHARD_LABEL } from './labels.js';
import type { StoredResource } from './resource.js';
import { stageReadiness } from './stage-readiness.js';

/**
 * The columns `gantry get` shows per kind (Kargo's printer columns, plus a few wide ones),
 * computed by the server for lists (`?as=table`, as Kubernetes does), so the CLI receives a
 * few short strings per object instead of whole objects.
 */
export interface Column {
  header: string;
  value: (object: StoredResource, context: TableContext) => string;
  /** Shown only with `-o wide`. */
  wide?: boolean;
  /** `age` cells hold a timestamp that the client turns into an age (`5m`). */
  type?: 'age';
}

export interface TableColumn {
  name: string;
  /** 0: always shown; 1: only with `-o wide`. */
  priority: number;
  type: 'string' | 'age';
}

export interface Table {
  kind: 'Table';
  columns: TableColumn[];
  rows: Array<{ namespace?: string; name: string; cells: string[] }>;
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
const age: Column = { header: 'AGE', value: (o) => o.metadata.creationTimestamp, type: 'age' };
const shard: Column = {
  header: 'SHARD',
  value: (o) => text(at(o, 'spec', 'shard') ?? o.metadata.labels?.[SHARD_LABEL]),
};

function condition(type: string, field: 'status' | 'message'): (o: StoredResource) => string {
  return (o) => {
    const conditions = at(o, 'status', 'conditions');
    if (!Array.isArray(conditions)) return '';
    const found = conditions.find((c) => (c as Loose).type === type) as Loose | undefined;
    return text(found?.[field]);
  };
}

/** `dashing-duck (ghcr.io/acme/api:1.2.3)` per request slot of the Stage's current Freight. */
function currentFreight(o: StoredResource, context: TableContext): string {
  const history = at(o, 'status', 'freightHistory') as Loose[] | undefined;
  const items = Object.values((history?.[0]?.items as Record<string, Loose> | undefined) ?? {});
  return items
    .map((item) => {
      const name = text(item.name);
      const label = context.freightAlias?.(name) ?? name.slice(0, 7);
      const versions = artifacts(item as unknown as StoredResource);
      return versions ? `${label} (${versions})` : label;
    })
    .join(', ');
}

/** Auto-promotion holds: `held at quiet-quokka (by alice)`. */
function holds(o: StoredResource, context: TableContext): string {
  const all = Object.values((at(o, 'status', 'autoPromotionHolds') as Record<string, Loose>) ?? {});
  return all
    .map((hold) => {
      const name = text(hold.freightName);
      return `held at ${context.freightAlias?.(name) ?? name.slice(0, 7)}${hold.actor ? ` (by ${text(hold.actor)})` : ''}`;
    })
    .join(', ');
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

/** Argo CD apps behind a Stage's health: `argocd/web Healthy@1f2e3d4`, from its checks' output. */
function healthApps(o: StoredResource): string {
  const output = at(o, 'status', 'health', 'output');
  const entries = (Array.isArray(output) ? output.flat() : []) as Loose[];
  return entries
    .filter((entry) => typeof entry?.app === 'string')
    .map((entry) => {
      const revisions = (Array.isArray(entry.revisions) ? entry.revisions : []) as unknown[];
      const at = revisions
        .map((r) => text(r))
        .map((r) => (/^[0-9a-f]{40}$/.test(r) ? r.slice(0, 7) : r))
        .filter((r) => r !== '')
        .join(',');
      return `${text(entry.app)} ${text(entry.health) || '?'}${at ? `@${at}` : ''}`;
    })
    .join(', ');
}

/** Why a Stage is not healthy, one line, cut at 160 characters. */
function healthIssues(o: StoredResource): string {
  const issues = (at(o, 'status', 'health', 'issues') as unknown[] | undefined) ?? [];
  const line = issues.map((issue) => text(issue)).join('; ');
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

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
    { header: 'READY', value: condition('Ready', 'status') },
    { header: 'MESSAGE', value: condition('Ready', 'message'), wide: true },
    age,
  ],
  Stage: [
    name,
    shard,
    { header: 'CURRENT FREIGHT', value: currentFreight },
    { header: 'HEALTH', value: (o) => text(at(o, 'status', 'health', 'status')) },
    { header: 'APPS', value: healthApps, wide: true },
    { header: 'HEALTH ISSUES', value: healthIssues, wide: true },
    {
      header: 'VERIFICATION',
      value: (o) => {
        const history = at(o, 'status', 'freightHistory') as Loose[] | undefined;
        const latest = (history?.[0]?.verificationHistory as Loose[] | undefined)?.[0];
        return text(latest?.phase);
      },
    },
    { header: 'HOLD', value: holds },
    {
      header: 'LAST PROMOTION',
      value: (o) => {
        const last = at(o, 'status', 'lastPromotion') as Loose | undefined;
        if (!last) return '';
        return `${text(at(last, 'status', 'phase'))} ${text(last.finishedAt)}`.trim();
      },
    },
    // Kargo's Ready and Status columns: the Ready condition, or what it would say.
    { header: 'READY', value: (o) => stageReadiness(o).status },
    { header: 'STATUS', value: (o) => stageReadiness(o).message, wide: true },
    age,
  ],
  Freight: [
    name,
    {
      header: 'ALIAS',
      value: (o) => text(o.alias ?? o.metadata.labels?.[ALIAS_LABEL]),
    },
    { header: 'ORIGIN (KIND)', value: (o) => text(at(o, 'origin', 'kind')) },
    { header: 'ORIGIN (NAME)', value: (o) => text(at(o, 'origin', 'name')) },
    { header: 'ARTIFACTS', value: artifacts },
    age,
  ],
  Promotion: [
    name,
    { header: 'SHARD', value: (o) => text(o.metadata.labels?.[SHARD_LABEL]) },
    { header: 'STAGE', value: (o) => text(at(o, 'spec', 'stage')) },
    // By alias, as people name Freight; its name with -o wide.
    {
      header: 'FREIGHT',
      value: (o, context) => {
        const name = text(at(o, 'spec', 'freight'));
        return context.freightAlias?.(name) ?? name;
      },
    },
    { header: 'PHASE', value: (o) => text(at(o, 'status', 'phase')) },
    {
      // Gantry's: the pull request it opened or waits on, and where that stands.
      header: 'PULL REQUEST',
      value: (o) => {
        const pr = promotionPullRequest(o.status);
        return pr ? `${pr.url} (${pr.state})` : '';
      },
    },
    { header: 'FREIGHT NAME', value: (o) => text(at(o, 'spec', 'freight')), wide: true },
    age,
  ],
};

export function columnsFor(kind: string): Column[] {
  return COLUMNS[kind] ?? [name, age];
}

/** The table of `objects` (all of one kind), with every column, wide ones marked. */
/** What some columns show about other objects: Freight aliases (Stages show them). */
export interface TableContext {
  freightAlias?: (name: string) => string | undefined;
}

export function tableOf(
  kind: string,
  objects: StoredResource[],
  context: TableContext = {},
): Table {
  const columns = columnsFor(kind);
  return {
    kind: 'Table',
    columns: tableColumns(columns),
    rows: objects.map((object) => tableRow(columns, object, context)),
  };
}

/** A table's column definitions, for `columns` of `columnsFor`. */
export function tableColumns(columns: Column[]): Table['columns'] {
  return columns.map((column) => ({
    name: column.header,
    priority: column.wide ? 1 : 0,
    type: column.type ?? 'string',
  }));
}

/** One object's row of the table with `columns` (of `columnsFor`). */
export function tableRow(
  columns: Column[],
  object: StoredResource,
  context: TableContext = {},
): Table['rows'][number] {
  return {
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    name: object.metadata.name,
    cells: columns.map((column) => column.value(object, context)),
  };
}
