import { describe } from 'vitest';
import { copyStep } from '../copy.js';
import { runFileStepCases } from './file-step-case.js';
import { copyCases } from './copy.cases.js';

describe('copy as Kargo (file_copier_test.go)', () => {
  runFileStepCases(copyStep, copyCases);
});
