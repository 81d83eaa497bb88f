import { describe } from 'vitest';
import { tarStep } from '../tar.js';
import { untarStep } from '../untar.js';
import { runTarStepCases } from './tar-step-case.js';
import { tarCases } from './tar.cases.js';
import { untarCases } from './untar.cases.js';

describe('tar as Kargo (tar_creator_test.go)', () => {
  runTarStepCases(tarStep, tarCases);
});

describe('untar as Kargo (tar_extractor_test.go)', () => {
  runTarStepCases(untarStep, untarCases);
});
