import { describe } from 'vitest';
import { helmUpdateChartStep } from '../helm-update-chart.js';
import { helmUpdateChartCases } from './helm-update-chart.cases.js';
import { runValueUpdateCases } from './value-update-case.js';

describe('helm-update-chart as Kargo (helm_chart_updater_test.go)', () => {
  runValueUpdateCases(helmUpdateChartStep, helmUpdateChartCases);
});
