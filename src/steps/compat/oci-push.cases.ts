import type { CompatRow } from './row-case.js';

/**
 * Kargo's oci_pusher_test.go as data. Run against Debian's docker-registry (Basic auth) holding
 * `test/image:v1.0.0` (one image, `$IMAGE`), `test/multiarch:v1.0.0` (an index of two
 * platforms, `$INDEX`), `test/annotated:v1` (an image with the annotation existing=annotation,
 * `$ANNOTATED`), `test/scoped:v1` (an image) and `test/oci:v1` (an OCI manifest without layers);
 * `$REGISTRY` is its host. Kargo pushes random images to an in-memory registry; the rows keep
 * its names, references and expectations.
 */
export interface OciPushCase extends CompatRow {
  config?: Record<string, unknown>;
  /** Only the config check (Test_ociPusher_validate). */
  validateOnly?: boolean;
  /** Run without the config check, as Kargo's run tables call the runner's run directly. */
  unchecked?: boolean;
  /** The step's size limit (Kargo's runner field maxArtifactSize); 1 GiB when absent. */
  maxArtifactBytes?: number;
  /** The credentials lookup for this URL fails. */
  credentialsError?: string;
  /** No registry: the source answers with this media type. */
  sourceMediaType?: string;
  error?: string;
  /** With `error`: whether it must be terminal. */
  terminal?: boolean;
  output?: { image?: string; digest?: string; tag?: string };
  /** What the destination holds afterwards; an annotation `null` must be absent. */
  dest?: {
    repo: string;
    reference: string;
    digest?: string;
    index?: boolean;
    annotations?: Record<string, string | null>;
    /** Annotations of every image the index lists. */
    childAnnotations?: Record<string, string | null>;
  };
  /** Test_parseAnnotationScopes: the annotations and the two scopes expected. */
  scopes?: {
    annotations: Record<string, string>;
    index: Record<string, string>;
    manifest: Record<string, string>;
  };
}

const T = 'oci_pusher_test.go';

