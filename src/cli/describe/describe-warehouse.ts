import type { StoredResource } from '../../api/resource.js';
import { eventLines } from './describe-events.js';
import { aliasOf, type Related } from './describe-related.js';
import {
  conditionLines,
  fields,
  metadataLines,
  section,
  table,
  text,
  when,
} from './describe-text.js';

type Loose = Record<string, unknown>;

/**
 * `gantry describe warehouse NAME`: what it subscribes to, when it last looked, what it found
 * per subscription (or why it found nothing), and the Freight it made.
 */
export function describeWarehouse(warehouse: StoredResource, related: Related): string[] {
  const spec = (warehouse.spec ?? {}) as Loose;
  const status = (warehouse.status ?? {}) as Loose;
  const lines = metadataLines(warehouse, related.now);
  const subscriptions = (spec.subscriptions as Loose[] | undefined) ?? [];
  lines.push(
    ...section('Spec', [
      ...section(
        'Subscriptions',
        table(
          ['TYPE', 'REPOSITORY', 'SELECTION'],
          subscriptions.map((sub) => {
            const [type, body] = Object.entries(sub).find(([key]) => key !== 'name') ?? [
              'unknown',
              {},
            ];
            return [type, repositoryOf(body as Loose), selectionOf(type, body as Loose)];
          }),
        ),
      ),
      ...fields([
        ['Interval', text(spec.interval) || '5m0s'],
        ['Freight Creation', text(spec.freightCreationPolicy) || 'Automatic'],
        ['Criteria', text((spec.freightCreationCriteria as Loose | undefined)?.expression)],
      ]),
    ]),
  );

  const discovered = (status.discoveredArtifacts ?? {}) as Loose;
  const ready = ((status.conditions as Loose[] | undefined) ?? []).find((c) => c.type === 'Ready');
  const found = foundLines(discovered);
  const mine = related.freight.filter(
    (f) => ((f.origin ?? {}) as Loose).name === warehouse.metadata.name,
  );
  const latest = text(status.lastFreightID);
  lines.push(
    ...section('Status', [
      ...fields([
        [
          'Last Discovery',
          when(text(discovered.discoveredAt) || undefined, related.now) ?? 'not discovered yet',
        ],
        ['Result', resultOf(ready, found.length > 0)],
        ['Latest Freight', latest ? `${aliasOf(related)(latest)} (${latest})` : undefined],
        ['Freight', `${mine.length} from this Warehouse`],
      ]),
      ...section('Discovered', found),
    ]),
  );
  lines.push(...conditionLines(warehouse, related.now));
  lines.push(...eventLines(warehouse, related.events, aliasOf(related), related.now));
  return lines;
}

function repositoryOf(body: Loose): string {
  const repo = text(body.repoURL);
  return body.name && !repo.startsWith('oci://') ? `${repo} (${text(body.name)})` : repo;
}

function selectionOf(type: string, body: Loose): string {
  const parts: string[] = [];
  if (type === 'image') {
    parts.push(text(body.imageSelectionStrategy) || 'SemVer');
    if (body.constraint) parts.push(`constraint ${text(body.constraint)}`);
  } else if (type === 'git') {
    parts.push(text(body.commitSelectionStrategy) || 'NewestFromBranch');
    if (body.branch) parts.push(`branch ${text(body.branch)}`);
    if (body.semverConstraint) parts.push(`constraint ${text(body.semverConstraint)}`);
  } else if (type === 'chart') {
    if (body.semverConstraint) parts.push(`constraint ${text(body.semverConstraint)}`);
  }
  return parts.join(', ');
}

/** `image 127.0.0.1:5000/web: 3 tags, newest 1.2.3` per subscription. */
function foundLines(discovered: Loose): string[] {
  const lines: string[] = [];
  for (const image of (discovered.images as Loose[] | undefined) ?? []) {
    const refs = (image.references as Loose[] | undefined) ?? [];
    lines.push(
      `image ${text(image.repoURL)}: ${count(refs.length, 'tag')}${refs[0] ? `, first ${text(refs[0].tag)}` : ''}`,
    );
  }
  for (const git of (discovered.git as Loose[] | undefined) ?? []) {
    const commits = (git.commits as Loose[] | undefined) ?? [];
    const first = commits[0];
    lines.push(
      `git ${text(git.repoURL)}: ${count(commits.length, 'commit')}${first ? `, first ${text(first.tag) || text(first.id).slice(0, 7)}${first.subject ? ` "${text(first.subject)}"` : ''}` : ''}`,
    );
  }
  for (const chart of (discovered.charts as Loose[] | undefined) ?? []) {
    const versions = (chart.versions as string[] | undefined) ?? [];
    lines.push(
      `chart ${text(chart.repoURL)}${chart.name ? `/${text(chart.name)}` : ''}: ${count(versions.length, 'version')}${versions[0] ? `, first ${versions[0]}` : ''}`,
    );
  }
  for (const result of (discovered.results as Loose[] | undefined) ?? []) {
    const refs = (result.artifactReferences as unknown[] | undefined) ?? [];
    lines.push(`${text(result.name)}: ${count(refs.length, 'artifact')}`);
  }
  return lines;
}

function resultOf(ready: Loose | undefined, foundSomething: boolean): string {
  if (!ready) return 'not discovered yet';
  if (ready.status === 'True')
    return foundSomething
      ? `ok${ready.message ? `: ${text(ready.message)}` : ''}`
      : 'ok, but nothing matched the subscriptions (check the constraints and the repositories)';
  return `failed: ${text(ready.message) || text(ready.reason)}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
