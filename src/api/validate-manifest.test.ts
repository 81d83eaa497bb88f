import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifestStream } from './manifest-yaml.js';
import { validateManifest } from './validate-manifest.js';

function documentsOf(path: string): unknown[] {
  const parsed = parseManifestStream(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error(`${path}: ${JSON.stringify(parsed.problems)}`);
  return parsed.documents.map((doc) => doc.value);
}

function valid(document: unknown): Record<string, unknown> {
  const result = validateManifest(document);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.object;
}

function issuesOf(document: unknown): string[] {
  const result = validateManifest(document);
  if (result.ok) return [];
  return result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

const meta = { name: 'x', namespace: 'demo' };
const base = { apiVersion: 'kargo.akuity.io/v1alpha1' };
const warehouse = (spec: unknown) => ({ ...base, kind: 'Warehouse', metadata: meta, spec });
const stage = (spec: unknown) => ({ ...base, kind: 'Stage', metadata: meta, spec });
const RE2 = 'RE2 syntax is required, as in Kargo (Go regexp)';
const request = { origin: { kind: 'Warehouse', name: 'w' }, sources: { direct: true } };

describe('validateManifest', () => {
  it('loads manifests written for Kargo unchanged', () => {
    const documents = documentsOf(
      new URL('../../test/fixtures/kargo/kargo-docs-pipeline.yaml', import.meta.url).pathname,
    );
    expect(documents.length).toBeGreaterThan(10);
    for (const document of documents) expect(issuesOf(document)).toEqual([]);
  });

  it('loads the example projects', () => {
    const root = new URL('../../examples/', import.meta.url).pathname;
    const dirs = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(dirs.length).toBeGreaterThan(0);
    for (const dir of dirs) {
      for (const file of readdirSync(join(root, dir.name)).filter((f) => f.endsWith('.yaml'))) {
        for (const document of documentsOf(join(root, dir.name, file)))
          expect(issuesOf(document)).toEqual([]);
      }
    }
  });

  it('accepts RE2 syntax that JavaScript refuses, as Kargo (Go regexp) does', () => {
    const documents = [
      warehouse({
        subscriptions: [
          {
            image: {
              repoURL: 'a/b',
              allowTagsRegexes: ['(?i)^v\\d'],
              ignoreTagsRegexes: ['\\pL\\z'],
            },
          },
          {
            git: {
              repoURL: 'https://git.example.com/a.git',
              includePaths: ['regex:(?i)^apps/', 'glob:apps/[\\d]*'],
              excludePaths: ['regexp:(?s)docs.*'],
            },
          },
        ],
      }),
      {
        ...base,
        kind: 'ProjectConfig',
        metadata: { name: 'demo', namespace: 'demo' },
        spec: { promotionPolicies: [{ stageSelector: { name: 'regex:(?i)^PROD' } }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: meta,
        stringData: { repoURL: '(?i)^https://GIT\\.example\\.com/', repoURLIsRegex: 'true' },
      },
      // Not a pattern unless repoURLIsRegex says so.
      { apiVersion: 'v1', kind: 'Secret', metadata: meta, stringData: { repoURL: '(' } },
    ];
    for (const document of documents) expect(issuesOf(document)).toEqual([]);
  });

  it("applies Kargo's defaults", () => {
    const w = valid(
      warehouse({
        subscriptions: [
          { image: { repoURL: 'ghcr.io/a/b' } },
          { git: { repoURL: 'https://github.com/a/b' } },
          { chart: { repoURL: 'oci://ghcr.io/a/c' } },
        ],
      }),
    );
    expect(w.spec).toEqual({
      interval: '5m0s',
      freightCreationPolicy: 'Automatic',
      subscriptions: [
        {
          image: {
            repoURL: 'ghcr.io/a/b',
            imageSelectionStrategy: 'SemVer',
            strictSemvers: true,
            discoveryLimit: 20,
            cacheByTag: false,
          },
        },
        {
          git: {
            repoURL: 'https://github.com/a/b',
            commitSelectionStrategy: 'NewestFromBranch',
            strictSemvers: true,
            discoveryLimit: 20,
          },
        },
        { chart: { repoURL: 'oci://ghcr.io/a/c', discoveryLimit: 20 } },
      ],
    });
    const s = valid(
      stage({
        requestedFreight: [request],
        promotionTemplate: { spec: { steps: [{ task: { name: 't' } }] } },
        verification: { analysisTemplates: [{ name: 'a' }] },
      }),
    );
    expect(s.spec).toMatchObject({
      requestedFreight: [{ sources: { direct: true, availabilityStrategy: 'OneOf' } }],
      promotionTemplate: { spec: { steps: [{ task: { name: 't', kind: 'PromotionTask' } }] } },
      verification: { analysisTemplates: [{ name: 'a', kind: 'AnalysisTemplate' }] },
    });
    const config = valid({
      ...base,
      kind: 'ProjectConfig',
      metadata: { name: 'demo', namespace: 'demo' },
      spec: { promotionPolicies: [{ stage: 'a' }] },
    });
    expect(config.spec).toEqual({
      promotionPolicies: [{ stage: 'a', autoPromotionEnabled: false }],
    });
  });

  it('accepts promotion windows, in UTC unless told otherwise', () => {
    const config = valid({
      ...base,
      kind: 'ProjectConfig',
      metadata: { name: 'demo', namespace: 'demo' },
      spec: {
        promotionWindows: [
          {
            name: 'business-hours',
            kind: 'Allow',
            schedule: '0 9 * * MON-FRI',
            duration: '8h',
            timeZone: 'Europe/Berlin',
            stageSelector: { name: 'glob:prod-*' },
          },
          { name: 'nightly', kind: 'Deny', schedule: '@daily', duration: '1h30m' },
        ],
      },
    });
    expect(config.spec).toEqual({
      promotionWindows: [
        {
          name: 'business-hours',
          kind: 'Allow',
          schedule: '0 9 * * MON-FRI',
          duration: '8h',
          timeZone: 'Europe/Berlin',
          stageSelector: { name: 'glob:prod-*' },
        },
        { name: 'nightly', kind: 'Deny', schedule: '@daily', duration: '1h30m', timeZone: 'UTC' },
      ],
    });
  });

  it('moves the old image semverConstraint to constraint', () => {
    const w = valid(
      warehouse({ subscriptions: [{ image: { repoURL: 'ghcr.io/a/b', semverConstraint: '^1' } }] }),
    );
    expect(
      (w.spec as { subscriptions: Array<{ image: Record<string, unknown> }> }).subscriptions[0]!
        .image,
    ).toMatchObject({ constraint: '^1' });
    expect(
      (w.spec as { subscriptions: Array<{ image: Record<string, unknown> }> }).subscriptions[0]!
        .image,
    ).not.toHaveProperty('semverConstraint');
  });

  const invalid: Array<[string, unknown, string[]]> = [
    [
      'a document that is not an object',
      'hello',
      [': must be an object with apiVersion, kind and metadata'],
    ],
    ['no kind', { ...base, metadata: meta }, ['kind: required']],
    [
      'an unknown kind',
      { ...base, kind: 'Widget', metadata: meta },
      [
        'kind: unknown kind "Widget" (known kinds: Project, ProjectConfig, ClusterPromotionTask, PromotionTask, ClusterAnalysisTemplate, AnalysisTemplate, Warehouse, Stage, Freight, Secret, ConfigMap, Role, Promotion)',
      ],
    ],
    [
      'a wrong apiVersion',
      { apiVersion: 'kargo.akuity.io/v1', kind: 'Stage', metadata: meta },
      ['apiVersion: Stage is kargo.akuity.io/v1alpha1, not "kargo.akuity.io/v1"'],
    ],
    [
      "an Argo kind under Kargo's group",
      { ...base, kind: 'AnalysisTemplate', metadata: meta },
      ['apiVersion: AnalysisTemplate is argoproj.io/v1alpha1, not "kargo.akuity.io/v1alpha1"'],
    ],
    [
      'a missing repoURL',
      warehouse({ subscriptions: [{ image: {} }] }),
      ['spec.subscriptions[0].image.repoURL: required'],
    ],
    [
      'an unknown field',
      warehouse({ subscriptions: [{ image: { repoURL: 'a/b', tagz: 1 } }] }),
      ['spec.subscriptions[0].image.tagz: unknown field'],
    ],
    [
      'an unknown top-level field',
      { ...warehouse({ subscriptions: [{ image: { repoURL: 'a/b' } }] }), extra: true },
      ['extra: unknown field'],
    ],
    [
      'a wrong type',
      warehouse({ subscriptions: [{ image: { repoURL: 'a/b', discoveryLimit: 'ten' } }] }),
      ['spec.subscriptions[0].image.discoveryLimit: expected a number, got a string ("ten")'],
    ],
    [
      'a discoveryLimit over 100',
      warehouse({ subscriptions: [{ image: { repoURL: 'a/b', discoveryLimit: 101 } }] }),
      ['spec.subscriptions[0].image.discoveryLimit: must be at most 100'],
    ],
    [
      'an invalid duration',
      warehouse({ interval: '5 minutes', subscriptions: [{ image: { repoURL: 'a/b' } }] }),
      ['spec.interval: not a duration: use a number with s, m or h, e.g. 30s, 5m, 1h30m'],
    ],
    [
      'a bad enum',
      warehouse({
        subscriptions: [{ image: { repoURL: 'a/b', imageSelectionStrategy: 'Newest' } }],
      }),
      [
        'spec.subscriptions[0].image.imageSelectionStrategy: must be one of SemVer, Lexical, Digest, NewestBuild',
      ],
    ],
    [
      'no subscriptions',
      warehouse({ subscriptions: [] }),
      ['spec.subscriptions: must have at least one item'],
    ],
    [
      'two types in one subscription',
      warehouse({
        subscriptions: [{ image: { repoURL: 'a/b' }, git: { repoURL: 'https://x/y' } }],
      }),
      ['spec.subscriptions[0]: set only one subscription type per entry (found image, git)'],
    ],
    [
      'a duplicate subscription',
      warehouse({
        subscriptions: [
          { git: { repoURL: 'https://github.com/a/b.git' } },
          { git: { repoURL: 'https://GitHub.com/a/b' } },
        ],
      }),
      ['spec.subscriptions[1]: subscribes to the same repository as subscriptions[0]'],
    ],
    [
      'Digest without a tag to follow',
      warehouse({
        subscriptions: [{ image: { repoURL: 'a/b', imageSelectionStrategy: 'Digest' } }],
      }),
      [
        'spec.subscriptions[0].image.constraint: required with imageSelectionStrategy Digest: the mutable tag to follow, e.g. latest',
      ],
    ],
    [
      'an invalid image constraint',
      warehouse({ subscriptions: [{ image: { repoURL: 'a/b', constraint: '>= banana' } }] }),
      [
        'spec.subscriptions[0].image.constraint: ">= banana" is not a semantic version constraint (e.g. ^1.2.0 or >=1.0, <2.0)',
      ],
    ],
    [
      'an invalid git or chart constraint',
      warehouse({
        subscriptions: [
          {
            git: {
              repoURL: 'https://x/y',
              commitSelectionStrategy: 'SemVer',
              semverConstraint: '^^1',
            },
          },
          { chart: { repoURL: 'oci://r/c', semverConstraint: '1.0 ||' } },
        ],
      }),
      [
        'spec.subscriptions[0].git.semverConstraint: "^^1" is not a semantic version constraint (e.g. ^1.2.0 or >=1.0, <2.0)',
        'spec.subscriptions[1].chart.semverConstraint: empty alternative in "1.0 ||"',
      ],
    ],
    [
      "Kargo Enterprise's iCal promotion window",
      {
        apiVersion: 'kargo.akuity.io/v1alpha1',
        kind: 'ProjectConfig',
        metadata: { name: 'demo', namespace: 'demo' },
        spec: {
          promotionWindows: [
            {
              name: 'weekdays',
              kind: 'Allow',
              rrule: 'FREQ=WEEKLY;BYDAY=MO',
              dtstart: 'x',
              dtend: 'y',
            },
          ],
        },
      },
      [
        'spec.promotionWindows[0].schedule: required',
        'spec.promotionWindows[0].duration: required',
        "spec.promotionWindows[0].rrule: Kargo's iCal windows are not supported yet: write the window as schedule (cron), duration and timeZone",
        "spec.promotionWindows[0].dtstart: Kargo's iCal windows are not supported yet: write the window as schedule (cron), duration and timeZone",
        "spec.promotionWindows[0].dtend: Kargo's iCal windows are not supported yet: write the window as schedule (cron), duration and timeZone",
      ],
    ],
    [
      // A valid allowTags is honoured with a warning (compat/admission-cases.ts).
      'a deprecated tag filter that is not a regular expression',
      warehouse({ subscriptions: [{ image: { repoURL: 'a/b', allowTags: '(' } }] }),
      [
        'spec.subscriptions[0].image.allowTags: invalid regular expression "(": missing closing ): `(`',
        'spec.subscriptions[0].image.allowTags: deprecated (removed in Kargo v1.13): use allowTagsRegexes (a list of regular expressions)',
      ],
    ],
    [
      'an image with a tag',
      warehouse({ subscriptions: [{ image: { repoURL: 'ghcr.io/a/b:1.0' } }] }),
      [
        'spec.subscriptions[0].image.repoURL: not an image repository (write it without a tag, e.g. ghcr.io/acme/api)',
      ],
    ],
    [
      // Kargo's pattern, `(/.*)*$`, backtracked exponentially here in JavaScript.
      'a chart URL of many slashes and a newline',
      warehouse({
        subscriptions: [{ chart: { repoURL: `oci://h${'/'.repeat(50)}\n` } }],
      }),
      ['spec.subscriptions[0].chart.repoURL: not a chart repository URL (https://… or oci://…)'],
    ],
    [
      'a chart without a name',
      warehouse({ subscriptions: [{ chart: { repoURL: 'https://charts.example.com' } }] }),
      ['spec.subscriptions[0].chart.name: required for an http(s) chart repository'],
    ],
    [
      'a bad regex',
      warehouse({ subscriptions: [{ image: { repoURL: 'a/b', allowTagsRegexes: ['('] } }] }),
      [
        'spec.subscriptions[0].image.allowTagsRegexes[0]: invalid regular expression "(": missing closing ): `(`',
      ],
    ],
    [
      'patterns that are JavaScript, not RE2, or do not compile',
      warehouse({
        subscriptions: [
          { image: { repoURL: 'a/b', allowTagsRegexes: ['^v', '^v(?=1)'] } },
          {
            git: {
              repoURL: 'https://git.example.com/a.git',
              ignoreTagsRegexes: ['(a)\\1'],
              includePaths: ['apps', 'regex:(?<=a)b', 'glob:[z-a]/*.yaml'],
              excludePaths: ['regexp:('],
            },
          },
        ],
      }),
      [
        `spec.subscriptions[0].image.allowTagsRegexes[1]: invalid regular expression "^v(?=1)": invalid or unsupported Perl syntax: \`(?=\` (${RE2}: no lookahead or lookbehind)`,
        `spec.subscriptions[1].git.ignoreTagsRegexes[0]: invalid regular expression "(a)\\1": invalid escape sequence: \`\\1\` (${RE2}: no backreferences such as \\1)`,
        `spec.subscriptions[1].git.includePaths[1]: invalid regular expression "(?<=a)b": invalid named capture: \`(?<=a)b\` (${RE2}: no lookahead or lookbehind)`,
        'spec.subscriptions[1].git.includePaths[2]: invalid glob "[z-a]/*.yaml": invalid character class range: `z-a`',
        'spec.subscriptions[1].git.excludePaths[0]: invalid regular expression "(": missing closing ): `(`',
      ],
    ],
    [
      'a Stage selector that is not RE2, and a glob that does not compile',
      {
        ...base,
        kind: 'ProjectConfig',
        metadata: { name: 'demo', namespace: 'demo' },
        spec: {
          promotionPolicies: [
            { stageSelector: { name: 'regex:^(?!prod)' } },
            { stageSelector: { name: 'glob:[z-a]' } },
          ],
        },
      },
      [
        `spec.promotionPolicies[0].stageSelector.name: invalid regular expression "^(?!prod)": invalid or unsupported Perl syntax: \`(?!\` (${RE2}: no lookahead or lookbehind)`,
        'spec.promotionPolicies[1].stageSelector.name: invalid glob "[z-a]": invalid character class range: `z-a`',
      ],
    ],
    [
      'credentials whose repoURL is not RE2',
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: meta,
        stringData: { repoURL: '^https://(?!internal)', repoURLIsRegex: 'true' },
      },
      [
        `stringData.repoURL: invalid regular expression "^https://(?!internal)": invalid or unsupported Perl syntax: \`(?!\` (${RE2}: no lookahead or lookbehind)`,
      ],
    ],
    [
      'credentials whose base64 repoURL does not compile',
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: meta,
        data: {
          repoURL: Buffer.from('https://(').toString('base64'),
          repoURLIsRegex: Buffer.from('true').toString('base64'),
        },
      },
      ['data.repoURL: invalid regular expression "https://(": missing closing ): `https://(`'],
    ],
    [
      'a name that is not RFC 1123',
      {
        ...warehouse({ subscriptions: [{ image: { repoURL: 'a/b' } }] }),
        metadata: { name: 'My_Warehouse', namespace: 'demo' },
      },
      [
        "metadata.name: \"My_Warehouse\" is not an RFC 1123 name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
      ],
    ],
    [
      'a project name with a dot',
      { ...base, kind: 'Project', metadata: { name: 'a.b' } },
      [
        'metadata.name: "a.b" is not an RFC 1123 label: use lowercase letters, digits and \'-\', starting and ending with a letter or digit',
      ],
    ],
    [
      'a namespaced kind without a project',
      { ...base, kind: 'Stage', metadata: { name: 'x' }, spec: { requestedFreight: [request] } },
      ['metadata.namespace: required'],
    ],
    [
      'a source with neither direct nor stages',
      stage({ requestedFreight: [{ origin: { kind: 'Warehouse', name: 'w' }, sources: {} }] }),
      ['spec.requestedFreight[0].sources: set direct: true, or list upstream stages (or both)'],
    ],
    [
      'a duplicate origin',
      stage({ requestedFreight: [request, request] }),
      ['spec.requestedFreight[1].origin: Warehouse/w is already requested by requestedFreight[0]'],
    ],
    [
      'an invalid soak time',
      stage({
        requestedFreight: [{ ...request, sources: { stages: ['a'], requiredSoakTime: '1d' } }],
      }),
      [
        'spec.requestedFreight[0].sources.requiredSoakTime: not a duration: use a number with s, m or h, e.g. 30s, 5m, 1h30m',
      ],
    ],
    [
      'a step with uses and task',
      stage({
        requestedFreight: [request],
        promotionTemplate: { spec: { steps: [{ uses: 'a', task: { name: 'b' } }] } },
      }),
      ['spec.promotionTemplate.spec.steps[0]: set either uses or task, not both'],
    ],
    [
      'a task step with config',
      stage({
        requestedFreight: [request],
        promotionTemplate: { spec: { steps: [{ task: { name: 'b' }, config: {} }] } },
      }),
      ['spec.promotionTemplate.spec.steps[0].config: not allowed on a step that references a task'],
    ],
    [
      'a reserved alias',
      stage({
        requestedFreight: [request],
        promotionTemplate: { spec: { steps: [{ uses: 'a', as: 'step-1' }] } },
      }),
      [
        'spec.promotionTemplate.spec.steps[0].as: "step-1" is reserved for generated aliases (step-N, task-N); choose another',
      ],
    ],
    [
      'a duplicate alias',
      stage({
        requestedFreight: [request],
        promotionTemplate: {
          spec: {
            steps: [
              { uses: 'a', as: 'x' },
              { uses: 'b', as: 'x' },
            ],
          },
        },
      }),
      ['spec.promotionTemplate.spec.steps[1].as: alias "x" is already used by step 0'],
    ],
    [
      'a bad variable name',
      stage({ requestedFreight: [request], vars: [{ name: '1x', value: 'a' }] }),
      ['spec.vars[0].name: must be a variable name: a letter or _, then letters, digits or _'],
    ],
    [
      'a ProjectConfig named differently',
      { ...base, kind: 'ProjectConfig', metadata: { name: 'other', namespace: 'demo' } },
      [
        'metadata.name: must equal the project name "demo" (a project has one ProjectConfig, named after it)',
      ],
    ],
    [
      'a policy with stage and stageSelector',
      {
        ...base,
        kind: 'ProjectConfig',
        metadata: { name: 'demo', namespace: 'demo' },
        spec: { promotionPolicies: [{ stage: 'a', stageSelector: { name: 'a' } }] },
      },
      ['spec.promotionPolicies[0]: set exactly one of stage (deprecated) and stageSelector'],
    ],
    [
      'a selector with an unknown prefix',
      {
        ...base,
        kind: 'ProjectConfig',
        metadata: { name: 'demo', namespace: 'demo' },
        spec: { promotionPolicies: [{ stageSelector: { name: 're:x' } }] },
      },
      [
        'spec.promotionPolicies[0].stageSelector.name: "re:x" has an unknown prefix: use an exact Stage name, regex:<expression>, regexp:<expression> or glob:<pattern>',
      ],
    ],
    [
      'a receiver with two providers',
      {
        ...base,
        kind: 'ProjectConfig',
        metadata: { name: 'demo', namespace: 'demo' },
        spec: {
          webhookReceivers: [
            { name: 'r', github: { secretRef: { name: 's' } }, quay: { secretRef: { name: 's' } } },
          ],
        },
      },
      ['spec.webhookReceivers[0]: set only one provider per receiver (found github, quay)'],
    ],
    [
      'a promotion window with a bad cron field',
      {
        ...base,
        kind: 'ProjectConfig',
        metadata: { name: 'demo', namespace: 'demo' },
        spec: {
          promotionWindows: [{ name: 'w', kind: 'Allow', schedule: '61 9 * * *', duration: '1h' }],
        },
      },
      ['spec.promotionWindows[0].schedule: minute field "61" is out of range 0-59'],
    ],
    [
      'a promotion window in an unknown time zone',
      {
        ...base,
        kind: 'ProjectConfig',
        metadata: { name: 'demo', namespace: 'demo' },
        spec: {
          promotionWindows: [
            {
              name: 'w',
              kind: 'Deny',
              schedule: '@daily',
              duration: '1h',
              timeZone: 'Europe/Atlantis',
            },
          ],
        },
      },
      [
        'spec.promotionWindows[0].timeZone: unknown time zone "Europe/Atlantis": use an IANA name such as UTC or Europe/Berlin',
      ],
    ],
    [
      'two promotion windows with one name',
      {
        ...base,
        kind: 'ProjectConfig',
        metadata: { name: 'demo', namespace: 'demo' },
        spec: {
          promotionWindows: [
            { name: 'w', kind: 'Allow', schedule: '0 9 * * MON-FRI', duration: '8h' },
            { name: 'w', kind: 'Deny', schedule: '0 12 * * FRI', duration: '12h' },
          ],
        },
      },
      ['spec.promotionWindows[1].name: window name "w" is already used by promotionWindows[0]'],
    ],
    [
      'a promotion window lasting no time',
      {
        ...base,
        kind: 'ProjectConfig',
        metadata: { name: 'demo', namespace: 'demo' },
        spec: {
          promotionWindows: [{ name: 'w', kind: 'Allow', schedule: '@daily', duration: '0s' }],
        },
      },
      ['spec.promotionWindows[0].duration: must be longer than 0s'],
    ],
    [
      'a Freight with no artifacts',
      { ...base, kind: 'Freight', metadata: meta, origin: { kind: 'Warehouse', name: 'w' } },
      [': must contain at least one commit, image, chart or artifact'],
    ],
    [
      'a Freight with a foreign origin kind',
      {
        ...base,
        kind: 'Freight',
        metadata: meta,
        origin: { kind: 'Stage', name: 'w' },
        images: [{ repoURL: 'a' }],
      },
      ['origin.kind: must be "Warehouse"'],
    ],
    [
      'a Promotion with freight and origin',
      {
        ...base,
        kind: 'Promotion',
        metadata: meta,
        spec: { stage: 's', freight: 'f', origin: { kind: 'Warehouse', name: 'w' } },
      },
      ['spec: set exactly one of freight and origin'],
    ],
    [
      'a PromotionTask step referencing a task',
      {
        ...base,
        kind: 'PromotionTask',
        metadata: meta,
        spec: { steps: [{ task: { name: 'x' } }] },
      },
      ['spec.steps[0].task: steps here cannot reference a task'],
    ],
    [
      'a metric with two providers',
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisTemplate',
        metadata: meta,
        spec: {
          metrics: [
            {
              name: 'm',
              provider: {
                web: { url: 'http://x' },
                job: { spec: { template: { spec: { containers: [{ name: 'c' }] } } } },
              },
            },
          ],
        },
      },
      ['spec.metrics[0].provider: set only one provider per metric (found web, job)'],
    ],
    [
      'count > 1 without interval',
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisTemplate',
        metadata: meta,
        spec: { metrics: [{ name: 'm', count: 3, provider: { web: { url: 'http://x' } } }] },
      },
      ['spec.metrics[0].interval: required when count is more than 1'],
    ],
    [
      'a label value too long',
      { ...base, kind: 'Project', metadata: { name: 'p', labels: { team: 'x'.repeat(64) } } },
      [
        `metadata.labels.team: "${'x'.repeat(64)}" is not a valid label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`,
      ],
    ],
  ];

  it.each(invalid)('reports %s', (_, document, expected) => {
    expect(issuesOf(document)).toEqual(expected);
  });
});
