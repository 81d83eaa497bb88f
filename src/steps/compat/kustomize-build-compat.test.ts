import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHelmRepository, type HelmRepository } from '../../../test/helm-repository.js';
import { createStepHarness, type StepHarness } from '../../../test/step-harness.js';
import { parseStepConfig } from '../../engine/step-config.js';
import { kustomizeBuildStep } from '../kustomize-build.js';
import { kustomizeBuildCases } from './kustomize-build.cases.js';

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path)];
  });
}

/**
 * kustomize-build runs kustomize or kubectl; the test machine has kubectl (and CI installs what
 * the tests need), so a machine without either fails these rows rather than skipping them.
 */
const renderer = ['kustomize', 'kubectl'].some((tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`]);
    return true;
  } catch {
    return false;
  }
});

describe('kustomize-build as Kargo (kustomize_builder_test.go)', () => {
  let harness: StepHarness | undefined;
  let repository: HelmRepository | undefined;
  afterEach(async () => {
    harness?.cleanup();
    await repository?.stop();
    repository = undefined;
  });

  for (const c of kustomizeBuildCases) {
    const title = c.differs ? `${c.upstream} (differs: ${c.differs})` : c.upstream;
    if (c.skip) {
      it(`${title} — not run here: ${c.skip}`, () => expect(c.skip!.length).toBeGreaterThan(10));
      continue;
    }
    if (c.valid !== undefined) {
      it(title, () => {
        const parse = () => parseStepConfig(kustomizeBuildStep, c.config);
        if (c.valid === true) expect(parse).not.toThrow();
        else expect(parse).toThrow(c.valid);
      });
      continue;
    }
    it(title, async () => {
      if (!renderer) throw new Error('kustomize-build needs kustomize or kubectl on the PATH');
      harness = createStepHarness();
      const root = harness.workDir.root;
      let repositoryUrl = '';
      if (c.helmRepository) {
        repository = await startHelmRepository();
        const charts: Record<string, Array<{ version: string; urls: string[] }>> = {};
        for (const [file, chart] of Object.entries(c.helmRepository)) {
          repository.setFile(file, chart.archive());
          (charts[chart.name] ??= []).push({ version: chart.version, urls: [file] });
        }
        repository.setIndex(charts);
        repositoryUrl = repository.url;
      }
      for (const [path, content] of Object.entries(c.files ?? {})) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), content.replaceAll('$REPO', repositoryUrl));
      }
      const run = harness.run(kustomizeBuildStep, c.config);
      if (c.error) await expect(run).rejects.toThrow(c.error);
      else expect((await run).status).toBe('Succeeded');
      for (const [path, content] of Object.entries(c.wantFiles ?? {}))
        expect(readFileSync(join(root, path), 'utf8'), path).toBe(content);
      for (const [path, parts] of Object.entries(c.wantContains ?? {}))
        for (const part of parts) expect(readFileSync(join(root, path), 'utf8')).toContain(part);
      if (c.wantListing)
        expect(listFiles(join(root, c.wantListing.dir)).sort()).toEqual(
          [...c.wantListing.files].sort(),
        );
      for (const path of c.wantAbsent ?? []) expect(existsSync(join(root, path)), path).toBe(false);
    });
  }
});
