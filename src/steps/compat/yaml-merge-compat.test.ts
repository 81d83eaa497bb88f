import { describe } from 'vitest';
import { yamlMergeStep } from '../yaml-merge.js';
import { runFileStepCases } from './file-step-case.js';
import { yamlMergeCases } from './yaml-merge.cases.js';

describe('yaml-merge as Kargo (yaml_merger_test.go, pkg/yaml/merge_test.go)', () => {
  runFileStepCases(yamlMergeStep, yamlMergeCases);
});
