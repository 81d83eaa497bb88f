import { describe } from 'vitest';
import { runHelmChartCases } from './helm-chart-case.js';
import { helmUpdateChartCases } from './helm-update-chart.cases.js';

describe('helm-update-chart as Kargo (helm_chart_updater_test.go, pkg/helm dependency manager)', () => {
  runHelmChartCases(helmUpdateChartCases);
});
