import { posix } from 'node:path';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { isStepError, terminalError } from '../engine/step-error.js';
import { parseChartMetadata } from '../helm/chart-metadata.js';
import { checkLocalDependencies, updateChartDependencies } from './helm-dependency-update.js';
import { updateYaml } from './yaml-edit.js';

/**
 * helm-update-chart, as Kargo's (config as helm-update-chart-config.json): sets the versions
 * of the dependencies named in `charts` in Chart.yaml (only those that differ, the rest of the
 * file untouched), then does what `helm dependency update` does — every dependency resolved
 * to one version (SemVer ranges included), archives in `charts/`, Chart.lock pinned — so
 * `charts` is optional: without it the step updates within the ranges Chart.yaml declares.
 * Output `commitMessage` lists what changed in Chart.lock, worded as Kargo's; no output when
 * nothing changed.
 */
export const helmUpdateChartStep = defineStep({
  kind: 'helm-update-chart',
  description: "Update a Helm chart's dependencies: Chart.yaml versions, Chart.lock and charts/",
  configSchema: z.strictObject({
    path: z.string().min(1).describe('Directory of the chart (its Chart.yaml)'),
    charts: z
      .array(
        z.strictObject({
          repository: z.string().min(1).describe('Dependency repository as written in Chart.yaml'),
          name: z.string().min(1).describe('Dependency chart name'),
          version: z.string().min(1).describe('New version of the dependency'),
        }),
      )
      .min(1)
      .optional()
      .describe('Dependencies to update; without it, each is updated within its declared range'),
  }),
  capabilities: ['credentials'],
  async run(context, config) {
    const file = posix.join(config.path, 'Chart.yaml');
    checkLocalDependencies(context, config.path);
    if (config.charts && config.charts.length > 0) setVersions(context, file, config.charts);
    const changes = await updateChartDependencies(context, config.path);
    if (changes.size === 0) return { status: 'Succeeded' };
    const lines = [...changes].map(([name, change]) => `- ${name}: ${change || 'removed'}`);
    return {
      status: 'Succeeded',
      output: {
        commitMessage: `Updated chart dependencies for ${config.path}\n\n${lines.join('\n')}`,
      },
    };
  },
});

/**
 * Kargo's processDependencyUpdates: each update names a dependency by name and repository
 * exactly as written in Chart.yaml; versions that differ are set in place.
 */
function setVersions(
  context: Parameters<typeof helmUpdateChartStep.run>[0],
  file: string,
  charts: Array<{ repository: string; name: string; version: string }>,
): void {
  let text: string;
  try {
    text = context.workDir.readFile(file).toString('utf8');
  } catch (err) {
    if (isStepError(err)) throw err;
    throw terminalError(`path: no Chart.yaml in ${posix.dirname(file)}`);
  }
  let dependencies;
  try {
    dependencies = parseChartMetadata(text).dependencies;
  } catch (err) {
    throw terminalError(`${file}: ${(err as Error).message}`);
  }
  const edits: Array<{ key: string; value: string }> = [];
  for (const [index, chart] of charts.entries()) {
    const at = dependencies.findIndex(
      (dep) => dep.name === chart.name && dep.repository === chart.repository,
    );
    if (at < 0)
      throw terminalError(
        `charts[${index}]: no dependency in Chart.yaml matches update with repository ${JSON.stringify(chart.repository)} and name ${JSON.stringify(chart.name)}`,
      );
    if (dependencies[at]!.version !== chart.version)
      edits.push({ key: `dependencies.${at}.version`, value: chart.version });
  }
  if (edits.length === 0) return;
  try {
    context.workDir.writeFile(file, updateYaml(text, edits));
  } catch (err) {
    if (isStepError(err)) throw err;
    throw terminalError(`${file}: cannot set dependency versions: ${(err as Error).message}`);
  }
}
