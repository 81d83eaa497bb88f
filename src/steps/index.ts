import type { StepDefinition } from '../engine/step.js';
import { argocdUpdateStep } from './argocd-update.js';
import { argocdWaitStep } from './argocd-wait.js';
import { composeOutputStep } from './compose-output.js';
import { copyStep } from './copy.js';
import { deleteStep } from './delete.js';
import { fileWriteStep } from './file-write.js';
import { gitClearStep } from './git-clear.js';
import { gitTagStep } from './git-tag.js';
import { helmTemplateStep } from './helm-template.js';
import { helmUpdateChartStep } from './helm-update-chart.js';
import { jsonParseStep } from './json-parse.js';
import { jsonUpdateStep } from './json-update.js';
import { kustomizeBuildStep } from './kustomize-build.js';
import { kustomizeSetImageStep } from './kustomize-set-image.js';
import { ociDownloadStep } from './oci-download.js';
import { ociPushStep } from './oci-push.js';
import { httpStep } from './http.js';
import { httpDownloadStep } from './http-download.js';
import { setMetadataStep } from './set-metadata.js';
import { setFreightAliasStep } from './set-freight-alias.js';
import { failStep } from './fail.js';
import { gitCloneStep } from './git-clone.js';
import { gitCommitStep } from './git-commit.js';
import { gitPushStep } from './git-push.js';
import { githubPushStep } from './github-push.js';
import { gitOpenPrStep } from './git-open-pr.js';
import { gitWaitForPrStep } from './git-wait-for-pr.js';
import { gitMergePrStep } from './git-merge-pr.js';
import { tomlParseStep } from './toml-parse.js';
import { tomlUpdateStep } from './toml-update.js';
import { yamlParseStep } from './yaml-parse.js';
import { yamlUpdateStep } from './yaml-update.js';
import { tarStep } from './tar.js';
import { untarStep } from './untar.js';
import { yamlMergeStep } from './yaml-merge.js';

/** Every built-in step, by kind. Listed here explicitly; nothing registers itself. */
export const BUILTIN_STEPS: ReadonlyArray<StepDefinition> = [
  gitCloneStep,
  gitClearStep,
  gitCommitStep,
  gitPushStep,
  githubPushStep,
  gitTagStep,
  gitOpenPrStep,
  gitWaitForPrStep,
  gitMergePrStep,
  yamlParseStep,
  yamlUpdateStep,
  yamlMergeStep,
  jsonParseStep,
  jsonUpdateStep,
  tomlParseStep,
  tomlUpdateStep,
  copyStep,
  deleteStep,
  fileWriteStep,
  tarStep,
  untarStep,
  kustomizeSetImageStep,
  kustomizeBuildStep,
  helmUpdateChartStep,
  helmTemplateStep,
  ociDownloadStep,
  ociPushStep,
  httpStep,
  httpDownloadStep,
  setMetadataStep,
  setFreightAliasStep,
  composeOutputStep,
  failStep,
  argocdUpdateStep,
  argocdWaitStep,
] as ReadonlyArray<StepDefinition>;
