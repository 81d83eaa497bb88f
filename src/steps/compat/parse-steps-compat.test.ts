import { describe } from 'vitest';
import { jsonParseStep } from '../json-parse.js';
import { yamlParseStep } from '../yaml-parse.js';
import { jsonParseCases } from './json-parse.cases.js';
import { runSimpleStepCases } from './simple-step-case.js';
import { yamlParseCases } from './yaml-parse.cases.js';

describe('yaml-parse as Kargo (yaml_parser_test.go)', () => {
  runSimpleStepCases(yamlParseStep, yamlParseCases);
});

describe('json-parse as Kargo (json_parser_test.go)', () => {
  runSimpleStepCases(jsonParseStep, jsonParseCases);
});
