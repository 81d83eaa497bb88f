import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { EXAMPLE_DIR, quickstartManifests } from './quickstart-manifests.js';

const addresses = {
  gitops: 'http://127.0.0.1:41001/gitops.git',
  registry: '127.0.0.1:41002',
  health: 'http://127.0.0.1:41003/healthz',
};

describe('quickstartManifests', () => {
  const text = quickstartManifests(addresses);
  const documents = parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
  const byKind = (kind: string) => documents.filter((d) => d.kind === kind);

  it('says what it changed, at the top', () => {
    expect(text.split('\n')[0]).toMatch(/examples\/frontend.*two changes/);
    expect(text).toMatch(/no argocd-update step/);
  });

  it('keeps every document of the example', () => {
    const example = parseAllDocuments(
      ['project.yaml', 'promotion-task.yaml', 'stages.yaml', 'verification.yaml', 'warehouse.yaml']
        .map((name) => readFileSync(join(EXAMPLE_DIR, name), 'utf8'))
        .join('\n---\n'),
    ).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    expect(
      documents.map((d) => `${String(d.kind)}/${(d.metadata as { name: string }).name}`),
    ).toEqual(example.map((d) => `${d.kind}/${d.metadata.name}`));
  });

  it('points at the demo components, and at nothing of the example’s addresses', () => {
    for (const old of ['127.0.0.1:8418', '127.0.0.1:5000', '127.0.0.1:3000'])
      expect(text).not.toContain(old);
    const [task] = byKind('PromotionTask') as Array<{
      spec: { vars: Array<{ name: string; value?: string }> };
    }>;
    expect(task!.spec.vars.find((v) => v.name === 'gitopsRepo')?.value).toBe(addresses.gitops);
    expect(task!.spec.vars.find((v) => v.name === 'imageRepo')?.value).toBe(
      `${addresses.registry}/acme/frontend`,
    );
    const [warehouse] = byKind('Warehouse') as Array<{
      spec: { subscriptions: Array<{ image: { repoURL: string } }> };
    }>;
    expect(warehouse!.spec.subscriptions[0]!.image.repoURL).toBe(
      `${addresses.registry}/acme/frontend`,
    );
    expect(text).toContain(`value: ${addresses.health}`);
  });

  it('leaves out argocd-update and only that step', () => {
    const [task] = byKind('PromotionTask') as Array<{ spec: { steps: Array<{ uses: string }> } }>;
    expect(task!.spec.steps.map((s) => s.uses)).toEqual([
      'git-clone',
      'yaml-parse',
      'yaml-update',
      'git-commit',
      'git-push',
    ]);
    const original = readFileSync(join(EXAMPLE_DIR, 'promotion-task.yaml'), 'utf8');
    expect(original).toMatch(/uses: argocd-update/); // the example itself keeps it
  });
});
