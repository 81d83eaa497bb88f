import { describe } from 'vitest';
import { yamlUpdateStep } from '../yaml-update.js';
import { runValueUpdateCases } from './value-update-case.js';
import { yamlUpdateCases } from './yaml-update.cases.js';

describe('yaml-update as Kargo (yaml_updater_test.go, pkg/yaml, pkg/sjson)', () => {
  runValueUpdateCases(yamlUpdateStep, yamlUpdateCases);
});
