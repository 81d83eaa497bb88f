/**
 * Kargo's kustomize-set-image tests (pkg/promotion/runner/builtin/kustomize_image_setter_test.go)
 * as data, run through Gantry's step by kustomize-set-image-compat.test.ts. Tests of Kargo's
 * internal helpers (mergeImages, generateCommitMessage, findKustomization, …) are run as whole
 * steps: the helper's inputs become a kustomization and a config, its result what the step writes.
 * Cases named after kustomize_image_setter.go check the points of issue 15 the upstream tables do
 * not cover.
 */
import type { FreightReference } from '../../api/common.js';

export interface KustomizeSetImageCase {
  upstream: string;
  config: unknown;
  /** Validation only: true when Kargo's schema accepts the config, else the message expected. */
  valid?: true | string;
  /** The working directory before the run (path → content). */
  files?: Record<string, string>;
  freight?: FreightReference[];
  /** Files after the run, exactly. */
  wantFiles?: Record<string, string>;
  /** Substrings a file must hold after the run. */
  wantContains?: Record<string, string[]>;
  /** The step's output (null: none). */
  wantOutput?: Record<string, unknown> | null;
  /** A substring of the error the step fails with. */
  error?: string;
  skip?: string;
  differs?: string;
}

const KUS = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
const T = 'kustomize_image_setter_test.go';
const G = 'kustomize_image_setter.go';

const freight = (...images: Array<{ repoURL: string; tag?: string; digest?: string }>[]) =>
  images.map((list, i) => ({
    name: `f${i + 1}`,
    origin: { kind: 'Warehouse' as const, name: `warehouse${i + 1}` },
    images: list,
  }));

