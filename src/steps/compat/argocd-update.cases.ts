import type { ArgoCdCase } from './argocd-case.js';
import type { SimpleStepCase } from './simple-step-case.js';

const convert = (name: string) => `argocd_updater_test.go Test_argoCDUpdater_convert ${name}`;
const selector = (matchExpressions: unknown[]) => ({ apps: [{ selector: { matchExpressions } }] });
const source = (update: Record<string, unknown>) => ({ apps: [{ sources: [update] }] });

/**
 * Kargo's argocd-update config table (argocd_updater_test.go Test_argoCDUpdater_convert), as
 * data: Gantry refuses exactly what argocd-update-config.json refuses. Gantry's messages name
 * the field and the rule in its own words.
 */
export const argocdUpdateConfigCases: SimpleStepCase[] = [
  {
    upstream: convert('apps not specified'),
    validateOnly: true,
    config: {},
    error: 'apps: required',
  },
  {
    upstream: convert('apps is empty array'),
    validateOnly: true,
    config: { apps: [] },
    error: 'apps: must have at least one item',
  },
  {
    upstream: convert('app name and selector not specified'),
    validateOnly: true,
    config: { apps: [{}] },
    error: 'apps[0]: set exactly one of name and selector',
  },
  {
    upstream: convert('app name is empty string'),
    validateOnly: true,
    config: { apps: [{ name: '' }] },
    error: 'apps[0].name: must not be empty',
  },
  {
    upstream: convert('app name and selector both specified'),
    validateOnly: true,
    config: { apps: [{ name: 'my-app', selector: { matchLabels: { env: 'prod' } } }] },
    error: 'apps[0]: set exactly one of name and selector',
  },
  {
    upstream: convert('app selector is empty'),
    validateOnly: true,
    config: { apps: [{ selector: {} }] },
    error: 'apps[0].selector: set matchLabels or matchExpressions',
  },
  {
    upstream: convert('app selector matchLabels is empty object'),
    validateOnly: true,
    config: { apps: [{ selector: { matchLabels: {} } }] },
    error: 'apps[0].selector.matchLabels: must have at least one label',
  },
  {
    upstream: convert('app selector matchExpressions is empty array'),
    validateOnly: true,
    config: selector([]),
    error: 'apps[0].selector.matchExpressions: must have at least one item',
  },
  {
    upstream: convert('app selector matchExpression missing key'),
    validateOnly: true,
    config: selector([{ operator: 'In' }]),
    error: 'apps[0].selector.matchExpressions[0].key: required',
  },
  {
    upstream: convert('app selector matchExpression missing operator'),
    validateOnly: true,
    config: selector([{ key: 'env' }]),
    error: 'apps[0].selector.matchExpressions[0].operator',
  },
  {
    upstream: convert('app selector matchExpression key is empty string'),
    validateOnly: true,
    config: selector([{ key: '', operator: 'In' }]),
    error: 'apps[0].selector.matchExpressions[0].key: must not be empty',
  },
  {
    upstream: convert('app selector matchExpression operator is empty string'),
    validateOnly: true,
    config: selector([{ key: 'env', operator: '' }]),
    error: 'apps[0].selector.matchExpressions[0].operator: must be one of',
  },
  {
    upstream: convert('app selector matchExpression operator is invalid'),
    validateOnly: true,
    config: selector([{ key: 'env', operator: 'InvalidOperator' }]),
    error: 'apps[0].selector.matchExpressions[0].operator: must be one of',
  },
  {
    upstream: convert('app namespace is empty string'),
    validateOnly: true,
    config: { apps: [{ namespace: '' }] },
    error: 'apps[0].namespace: must not be empty',
  },
  {
    upstream: convert('app sources is empty array'),
    validateOnly: true,
    config: { apps: [{ sources: [] }] },
    error: 'apps[0].sources: must have at least one item',
  },
  {
    upstream: convert('source repoURL not specified'),
    validateOnly: true,
    config: source({}),
    error: 'apps[0].sources[0].repoURL: required',
  },
  {
    upstream: convert('source repoURL is empty string'),
    validateOnly: true,
    config: source({ repoURL: '' }),
    error: 'apps[0].sources[0].repoURL: must not be empty',
  },
  {
    upstream: convert(
      'targetRevision=true with desiredCommitFromStep and desiredRevision unspecified',
    ),
    validateOnly: true,
    config: source({ updateTargetRevision: true }),
    // Zod checks the pair once the fields are valid: repoURL is reported first.
    error: 'apps[0].sources[0].repoURL: required',
  },
  {
    upstream: `${convert('targetRevision=true with desiredCommitFromStep and desiredRevision unspecified')} (with a repoURL)`,
    validateOnly: true,
    config: source({ repoURL: 'r', updateTargetRevision: true }),
    error: 'apps[0].sources[0].desiredRevision: updateTargetRevision needs desiredRevision',
  },
  {
    upstream: convert('helm images is empty array'),
    validateOnly: true,
    config: source({ helm: { images: [] } }),
    error: 'apps[0].sources[0].helm.images: must have at least one item',
  },
  {
    upstream: convert('helm images update key is not specified'),
    validateOnly: true,
    config: source({ helm: { images: [{}] } }),
    error: 'apps[0].sources[0].helm.images[0].key: required',
  },
  {
    upstream: convert('helm images update key is empty string'),
    validateOnly: true,
    config: source({ helm: { images: [{ key: '' }] } }),
    error: 'apps[0].sources[0].helm.images[0].key: must not be empty',
  },
  {
    upstream: convert('helm images update value is not specified'),
    validateOnly: true,
    config: source({ helm: { images: [{}] } }),
    error: 'apps[0].sources[0].helm.images[0].value: required',
  },
  {
    upstream: convert('kustomize images is empty array'),
    validateOnly: true,
    config: source({ kustomize: { images: [] } }),
    error: 'apps[0].sources[0].kustomize.images: must have at least one item',
  },
  {
    upstream: convert('kustomize images update newName is empty string'),
    validateOnly: true,
    config: source({ kustomize: { images: [{ newName: '' }] } }),
    error: 'apps[0].sources[0].kustomize.images[0].newName: must not be empty',
  },
  {
    upstream: convert('kustomize images update repoURL is not specified'),
    validateOnly: true,
    config: source({ kustomize: { images: [{}] } }),
    error: 'apps[0].sources[0].kustomize.images[0].repoURL: required',
  },
  {
    upstream: convert('kustomize images update repoURL is empty string'),
    validateOnly: true,
    config: source({ kustomize: { images: [{ repoURL: '' }] } }),
    error: 'apps[0].sources[0].kustomize.images[0].repoURL: must not be empty',
  },
  {
    upstream: convert('kustomize images digest and tag are both specified'),
    validateOnly: true,
    config: source({ kustomize: { images: [{ digest: 'fake-digest', tag: 'fake-tag' }] } }),
    error: 'apps[0].sources[0].kustomize.images[0].repoURL: required',
  },
  {
    upstream: `${convert('kustomize images digest and tag are both specified')} (with repoURLs)`,
    validateOnly: true,
    config: source({
      repoURL: 'r',
      kustomize: { images: [{ repoURL: 'i', digest: 'fake-digest', tag: 'fake-tag' }] },
    }),
    error: 'apps[0].sources[0].kustomize.images[0]: set at most one of tag and digest',
  },
  {
    upstream: convert('valid selector with matchLabels'),
    validateOnly: true,
    config: { apps: [{ selector: { matchLabels: { env: 'prod', team: 'platform' } } }] },
  },
  {
    upstream: convert('valid selector with matchExpressions'),
    validateOnly: true,
    config: selector([{ key: 'env', operator: 'In', values: ['prod'] }]),
  },
  {
    upstream: convert('valid selector with both matchLabels and matchExpressions'),
    validateOnly: true,
    config: {
      apps: [
        {
          selector: {
            matchLabels: { team: 'platform' },
            matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }],
          },
        },
      ],
    },
  },
  {
    upstream: convert('valid kitchen sink'),
    validateOnly: true,
    config: {
      apps: [
        {
          name: 'app',
          namespace: 'argocd',
          sources: [
            {
              repoURL: 'fake-git-url',
              desiredRevision: 'fake-commit',
              updateTargetRevision: true,
              helm: { images: [{ key: 'another-fake-key', value: 'fake-tag' }] },
              kustomize: {
                images: [
                  { repoURL: 'another-fake-image', digest: 'fake-digest' },
                  { repoURL: 'yet-another-fake-image', tag: 'fake-tag' },
                ],
              },
            },
          ],
        },
      ],
    },
  },

  // Not upstream rows: what argocd-update-config.json and argocd-common.json also say.
  {
    upstream: 'argocd-update-config.json: kustomize without images is accepted',
    validateOnly: true,
    config: { apps: [{ name: 'app', sources: [{ repoURL: 'r', kustomize: {} }] }] },
  },
  {
    upstream: 'argocd-update-config.json: an image with neither tag nor digest, or both empty',
    validateOnly: true,
    config: {
      apps: [
        {
          name: 'app',
          sources: [
            {
              repoURL: 'r',
              kustomize: { images: [{ repoURL: 'i' }, { repoURL: 'j', tag: '', digest: '' }] },
            },
          ],
        },
      ],
    },
  },
  {
    upstream: 'argocd-update-config.json: an empty tag beside a digest is unset',
    validateOnly: true,
    config: {
      apps: [
        {
          name: 'app',
          sources: [
            {
              repoURL: 'r',
              kustomize: { images: [{ repoURL: 'i', tag: '', digest: 'sha256:1' }] },
            },
          ],
        },
      ],
    },
  },
  {
    upstream: 'argocd-update-config.json: desiredRevision has minLength 1',
    validateOnly: true,
    config: { apps: [{ name: 'app', sources: [{ repoURL: 'r', desiredRevision: '' }] }] },
    error: 'apps[0].sources[0].desiredRevision: must not be empty',
  },
  {
    upstream: 'argocd-update-config.json: chart has minLength 1',
    validateOnly: true,
    config: { apps: [{ name: 'app', sources: [{ repoURL: 'r', chart: '' }] }] },
    error: 'apps[0].sources[0].chart: must not be empty',
  },
  {
    upstream: 'argocd-update-config.json: desiredRevision without updateTargetRevision',
    validateOnly: true,
    config: { apps: [{ name: 'app', sources: [{ repoURL: 'r', desiredRevision: 'abc' }] }] },
  },
  {
    upstream: 'argocd-common.json: In without values passes the schema (refused when run)',
    validateOnly: true,
    config: selector([{ key: 'env', operator: 'In' }]),
  },
  {
    upstream: 'argocd-update-config.json additionalProperties false',
    validateOnly: true,
    config: { apps: [{ name: 'app', project: 'x' }] },
    error: 'apps[0].project: unknown field',
  },
];

