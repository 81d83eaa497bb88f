import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runHelmTemplateCases, runResourceFileNameCases } from './helm-template-case.js';
import { helmTemplateCases, resourceFileNameCases } from './helm-template.cases.js';

/*
 * Kargo's helm-template tables against the real helm (Helm 3): scripts/test.sh installs it with
 * scripts/install-helm.sh. Without helm on the PATH these rows fail, naming what is missing.
 */
describe('helm-template as Kargo (helm_template_runner_test.go)', () => {
  it('runs against a real Helm 3 (scripts/install-helm.sh installs it)', () => {
    const version = execFileSync('helm', ['version', '--short'], { encoding: 'utf8' });
    expect(version).toMatch(/^v3\./);
  });
  runHelmTemplateCases(helmTemplateCases);
  runResourceFileNameCases(resourceFileNameCases);
});
