import { join } from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { isStepError, terminalError } from '../engine/step-error.js';

/**
 * helm-update-chart: sets the versions of dependencies in a chart's Chart.yaml, config as Kargo's
 * helm-update-chart-config.json (`charts` optional, each with `repository`, `name`, `version`).
 * Kargo then runs `helm dependency update` (Chart.lock, charts/*.tgz); Gantry does not yet, so a
 * config without `charts` (only the dependency update) is a terminal error rather than a step
 * that silently does nothing. Output `commitMessage`, worded as Kargo's.
 */
export const helmUpdateChartStep = defineStep({
  kind: 'helm-update-chart',
  description: "Update the versions of a Helm chart's dependencies in Chart.yaml",
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
      .describe('Dependencies to update'),
  }),
  capabilities: [],
  run(context, config) {
    if (!config.charts)
      throw terminalError(
        'charts: required here: without charts Kargo only runs `helm dependency update` (Chart.lock, charts/), which Gantry does not do yet',
      );
    // Chart.yaml itself is resolved too: it may be a link out of the working directory.
    const file = join(config.path, 'Chart.yaml');
    let text: string;
    try {
      text = context.workDir.readFile(file).toString('utf8');
    } catch (err) {
      if (isStepError(err)) throw err;
      throw terminalError(`path: no Chart.yaml in ${config.path}`);
    }
    const doc = parseDocument(text);
    const found = isMap(doc.contents) ? doc.get('dependencies', true) : undefined;
    const dependencies = isSeq(found) ? found.items : [];
    const lines: string[] = [];
    for (const [index, chart] of config.charts.entries()) {
      // As Kargo's dependency manager: name and repository exactly as written in Chart.yaml.
      const entry = dependencies.find(
        (item) =>
          isMap(item) &&
          item.get('name') === chart.name &&
          item.get('repository') === chart.repository,
      );
      if (!isMap(entry))
        throw terminalError(
          `charts[${index}]: no dependency in Chart.yaml matches update with repository ${JSON.stringify(chart.repository)} and name ${JSON.stringify(chart.name)}`,
        );
      const version = chart.version;
      entry.set('version', version);
      lines.push(`- ${chart.name}: ${version}`);
    }
    context.workDir.writeFile(file, doc.toString());
    return Promise.resolve({
      status: 'Succeeded',
      output: {
        commitMessage: `Updated chart dependencies for ${config.path}\n\n${lines.join('\n')}`,
      },
    });
  },
});
