import { describe } from 'vitest';
import { jsonUpdateStep } from '../json-update.js';
import { runValueUpdateCases } from './value-update-case.js';
import { jsonUpdateCases } from './json-update.cases.js';

describe('json-update as Kargo (json_updater_test.go, tidwall/sjson)', () => {
  runValueUpdateCases(jsonUpdateStep, jsonUpdateCases);
});
