import { describe } from 'vitest';
import { tomlParseStep } from '../toml-parse.js';
import { tomlUpdateStep } from '../toml-update.js';
import { runSimpleStepCases } from './simple-step-case.js';
import { tomlParseCases, tomlParseValueCases } from './toml-parse.cases.js';
import { tomlUpdateCases } from './toml-update.cases.js';
import { runValueUpdateCases } from './value-update-case.js';

describe('toml-parse as Kargo (toml_parser_test.go)', () => {
  runSimpleStepCases(tomlParseStep, tomlParseCases);
  runSimpleStepCases(tomlParseStep, tomlParseValueCases);
});

describe('toml-update as Kargo (toml_updater_test.go, pkg/toml)', () => {
  runValueUpdateCases(tomlUpdateStep, tomlUpdateCases);
});
