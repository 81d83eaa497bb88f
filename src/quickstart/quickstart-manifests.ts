import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, parseAllDocuments } from 'yaml';

/** The example project the quickstart runs: examples/frontend in this checkout. */
export const EXAMPLE_DIR = fileURLToPath(new URL('../../examples/frontend', import.meta.url));

/** The addresses the example names, as written in examples/frontend. */
export const EXAMPLE_ADDRESSES = {
  gitops: 'http://127.0.0.1:8418/gitops.git',
  registry: '127.0.0.1:5000',
  health: 'http://127.0.0.1:3000/healthz',
} as const;

export interface QuickstartAddresses {
  /** The GitOps repository's URL. */
  gitops: string;
  /** The registry's `HOST:PORT`. */
  registry: string;
  /** dev's health endpoint. */
  health: string;
}

/**
 * The example project as the quickstart applies it: the example's documents (examples/frontend,
 * in file name order) with two changes, both stated in a comment at the top of the result:
 * - the addresses point at the demo components that really run (the same as the example's,
 *   unless a port was changed);
 * - the PromotionTask has no `argocd-update` step, so promotions need no Argo CD: they commit
 *   and push to the GitOps repository, and dev's verification reads the health endpoint.
 */
export function quickstartManifests(
  addresses: QuickstartAddresses,
  exampleDir: string = EXAMPLE_DIR,
): string {
  const text = readdirSync(exampleDir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => readFileSync(join(exampleDir, name), 'utf8').trimEnd())
    .join('\n---\n')
    .replaceAll(EXAMPLE_ADDRESSES.gitops, addresses.gitops)
    .replaceAll(`${EXAMPLE_ADDRESSES.registry}/`, `${addresses.registry}/`)
    .replaceAll(EXAMPLE_ADDRESSES.health, addresses.health);
  const documents = parseAllDocuments(text);
  for (const document of documents) {
    if (document.errors.length > 0)
      throw new Error(`examples/frontend does not parse: ${document.errors[0]!.message}`);
    if (document.get('kind') !== 'PromotionTask') continue;
    const steps = document.getIn(['spec', 'steps']);
    if (!isSeq(steps)) continue;
    steps.items = steps.items.filter(
      (step) => !(isMap(step) && step.get('uses') === 'argocd-update'),
    );
  }
  const header = [
    '# The example project (examples/frontend) as `gantry quickstart` applies it, with two changes:',
    '# - the addresses are those of the demo components the quickstart runs;',
    '# - the PromotionTask has no argocd-update step: promotions commit and push to the GitOps',
    '#   repository, and need no Argo CD (see the README, "Argo CD", for the full example).',
  ].join('\n');
  const body = documents
    .map((document) =>
      document
        .toString({ lineWidth: 0 })
        .replace(/^---\n/, '')
        .trimEnd(),
    )
    .join('\n---\n');
  return `${header}\n${body}\n`;
}
