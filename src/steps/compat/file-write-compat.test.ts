import { describe } from 'vitest';
import { fileWriteStep } from '../file-write.js';
import { runFileStepCases } from './file-step-case.js';
import { fileWriteCases } from './file-write.cases.js';

describe('file-write as Kargo (file_writer_test.go)', () => {
  runFileStepCases(fileWriteStep, fileWriteCases);
});
