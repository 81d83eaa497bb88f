import { describe } from 'vitest';
import { composeOutputStep } from '../compose-output.js';
import { failStep } from '../fail.js';
import { setMetadataStep } from '../set-metadata.js';
import { composeOutputCases } from './compose-output.cases.js';
import { failCases } from './fail.cases.js';
import { setMetadataCases } from './set-metadata.cases.js';
import { runSimpleStepCases } from './simple-step-case.js';

describe('fail as Kargo (failer_test.go)', () => {
  runSimpleStepCases(failStep, failCases);
});

describe('set-metadata as Kargo (metadata_setter_test.go)', () => {
  runSimpleStepCases(setMetadataStep, setMetadataCases);
});

describe('compose-output as Kargo (output_composer.go, compose-output-config.json)', () => {
  runSimpleStepCases(composeOutputStep, composeOutputCases);
});