const apply = (name: string) =>
  `argocd_updater_test.go Test_argoCDUpdater_applyArgoCDSourceUpdate ${name}`;
const authorize = (name: string) =>
  `argocd_updater_test.go Test_argoCDUpdater_authorizeArgoCDAppUpdate ${name}`;
const labelSelector = (name: string) =>
  `argocd_common_test.go Test_BuildArgoCDAppLabelSelector ${name}`;
const KEY = 'kargo.akuity.io/authorized-stage';
const notPermitted = 'is not authorized for Stage ns-yep:name-yep';

/** The argocd-update cases whose inputs and results are data. */
export const argocdUpdateDataCases: ArgoCdCase[] = [
  {
    upstream: apply("update doesn't apply to this source"),
    sources: [{ repoURL: 'fake-url' }],
    single: true,
    updates: [{ repoURL: 'different-fake-url' }],
    error: 'matched update for source with repoURL different-fake-url',
  },
  {
    upstream: apply('update target revision (git)'),
    sources: [{ repoURL: 'fake-url' }],
    single: true,
    updates: [{ repoURL: 'fake-url', desiredRevision: 'fake-commit', updateTargetRevision: true }],
    expectSources: [{ repoURL: 'fake-url', targetRevision: 'fake-commit' }],
    expectRevisions: ['fake-commit'],
  },
  {
    upstream: apply('update target revision (helm chart)'),
    sources: [{ repoURL: 'fake-url', chart: 'fake-chart' }],
    single: true,
    updates: [
      {
        repoURL: 'fake-url',
        chart: 'fake-chart',
        desiredRevision: 'fake-version',
        updateTargetRevision: true,
      },
    ],
    expectSources: [{ repoURL: 'fake-url', chart: 'fake-chart', targetRevision: 'fake-version' }],
    expectRevisions: ['fake-version'],
  },
  {
    upstream: apply('update images with kustomize'),
    sources: [{ repoURL: 'fake-url' }],
    single: true,
    updates: [
      {
        repoURL: 'fake-url',
        kustomize: { images: [{ repoURL: 'fake-image-url', tag: 'fake-tag' }] },
      },
    ],
    expectSources: [{ repoURL: 'fake-url', kustomize: { images: ['fake-image-url:fake-tag'] } }],
  },
  {
    upstream: apply('update images with helm'),
    sources: [{ repoURL: 'fake-url' }],
    single: true,
    updates: [
      {
        repoURL: 'fake-url',
        helm: { images: [{ key: 'image', value: 'fake-image-url:fake-tag' }] },
      },
    ],
    expectSources: [
      {
        repoURL: 'fake-url',
        helm: { parameters: [{ name: 'image', value: 'fake-image-url:fake-tag' }] },
      },
    ],
  },
  {
    upstream: 'argocd_updater_test.go Test_argoCDUpdater_buildKustomizeImagesForAppSource',
    sources: [{ repoURL: 'https://github.com/universe/42', kustomize: { images: ['old:1'] } }],
    single: true,
    updates: [
      {
        repoURL: 'https://github.com/universe/42',
        kustomize: {
          images: [
            { repoURL: 'yet-another-fake-url', digest: 'fake-digest' },
            { repoURL: 'still-another-fake-url', tag: 'fake-tag' },
            { repoURL: 'another-fake-url', newName: 'another-fake-name', tag: 'another-fake-tag' },
          ],
        },
      },
    ],
    // The step's images replace the source's overrides (old:1 is gone), as Kargo.
    expectSources: [
      {
        repoURL: 'https://github.com/universe/42',
        kustomize: {
          images: [
            'yet-another-fake-url@fake-digest',
            'still-another-fake-url:fake-tag',
            'another-fake-url=another-fake-name:another-fake-tag',
          ],
        },
      },
    ],
  },
  {
    upstream: 'argocd_updater_test.go Test_argoCDUpdater_buildHelmParamChangesForAppSource',
    sources: [
      {
        repoURL: 'r',
        helm: {
          parameters: [
            { name: 'second-fake-key', value: 'old' },
            { name: 'kept', value: 'k' },
          ],
        },
      },
    ],
    single: true,
    updates: [
      {
        repoURL: 'r',
        helm: {
          images: [
            { key: 'first-fake-key', value: 'fake-value' },
            { key: 'second-fake-key', value: 'another-fake-value' },
          ],
        },
      },
    ],
    // Set by name: an existing parameter is replaced in place, a new one appended.
    expectSources: [
      {
        repoURL: 'r',
        helm: {
          parameters: [
            { name: 'second-fake-key', value: 'another-fake-value' },
            { name: 'kept', value: 'k' },
            { name: 'first-fake-key', value: 'fake-value' },
          ],
        },
      },
    ],
  },
  {
    upstream:
      'argocd_updater_test.go Test_argoCDUpdater_buildDesiredSources applies updates to sources',
    sources: [{ repoURL: 'fake-chart-url', chart: 'fake-chart' }, { repoURL: 'fake-git-url' }],
    updates: [
      {
        repoURL: 'fake-chart-url',
        chart: 'fake-chart',
        desiredRevision: 'fake-version',
        updateTargetRevision: true,
      },
      { repoURL: 'fake-git-url', desiredRevision: 'fake-commit', updateTargetRevision: true },
    ],
    expectSources: [
      { repoURL: 'fake-chart-url', chart: 'fake-chart', targetRevision: 'fake-version' },
      { repoURL: 'fake-git-url', targetRevision: 'fake-commit' },
    ],
    expectRevisions: ['fake-version', 'fake-commit'],
  },
  {
    upstream: 'argocd_revisions_test.go Test_argoCDUpdater_getDesiredRevisions multisource',
    sources: [
      {},
      { repoURL: 'https://example.com', chart: 'fake-chart' },
      { repoURL: 'https://example.com', chart: 'another-fake-chart' },
      { repoURL: 'https://github.com/universe/42' },
      { repoURL: 'https://github.com/another-universe/42' },
    ],
    updates: [
      {
        repoURL: 'https://example.com',
        chart: 'another-fake-chart',
        desiredRevision: 'another-fake-version',
      },
      { repoURL: 'https://github.com/another-universe/42', desiredRevision: 'another-fake-commit' },
    ],
    expectRevisions: ['', '', 'another-fake-version', '', 'another-fake-commit'],
  },
  {
    upstream: 'argocd_revisions_test.go Test_argoCDUpdater_getDesiredRevisions no sources',
    sources: [],
    updates: [],
    expectRevisions: [],
  },
  {
    upstream: 'argocd_revisions_test.go Test_argoCDUpdater_getDesiredRevisions no application',
    notRun: 'passes a nil Application; Gantry always has the Application it read',
  },
  // Not upstream rows: applyArgoCDSourceUpdate's matching rules.
  {
    upstream: 'argocd_updater.go applyArgoCDSourceUpdate: git repoURLs match once normalised',
    sources: [{ repoURL: 'https://github.com/Example/Repo.git' }],
    single: true,
    updates: [
      {
        repoURL: 'https://github.com/example/repo/',
        desiredRevision: 'abc',
        updateTargetRevision: true,
      },
    ],
    expectSources: [{ repoURL: 'https://github.com/Example/Repo.git', targetRevision: 'abc' }],
    // getDesiredRevisions compares repoURLs exactly: this source's revision is not checked.
    expectRevisions: [''],
  },
  {
    upstream:
      'argocd_updater.go applyArgoCDSourceUpdate: an update without chart does not match a chart source',
    sources: [{ repoURL: 'https://charts.example.com', chart: 'web' }],
    single: true,
    updates: [{ repoURL: 'https://charts.example.com' }],
    error: 'matched update for source with repoURL https://charts.example.com',
  },
  {
    upstream: 'argocd_updater.go applyArgoCDSourceUpdate: chart repoURLs match exactly',
    sources: [{ repoURL: 'https://charts.example.com/', chart: 'web' }],
    single: true,
    updates: [{ repoURL: 'https://charts.example.com', chart: 'web' }],
    error: 'matched update for source with repoURL https://charts.example.com and chart "web"',
  },
  {
    upstream:
      'argocd_updater.go buildDesiredSources: an update goes to the first source it matches',
    sources: [
      { repoURL: 'https://git.example/a', path: 'one' },
      { repoURL: 'https://git.example/a', path: 'two' },
    ],
    updates: [
      { repoURL: 'https://git.example/a', desiredRevision: 'v2', updateTargetRevision: true },
    ],
    expectSources: [
      { repoURL: 'https://git.example/a', path: 'one', targetRevision: 'v2' },
      { repoURL: 'https://git.example/a', path: 'two' },
    ],
    expectRevisions: ['v2', 'v2'],
  },

  { upstream: authorize('annotations are nil'), annotations: undefined, refused: notPermitted },
  { upstream: authorize('annotation is missing'), annotations: {}, refused: notPermitted },
  {
    upstream: authorize('annotation cannot be parsed'),
    annotations: { [KEY]: 'bogus' },
    refused: 'unable to parse',
  },
  {
    upstream: authorize('mutation is not allowed'),
    annotations: { [KEY]: 'ns-nope:name-nope' },
    refused: notPermitted,
  },
  { upstream: authorize('mutation is allowed'), annotations: { [KEY]: 'ns-yep:name-yep' } },
  {
    upstream: authorize('mutation is allowed via list (last entry matches)'),
    annotations: { [KEY]: 'ns-nope:name-nope,ns-yep:name-yep' },
  },
  {
    upstream: authorize('mutation is allowed via list with whitespace (first entry matches)'),
    annotations: { [KEY]: ' ns-yep : name-yep , other:stage ' },
  },
  {
    upstream: authorize('mutation is not allowed for any list entry'),
    annotations: { [KEY]: 'ns-nope:name-nope,other:stage' },
    refused: notPermitted,
  },
  {
    upstream: authorize('list with a malformed entry cannot be parsed'),
    annotations: { [KEY]: 'ns-yep:name-yep,bogus' },
    refused: 'unable to parse',
  },
  {
    upstream: authorize('wildcard namespace with full name'),
    annotations: { [KEY]: '*:name-yep' },
    refused: 'deprecated glob expression',
  },
  {
    upstream: authorize('full namespace with wildcard name'),
    annotations: { [KEY]: 'ns-yep:*' },
    refused: 'deprecated glob expression',
  },
  // Not upstream: AuthorizedStages (pkg/api/stage.go) skips empty entries, and needs one.
  {
    upstream: 'stage.go AuthorizedStages: empty entries are skipped',
    annotations: { [KEY]: ',ns-yep:name-yep,' },
  },
  {
    upstream: 'stage.go AuthorizedStages: an annotation without any entry cannot be parsed',
    annotations: { [KEY]: ' , ' },
    refused: 'no authorized Stages found',
  },

  { upstream: labelSelector('empty selector'), selector: {}, refused: 'schema' },
  {
    upstream: labelSelector('valid matchLabels'),
    selector: { matchLabels: { app: 'test' } },
    refused: false,
  },
  {
    upstream: labelSelector('valid matchExpressions'),
    selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] },
    refused: false,
  },
  {
    upstream: labelSelector('invalid operator'),
    selector: { matchExpressions: [{ key: 'app', operator: 'Invalid' }] },
    refused: 'schema',
  },
  {
    upstream: "labels.NewRequirement: In needs values (Kargo's step errors when it runs)",
    selector: { matchExpressions: [{ key: 'app', operator: 'In' }] },
    refused: 'run',
  },
  {
    upstream: "labels.NewRequirement: Exists takes no values (Kargo's step errors when it runs)",
    selector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['x'] }] },
    refused: 'run',
  },
];
