import type { Freight } from '../../api/types.js';

/** One artifact's version in one Freight: what the diff and the artifact list show. */
export interface ArtifactVersion {
  /** The tag, short commit id (or tag), or chart version. */
  version: string;
  /** The image digest, or the commit's full id. */
  id?: string | undefined;
  /** The commit's message (first line), when the Warehouse recorded it. */
  message?: string | undefined;
  author?: string | undefined;
}

/** One artifact of a Freight. `key` says which artifact it is, across Freight. */
export interface Artifact extends ArtifactVersion {
  kind: 'image' | 'commit' | 'chart';
  /** The image repository, git repository, or chart (`repo` or `repo name`). */
  source: string;
  key: string;
}

/** One row of a diff: the artifact in each Freight (absent on a side without it). */
export interface DiffRow {
  kind: Artifact['kind'];
  source: string;
  left?: ArtifactVersion | undefined;
  right?: ArtifactVersion | undefined;
  changed: boolean;
}

/** A Freight's artifacts in the order it lists them: images, commits, charts. */
export function artifactsOf(freight: Pick<Freight, 'images' | 'commits' | 'charts'>): Artifact[] {
  return [
    ...(freight.images ?? []).map((image) => ({
      kind: 'image' as const,
      source: image.repoURL ?? '',
      key: `image ${image.repoURL ?? ''}`,
      version: image.tag ?? (image.digest ? image.digest.slice(0, 19) : '?'),
      id: image.digest,
    })),
    ...(freight.commits ?? []).map((commit) => ({
      kind: 'commit' as const,
      source: commit.repoURL ?? '',
      key: `commit ${commit.repoURL ?? ''}`,
      version: commit.tag ?? (commit.id ?? '?').slice(0, 7),
      id: commit.id,
      message: commit.message,
      author: commit.author,
    })),
    ...(freight.charts ?? []).map((chart) => {
      const source = chart.name
        ? `${chart.repoURL ?? ''} ${chart.name}`.trim()
        : (chart.repoURL ?? '');
      return {
        kind: 'chart' as const,
        source,
        key: `chart ${source}`,
        version: chart.version ?? '?',
      };
    }),
  ];
}

/**
 * Two Freight side by side, artifact by artifact (matched by repository, and by name for
 * charts): the left's artifacts in its order, then those only the right has. A row changed
 * when the versions differ (the digest or commit id for equal tags), or one side lacks it.
 */
export function diffFreight(
  left: Pick<Freight, 'images' | 'commits' | 'charts'>,
  right: Pick<Freight, 'images' | 'commits' | 'charts'>,
): DiffRow[] {
  const rights = new Map(artifactsOf(right).map((a) => [a.key, a]));
  const rows: DiffRow[] = [];
  const version = (a: Artifact): ArtifactVersion => ({
    version: a.version,
    ...(a.id !== undefined ? { id: a.id } : {}),
    ...(a.message !== undefined ? { message: a.message } : {}),
    ...(a.author !== undefined ? { author: a.author } : {}),
  });
  for (const a of artifactsOf(left)) {
    const b = rights.get(a.key);
    rights.delete(a.key);
    rows.push({
      kind: a.kind,
      source: a.source,
      left: version(a),
      right: b && version(b),
      changed: !b || a.version !== b.version || (a.id ?? '') !== (b.id ?? ''),
    });
  }
  for (const b of rights.values())
    rows.push({ kind: b.kind, source: b.source, right: version(b), changed: true });
  return rows;
}