export const kustomizeSetImageCases: KustomizeSetImageCase[] = [
  // --- Test_kustomizeImageSetter_convert -------------------------------------------------------
  {
    upstream: `${T} Test_kustomizeImageSetter_convert path is not specified`,
    config: {},
    valid: 'path',
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_convert path is empty`,
    config: { path: '' },
    valid: 'path',
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_convert image not specified`,
    config: { path: 'p', images: [{}] },
    valid: 'images[0].image',
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_convert image is empty`,
    config: { path: 'p', images: [{ image: '', tag: 't' }] },
    valid: 'images[0].image',
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_convert digest and tag are both not specified`,
    config: { path: 'p', images: [{ image: 'fake-image' }] },
    valid: 'oneOf',
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_convert digest and tag are both empty`,
    config: { path: 'p', images: [{ image: 'fake-image', digest: '', tag: '' }] },
    valid: 'oneOf',
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_convert digest and tag are both specified`,
    config: {
      path: 'p',
      images: [{ image: 'fake-image', digest: 'fake-digest', tag: 'fake-tag' }],
    },
    valid: 'oneOf',
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_convert valid config with only path (images optional)`,
    config: { path: 'fake-path' },
    valid: true,
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_convert valid kitchen sink`,
    config: {
      path: 'fake-path',
      images: [
        { image: 'fake-image-2', digest: 'fake-digest' },
        { image: 'fake-image-3', digest: 'fake-digest', tag: '' },
        { image: 'fake-image-4', tag: 'fake-tag' },
        { image: 'fake-image-5', digest: '', tag: 'fake-tag' },
      ],
    },
    valid: true,
  },
  {
    upstream:
      'schemas/kustomize-set-image-config.json (name and newName; an empty digest is unset)',
    config: {
      path: 'p',
      images: [{ image: 'i', name: 'n', newName: 'm', tag: 't', digest: '' }],
    },
    valid: true,
  },
  {
    upstream: 'schemas/kustomize-set-image-config.json (digest is typed string: null refused)',
    config: { path: 'p', images: [{ image: 'i', tag: 't', digest: null }] },
    valid: 'images[0].digest',
  },
  {
    upstream: 'schemas/kustomize-set-image-config.json (additionalProperties: false)',
    config: { path: 'p', images: [{ image: 'i', tag: 't', useDigest: true }] },
    valid: 'useDigest',
  },

  // --- Test_kustomizeImageSetter_run -----------------------------------------------------------
  {
    upstream: `${T} Test_kustomizeImageSetter_run successfully sets image`,
    config: { path: '.', images: [{ image: 'nginx', tag: '1.21.0' }] },
    files: { 'kustomization.yaml': KUS },
    freight: freight([{ repoURL: 'nginx', tag: '1.21.0', digest: 'sha256:123' }]),
    wantContains: { 'kustomization.yaml': ['newTag: 1.21.0'] },
    wantOutput: { commitMessage: 'Updated . to use new image\n\n- nginx:1.21.0' },
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_run automatically sets image`,
    config: { path: '.' },
    files: { 'kustomization.yaml': KUS },
    freight: freight(
      [{ repoURL: 'nginx', digest: 'sha256:123' }],
      [{ repoURL: 'redis', tag: '6.2.5' }],
    ),
    wantFiles: {
      'kustomization.yaml': `${KUS}images:\n- name: nginx\n  digest: sha256:123\n- name: redis\n  newTag: 6.2.5\n`,
    },
    wantOutput: {
      commitMessage: 'Updated . to use new images\n\n- nginx@sha256:123\n- redis:6.2.5',
    },
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_run Kustomization file not found`,
    config: { path: '.', images: [{ image: 'nginx', tag: 'x' }] },
    error: 'could not discover kustomization file:',
  },

  // --- Test_kustomizeImageSetter_buildTargetImages ---------------------------------------------
  {
    upstream: `${T} Test_kustomizeImageSetter_buildTargetImages digest or tag specified`,
    config: {
      path: '.',
      images: [
        { image: 'nginx', tag: 'fake-tag' },
        { image: 'redis', digest: 'fake-digest' },
      ],
    },
    files: { 'kustomization.yaml': KUS },
    wantFiles: {
      'kustomization.yaml': `${KUS}images:\n- name: nginx\n  newTag: fake-tag\n- name: redis\n  digest: fake-digest\n`,
    },
  },

  // --- Test_kustomizeImageSetter_buildTargetImagesAutomatically --------------------------------
  {
    upstream: `${T} Test_kustomizeImageSetter_buildTargetImagesAutomatically successfully builds target images`,
    config: { path: '.' },
    files: { 'kustomization.yaml': KUS },
    freight: freight(
      [{ repoURL: 'nginx', tag: '1.21.0', digest: 'sha256:abcdef1234567890' }],
      [{ repoURL: 'redis', tag: '6.2.5' }],
      [{ repoURL: 'postgres', digest: 'sha256:abcdef1234567890' }],
    ),
    wantFiles: {
      'kustomization.yaml': `${KUS}images:\n- name: nginx\n  newTag: 1.21.0\n  digest: sha256:abcdef1234567890\n- name: postgres\n  digest: sha256:abcdef1234567890\n- name: redis\n  newTag: 6.2.5\n`,
    },
    wantOutput: {
      commitMessage:
        'Updated . to use new images\n\n- nginx:1.21.0@sha256:abcdef1234567890\n- postgres@sha256:abcdef1234567890\n- redis:6.2.5',
    },
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_buildTargetImagesAutomatically error on ambiguous image match`,
    config: { path: '.' },
    files: { 'kustomization.yaml': KUS },
    freight: freight(
      [{ repoURL: 'nginx', tag: '1.21.0', digest: 'sha256:abcdef1234567890' }],
      [{ repoURL: 'nginx', tag: '1.21.0', digest: 'sha256:abcdef1234567890' }],
    ),
    error: 'manual configuration required due to ambiguous result',
    differs:
      'Kargo decides ambiguity from the Warehouses the Stage requests (two subscribing to one repository); Gantry steps see the Freight, so it is ambiguous when two pieces of Freight carry the repository',
  },

  // --- Test_kustomizeImageSetter_generateCommitMessage -----------------------------------------
  {
    upstream: `${T} Test_kustomizeImageSetter_generateCommitMessage empty images`,
    config: { path: 'path/to/kustomization' },
    files: { 'path/to/kustomization/kustomization.yaml': KUS },
    wantOutput: null,
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_generateCommitMessage single image update`,
    config: { path: 'path/to/kustomization', images: [{ image: 'nginx', tag: '1.19' }] },
    files: { 'path/to/kustomization/kustomization.yaml': KUS },
    wantOutput: { commitMessage: 'Updated path/to/kustomization to use new image\n\n- nginx:1.19' },
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_generateCommitMessage multiple image updates`,
    config: {
      path: 'path/to/kustomization',
      images: [
        { image: 'redis', tag: '6.0' },
        { image: 'nginx', tag: '1.19' },
      ],
    },
    files: { 'path/to/kustomization/kustomization.yaml': KUS },
    wantOutput: {
      commitMessage: 'Updated path/to/kustomization to use new images\n\n- nginx:1.19\n- redis:6.0',
    },
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_generateCommitMessage image update with new name`,
    config: {
      path: 'path/to/kustomization',
      images: [{ image: 'nginx', newName: 'custom-nginx', tag: '1.19' }],
    },
    files: { 'path/to/kustomization/kustomization.yaml': KUS },
    wantOutput: {
      commitMessage: 'Updated path/to/kustomization to use new image\n\n- custom-nginx:1.19',
    },
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_generateCommitMessage image update with digest`,
    config: {
      path: 'path/to/kustomization',
      images: [{ image: 'nginx', digest: 'sha256:abcdef1234567890' }],
    },
    files: { 'path/to/kustomization/kustomization.yaml': KUS },
    wantOutput: {
      commitMessage:
        'Updated path/to/kustomization to use new image\n\n- nginx@sha256:abcdef1234567890',
    },
  },
  {
    upstream: `${T} Test_kustomizeImageSetter_generateCommitMessage mixed image updates`,
    config: {
      path: 'path/to/kustomization',
      images: [
        { image: 'nginx', tag: '1.19' },
        { image: 'redis', newName: 'custom-redis', tag: '6.0' },
        { image: 'postgres', digest: 'sha256:abcdef1234567890' },
      ],
    },
    files: { 'path/to/kustomization/kustomization.yaml': KUS },
    wantOutput: {
      commitMessage:
        'Updated path/to/kustomization to use new images\n\n- nginx:1.19\n- postgres@sha256:abcdef1234567890\n- custom-redis:6.0',
    },
  },

  // --- Test_updateKustomizationFile ------------------------------------------------------------
  {
    upstream: `${T} Test_updateKustomizationFile update existing images`,
    config: { path: '.', images: [{ image: 'nginx', tag: '1.21.0' }] },
    files: { 'kustomization.yaml': `${KUS}images:\n- name: nginx\n  newTag: 1.19.0\n` },
    wantFiles: { 'kustomization.yaml': `${KUS}images:\n- name: nginx\n  newTag: 1.21.0\n` },
  },
  {
    upstream: `${T} Test_updateKustomizationFile add new image`,
    config: { path: '.', images: [{ image: 'nginx', tag: '1.21.0' }] },
    files: { 'kustomization.yaml': KUS },
    wantFiles: { 'kustomization.yaml': `${KUS}images:\n- name: nginx\n  newTag: 1.21.0\n` },
  },

  // --- Test_readKustomizationFile / Test_getCurrentImages -------------------------------------
  {
    upstream: `${T} Test_readKustomizationFile valid YAML`,
    config: { path: '.', images: [{ image: 'nginx', tag: '1.22.0' }] },
    files: { 'kustomization.yaml': `${KUS}images:\n- name: nginx\n  newTag: 1.21.0\n` },
    wantFiles: { 'kustomization.yaml': `${KUS}images:\n- name: nginx\n  newTag: 1.22.0\n` },
  },
  {
    upstream: `${T} Test_readKustomizationFile invalid YAML`,
    config: { path: '.', images: [{ image: 'nginx', tag: '1.22.0' }] },
    files: {
      'kustomization.yaml': `${KUS}images:\n- name: nginx\n  newTag: 1.21.0\n  - invalid\n`,
    },
    error: 'could not unmarshal Kustomization file',
  },
  {
    upstream: `${T} Test_getCurrentImages valid images field`,
    config: { path: '.', images: [{ image: 'redis', tag: '7' }] },
    files: { 'kustomization.yaml': 'images:\n- name: nginx\n  newTag: 1.21.0\n' },
    wantFiles: {
      'kustomization.yaml':
        'images:\n- name: nginx\n  newTag: 1.21.0\n- name: redis\n  newTag: "7"\n',
    },
  },
  {
    upstream: `${T} Test_getCurrentImages no images field`,
    config: { path: '.', images: [{ image: 'redis', tag: '7' }] },
    files: { 'kustomization.yaml': KUS },
    wantFiles: { 'kustomization.yaml': `${KUS}images:\n- name: redis\n  newTag: "7"\n` },
  },

  // --- Test_mergeImages ------------------------------------------------------------------------
  {
    upstream: `${T} Test_mergeImages merge new and existing images`,
    config: {
      path: '.',
      images: [
        { image: 'nginx', tag: '1.21.0' },
        { image: 'redis', tag: '6.2.5' },
      ],
    },
    files: { 'kustomization.yaml': 'images:\n- name: nginx\n  newTag: 1.19.0\n' },
    wantFiles: {
      'kustomization.yaml':
        'images:\n- name: nginx\n  newTag: 1.21.0\n- name: redis\n  newTag: 6.2.5\n',
    },
  },
  {
    upstream: `${T} Test_mergeImages preserve existing images not in target`,
    config: { path: '.', images: [{ image: 'nginx', tag: '1.21.0' }] },
    files: {
      'kustomization.yaml':
        'images:\n- name: nginx\n  newTag: 1.19.0\n- name: mysql\n  newTag: 8.0.0\n',
    },
    wantFiles: {
      'kustomization.yaml':
        'images:\n- name: mysql\n  newTag: 8.0.0\n- name: nginx\n  newTag: 1.21.0\n',
    },
  },
  {
    upstream: `${T} Test_mergeImages handle asterisk separator`,
    config: { path: '.', images: [{ image: 'nginx', newName: '*', tag: '1.21.0' }] },
    files: {
      'kustomization.yaml': 'images:\n- name: nginx\n  newName: custom-nginx\n  newTag: 1.19.0\n',
    },
    wantFiles: {
      'kustomization.yaml': 'images:\n- name: nginx\n  newName: custom-nginx\n  newTag: 1.21.0\n',
    },
  },
  {
    upstream: `${T} Test_mergeImages sort images by name`,
    config: { path: '.', images: [{ image: 'redis', tag: '6.2.5' }] },
    files: {
      'kustomization.yaml':
        'images:\n- name: nginx\n  newTag: 1.19.0\n- name: mysql\n  newTag: 8.0.0\n',
    },
    wantFiles: {
      'kustomization.yaml':
        'images:\n- name: mysql\n  newTag: 8.0.0\n- name: nginx\n  newTag: 1.19.0\n- name: redis\n  newTag: 6.2.5\n',
    },
  },

  // --- Test_writeKustomizationFile -------------------------------------------------------------
  {
    upstream: `${T} Test_writeKustomizationFile write valid Kustomization file`,
    config: { path: '.', images: [{ image: 'nginx', tag: '1' }] },
    files: { 'kustomization.yaml': KUS },
    wantContains: {
      'kustomization.yaml': ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization'],
    },
  },
  {
    upstream: `${T} Test_writeKustomizationFile write to non-existent directory`,
    config: {},
    skip: 'calls the internal writer with a path whose directory is missing; the step only writes a kustomization it has just read',
  },

  // --- Test_findKustomization ------------------------------------------------------------------
  {
    upstream: `${T} Test_findKustomization single kustomization.yaml file`,
    config: { path: '.', images: [{ image: 'nginx', tag: '1' }] },
    files: { 'kustomization.yaml': '' },
    wantFiles: { 'kustomization.yaml': 'images:\n- name: nginx\n  newTag: "1"\n' },
  },
  {
    upstream: `${T} Test_findKustomization single Kustomization file`,
    config: { path: '.', images: [{ image: 'nginx', tag: '1' }] },
    files: { Kustomization: '' },
    wantFiles: { Kustomization: 'images:\n- name: nginx\n  newTag: "1"\n' },
  },
  {
    upstream: `${T} Test_findKustomization multiple Kustomization files`,
    config: { path: '.', images: [{ image: 'nginx', tag: '1' }] },
    files: { 'kustomization.yaml': '', Kustomization: '' },
    error: 'ambiguous result: found multiple Kustomization files in "."',
    wantFiles: { 'kustomization.yaml': '', Kustomization: '' },
  },
  {
    upstream: `${T} Test_findKustomization no Kustomization files`,
    config: { path: '.', images: [{ image: 'nginx', tag: '1' }] },
    error: 'could not find any Kustomization files in "."',
  },
  {
    upstream: `${T} Test_findKustomization Kustomization file in subdirectory`,
    config: { path: 'subdir', images: [{ image: 'nginx', tag: '1' }] },
    files: { 'subdir/kustomization.yaml': '' },
    wantFiles: { 'subdir/kustomization.yaml': 'images:\n- name: nginx\n  newTag: "1"\n' },
  },

  // --- Issue 15 points (Kargo's code, no upstream test) ----------------------------------------
  {
    upstream: `${G} updateKustomizationFile (untouched lines unchanged, images compact and sorted)`,
    config: { path: 'base', images: [{ image: 'ghcr.io/acme/api', tag: '1.2.3' }] },
    files: {
      'base/kustomization.yaml':
        '# base\nresources:\n  - deployment.yaml   # the app\nimages:\n  - name: ghcr.io/acme/zed\n    newTag: "0.1"\n\nnamespace: demo\n',
    },
    wantFiles: {
      'base/kustomization.yaml':
        '# base\nresources:\n  - deployment.yaml   # the app\nimages:\n- name: ghcr.io/acme/api\n  newTag: 1.2.3\n- name: ghcr.io/acme/zed\n  newTag: "0.1"\n\nnamespace: demo\n',
    },
    differs:
      'Kargo re-marshals the whole file (kyaml: 2-space indent, compact lists everywhere); Gantry rewrites only the images list that way and leaves every other line as it was',
  },
  {
    upstream: `${G} buildTargetImagesFromConfig (images[].name names the entry, image the repository)`,
    config: {
      path: '.',
      images: [{ image: 'ghcr.io/acme/api', name: 'api', newName: 'ghcr.io/acme/api', tag: 'v2' }],
    },
    files: { 'kustomization.yaml': 'images:\n- name: api\n  newTag: v1\n' },
    wantFiles: {
      'kustomization.yaml': 'images:\n- name: api\n  newName: ghcr.io/acme/api\n  newTag: v2\n',
    },
    wantOutput: { commitMessage: 'Updated . to use new image\n\n- ghcr.io/acme/api:v2' },
  },
  {
    upstream: `${G} mergeImages ('*' keeps the current tag; a replaced entry loses its newName)`,
    config: {
      path: '.',
      images: [
        { image: 'a', newName: 'mirror/a', tag: '*' },
        { image: 'b', digest: 'sha256:b' },
      ],
    },
    files: {
      'kustomization.yaml':
        'images:\n- name: a\n  newTag: "3"\n- name: b\n  newName: old/b\n  newTag: "4"\n',
    },
    wantFiles: {
      'kustomization.yaml':
        'images:\n- name: a\n  newName: mirror/a\n  newTag: "3"\n- name: b\n  digest: sha256:b\n',
    },
  },
  {
    upstream: `${G} mergeImages ('*' with nothing to keep is dropped)`,
    config: { path: '.', images: [{ image: 'a', newName: '*', digest: '*' }] },
    files: { 'kustomization.yaml': KUS },
    wantFiles: { 'kustomization.yaml': `${KUS}images:\n- name: a\n` },
  },
  {
    upstream: `${G} buildTargetImagesAutomatically (digest-only Freight image)`,
    config: { path: '.' },
    files: { 'kustomization.yaml': 'images:\n- name: nginx\n  newTag: old\n' },
    freight: freight([{ repoURL: 'nginx', digest: 'sha256:abc' }]),
    wantFiles: { 'kustomization.yaml': 'images:\n- name: nginx\n  digest: sha256:abc\n' },
    wantOutput: { commitMessage: 'Updated . to use new image\n\n- nginx@sha256:abc' },
  },
];