export const ociPushCases: OciPushCase[] = [
  {
    upstream: `${T} Test_ociPusher_validate srcRef is not specified`,
    validateOnly: true,
    config: {},
    error: 'srcRef: required',
  },
  {
    upstream: `${T} Test_ociPusher_validate destRef is not specified`,
    validateOnly: true,
    config: {},
    error: 'destRef: required',
  },
  ...(
    [
      [
        'valid minimal config',
        {
          srcRef: 'registry.example.com/image:tag',
          destRef: 'registry.example.com/image:newtag',
        },
      ],
      [
        'valid config with OCI protocol',
        {
          srcRef: 'oci://registry.example.com/chart:1.0.0',
          destRef: 'oci://registry.example.com/chart:2.0.0',
        },
      ],
      [
        'valid config with non-standard port',
        {
          srcRef: 'an.internal.registry.com:5050/myrepo/myimage:latest',
          destRef: 'an.internal.registry.com:5050/myrepo/myimage:newtag',
        },
      ],
      [
        'valid config with OCI protocol and non-standard port',
        {
          srcRef: 'oci://registry.example.com:5050/chart:1.0.0',
          destRef: 'oci://registry.example.com:5050/chart:2.0.0',
        },
      ],
      [
        'valid config with all optional fields',
        {
          srcRef: 'registry.example.com/image:tag',
          destRef: 'registry.example.com/image:newtag',
          insecureSkipTLSVerify: true,
          annotations: { 'org.opencontainers.image.source': 'https://github.com/example/repo' },
        },
      ],
    ] as Array<[string, Record<string, unknown>]>
  ).map(([name, config]) => ({
    upstream: `${T} Test_ociPusher_validate ${name}`,
    validateOnly: true,
    config,
  })),

  {
    upstream: `${T} Test_ociPusher_run push single image to new tag`,
    config: { srcRef: '$REGISTRY/test/image:v1.0.0', destRef: '$REGISTRY/test/image:v2.0.0' },
    output: { image: '$REGISTRY/test/image:v2.0.0', digest: '$IMAGE', tag: 'v2.0.0' },
    dest: { repo: 'test/image', reference: 'v2.0.0', digest: '$IMAGE' },
  },
  {
    upstream: `${T} Test_ociPusher_run push image by digest`,
    config: { srcRef: '$REGISTRY/test/image@$IMAGE', destRef: '$REGISTRY/test/image:pinned' },
    output: { digest: '$IMAGE', tag: 'pinned' },
  },
  {
    upstream: `${T} Test_ociPusher_run push image index`,
    config: {
      srcRef: '$REGISTRY/test/multiarch:v1.0.0',
      destRef: '$REGISTRY/test/multiarch:v2.0.0',
    },
    output: { digest: '$INDEX', tag: 'v2.0.0' },
    dest: { repo: 'test/multiarch', reference: 'v2.0.0', index: true },
  },
  {
    upstream: `${T} Test_ociPusher_run push with annotations`,
    config: {
      srcRef: '$REGISTRY/test/image:v1.0.0',
      destRef: '$REGISTRY/test/image:annotated',
      annotations: { 'org.opencontainers.image.source': 'https://github.com/example' },
    },
    dest: {
      repo: 'test/image',
      reference: 'annotated',
      annotations: { 'org.opencontainers.image.source': 'https://github.com/example' },
    },
  },
  {
    upstream: `${T} Test_ociPusher_run push index with unprefixed annotations goes to child manifests`,
    config: {
      srcRef: '$REGISTRY/test/multiarch:v1.0.0',
      destRef: '$REGISTRY/test/multiarch:annotated',
      annotations: { 'io.kargo.test': 'true' },
    },
    dest: {
      repo: 'test/multiarch',
      reference: 'annotated',
      index: true,
      annotations: { 'io.kargo.test': null },
      childAnnotations: { 'io.kargo.test': 'true' },
    },
  },
  {
    upstream: `${T} Test_ociPusher_run push index with scoped annotations`,
    config: {
      srcRef: '$REGISTRY/test/multiarch:v1.0.0',
      destRef: '$REGISTRY/test/multiarch:scoped',
      annotations: {
        'index:io.kargo.index-only': 'idx',
        'manifest:io.kargo.manifest-only': 'mfst',
        'io.kargo.default': 'both',
      },
    },
    dest: {
      repo: 'test/multiarch',
      reference: 'scoped',
      index: true,
      annotations: {
        'io.kargo.index-only': 'idx',
        'io.kargo.manifest-only': null,
        'io.kargo.default': null,
      },
      childAnnotations: {
        'io.kargo.manifest-only': 'mfst',
        'io.kargo.default': 'both',
        'io.kargo.index-only': null,
      },
    },
  },
  {
    upstream: `${T} Test_ociPusher_run cross-repo push`,
    config: { srcRef: '$REGISTRY/test/image:v1.0.0', destRef: '$REGISTRY/other/repo:latest' },
    dest: { repo: 'other/repo', reference: 'latest', digest: '$IMAGE' },
  },
  {
    upstream: `${T} Test_ociPusher_run source not found`,
    config: {
      srcRef: '$REGISTRY/nonexistent/image:v1.0.0',
      destRef: '$REGISTRY/test/image:copy',
    },
    error: 'failed to get source artifact',
  },
  {
    upstream: `${T} Test_ociPusher_run invalid source reference`,
    unchecked: true,
    config: { srcRef: 'invalid::ref', destRef: '$REGISTRY/test/image:copy' },
    error: 'failed to parse source reference',
    terminal: true,
  },
  {
    upstream: `${T} Test_ociPusher_run invalid destination reference`,
    unchecked: true,
    config: { srcRef: '$REGISTRY/test/image:v1.0.0', destRef: 'invalid::ref' },
    error: 'failed to parse destination reference',
    terminal: true,
  },
  {
    upstream: `${T} Test_ociPusher_push_unsupportedMediaType`,
    sourceMediaType: 'application/vnd.unsupported',
    config: { srcRef: 'localhost:5000/src:tag', destRef: 'localhost:5000/test:tag' },
    error: 'unsupported media type',
    terminal: true,
  },
  {
    upstream: `${T} Test_ociPusher_run_credentialError source credential error`,
    config: {
      srcRef: 'registry.example.com/image:tag',
      destRef: 'registry.example.com/image:newtag',
    },
    credentialsError: 'registry.example.com/image',
    error: 'error obtaining credentials',
  },
  {
    upstream: `${T} Test_ociPusher_run_noAnnotationsMutation`,
    config: { srcRef: '$REGISTRY/test/annotated:v1', destRef: '$REGISTRY/test/annotated:v2' },
    output: { digest: '$ANNOTATED' },
    dest: {
      repo: 'test/annotated',
      reference: 'v2',
      digest: '$ANNOTATED',
      annotations: { existing: 'annotation' },
    },
  },
  ...(
    [
      ['nil annotations', {}, {}, {}],
      ['unprefixed go to manifest', { foo: 'bar' }, {}, { foo: 'bar' }],
      ['index prefix', { 'index:foo': 'bar' }, { foo: 'bar' }, {}],
      ['manifest prefix', { 'manifest:foo': 'bar' }, {}, { foo: 'bar' }],
      [
        'mixed scopes',
        { 'index:a': '1', 'manifest:b': '2', c: '3' },
        { a: '1' },
        { b: '2', c: '3' },
      ],
    ] as Array<[string, Record<string, string>, Record<string, string>, Record<string, string>]>
  ).map(([name, annotations, index, manifest]) => ({
    upstream: `${T} Test_parseAnnotationScopes ${name}`,
    scopes: { annotations, index, manifest },
  })),
  {
    upstream: `${T} Test_ociPusher_run_scopedAnnotationsOnImage`,
    config: {
      srcRef: '$REGISTRY/test/scoped:v1',
      destRef: '$REGISTRY/test/scoped:v2',
      annotations: {
        'index:ignored.key': 'ignored',
        'manifest:explicit': 'yes',
        unprefixed: 'also-yes',
      },
    },
    dest: {
      repo: 'test/scoped',
      reference: 'v2',
      annotations: { explicit: 'yes', unprefixed: 'also-yes', 'ignored.key': null },
    },
  },
  {
    upstream: `${T} Test_ociPusher_run_ociManifestAnnotations`,
    config: {
      srcRef: '$REGISTRY/test/oci:v1',
      destRef: '$REGISTRY/test/oci:v2',
      annotations: { 'test.key': 'test.value' },
    },
    dest: { repo: 'test/oci', reference: 'v2', annotations: { 'test.key': 'test.value' } },
  },
  {
    upstream: `${T} Test_imageSize`,
    skip: "calls the runner's internal size helper on a random image; Gantry's sum (config and layers from the manifest, no blob read) is checked by the size limit rows",
  },
  {
    upstream: `${T} Test_indexSize`,
    skip: "calls the runner's internal size helper on a random index; Gantry's sum over an index's images is checked by the size limit row of an index",
  },
  ...(
    [
      ['image exceeds size limit', '$REGISTRY/test/image:v1.0.0'],
      ['index exceeds size limit', '$REGISTRY/test/multiarch:v1.0.0'],
    ] as const
  ).map(([name, srcRef]) => ({
    upstream: `${T} Test_ociPusher_push_sizeLimitExceeded ${name}`,
    maxArtifactBytes: 100,
    config: { srcRef, destRef: '$REGISTRY/test/dst:v1' },
    error: 'exceeds maximum allowed size of',
    terminal: true,
  })),
  {
    upstream: `${T} Test_ociPusher_push_sizeLimitZero cross-repo push is blocked`,
    maxArtifactBytes: 0,
    config: { srcRef: '$REGISTRY/test/image:v1.0.0', destRef: '$REGISTRY/other/repo:v1' },
    error: 'cross-repository push is disabled',
    terminal: true,
  },
  {
    upstream: `${T} Test_ociPusher_push_sizeLimitZero same-repo retag succeeds`,
    maxArtifactBytes: 0,
    config: { srcRef: '$REGISTRY/test/image:v1.0.0', destRef: '$REGISTRY/test/image:v2' },
    output: { digest: '$IMAGE', tag: 'v2' },
  },
  {
    upstream: `${T} Test_ociPusher_push_sizeLimitDisabled`,
    maxArtifactBytes: -1,
    config: { srcRef: '$REGISTRY/test/image:v1.0.0', destRef: '$REGISTRY/other/repo:v1' },
    dest: { repo: 'other/repo', reference: 'v1', digest: '$IMAGE' },
  },
  ...[
    'unset returns default 1 GiB',
    'zero blocks cross-repo pushes',
    'negative one disables limit',
    'custom value',
  ].map((name) => ({
    upstream: `${T} Test_ociPusherConfig ${name}`,
    skip: 'reads the MAX_OCI_PUSH_ARTIFACT_SIZE environment variable of the Kargo controller; Gantry reads no environment in steps: the limit is createOciPushStep({ maxArtifactBytes }) (1 GiB in the built-in list), and its 0 and -1 meanings are checked by the size limit rows',
  })),
];
