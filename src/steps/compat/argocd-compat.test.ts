import { describe } from 'vitest';
import { parseStepConfig } from '../../engine/step-config.js';
import { argocdUpdateStep } from '../argocd-update.js';
import { argocdWaitStep } from '../argocd-wait.js';
import { runArgoCdUpdateRunCases } from './argocd-update-run-case.js';
import { argocdUpdateRunCases } from './argocd-update-run.cases.js';
import { runArgoCdWaitCases } from './argocd-wait-case.js';
import { argocdWaitCases, argocdWaitConfigCases } from './argocd-wait.cases.js';
import { runArgoCdCases } from './argocd-case.js';
import { argocdUpdateConfigCases, argocdUpdateDataCases } from './argocd-update.cases.js';
import { runSimpleStepCases } from './simple-step-case.js';

describe('argocd-update config as Kargo (argocd_updater_test.go, argocd-update-config.json)', () => {
  runSimpleStepCases(argocdUpdateStep, argocdUpdateConfigCases);
});

describe('argocd-update sources, revisions, authorization and selectors as Kargo', () => {
  runArgoCdCases(argocdUpdateDataCases, (selector) =>
    parseStepConfig(argocdUpdateStep, { apps: [{ selector }] }),
  );
});

describe('argocd-wait as Kargo (argocd_waiter_test.go, argocd-wait-config.json)', () => {
  runSimpleStepCases(argocdWaitStep, argocdWaitConfigCases);
  runArgoCdWaitCases(argocdWaitCases);
});

describe('argocd-update at one look at an Application, as Kargo', () => {
  runArgoCdUpdateRunCases(argocdUpdateRunCases);
});
