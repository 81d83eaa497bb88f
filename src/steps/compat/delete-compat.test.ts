import { describe } from 'vitest';
import { deleteStep } from '../delete.js';
import { runFileStepCases } from './file-step-case.js';
import { deleteCases } from './delete.cases.js';

describe('delete as Kargo (file_deleter_test.go)', () => {
  runFileStepCases(deleteStep, deleteCases);
});
