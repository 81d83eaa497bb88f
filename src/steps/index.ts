import type { StepDefinition } from '../engine/step.js';
import { composeOutputStep } from './compose-output.js';
import { failStep } from './fail.js';
import { gitCloneStep } from './git-clone.js';
import { gitCommitStep } from './git-commit.js';
import { gitPushStep } from './git-push.js';
import { yamlParseStep } from './yaml-parse.js';
import { yamlUpdateStep } from './yaml-update.js';

/** Every built-in step, by kind. Listed here explicitly; nothing registers itself. */
export const BUILTIN_STEPS: ReadonlyArray<StepDefinition> = [
  gitCloneStep,
  gitCommitStep,
  gitPushStep,
  yamlParseStep,
  yamlUpdateStep,
  composeOutputStep,
  failStep,
] as ReadonlyArray<StepDefinition>;
