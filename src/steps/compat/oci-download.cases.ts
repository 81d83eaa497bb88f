/**
 * Kargo's oci_downloader_test.go as data. Run against Debian's docker-registry (Basic auth),
 * which holds `art:v1` (layers: a text file, then a tarball) and `chart:1.0.0` (a Helm chart);
 * `$REGISTRY` is its host. Kargo's rows that call internal helpers with fakes (manifest or
 * layer read errors, temp-file failures) are listed with the reason.
 */
export interface OciDownloadCase {
  upstream: string;
  config: Record<string, unknown>;
  /** Only the config check. */
  validateOnly?: boolean;
  /** Files before the run. */
  files?: Record<string, string>;
  /** The file written: its content. */
  expectFile?: { path: string; content: string };
  error?: string;
  /** The credentials lookup the step made: kind and URL. */
  lookup?: { kind: string; url: string };
  notRun?: string;
  /** Gantry deliberately differs (docs/compatibility.md): how. */
  differs?: string;
}

const T = 'oci_downloader_test.go';
const INTERNAL =
  'calls an internal helper with a fake image or file system that fails on purpose; Gantry has no such seam';

export const ociDownloadCases: OciDownloadCase[] = [
  {
    upstream: `${T} Test_ociDownloader_validate imageRef is not specified`,
    validateOnly: true,
    config: {},
    error: 'imageRef: required',
  },
  {
    upstream: `${T} Test_ociDownloader_validate outPath is not specified`,
    validateOnly: true,
    config: {},
    error: 'outPath: required',
  },
  ...(
    [
      ['valid config', { imageRef: 'registry.example.com/image:tag', outPath: 'output/file.tar' }],
      [
        'valid config with OCI protocol',
        { imageRef: 'oci://registry.example.com/image:tag', outPath: 'output/file.tar' },
      ],
      [
        'valid config with non-standard port',
        {
          imageRef: 'an.internal.registry.com:5050/myrepo/myimage:latest',
          outPath: 'output/file.tar',
        },
      ],
      [
        'valid config with OCI protocol and non-standard port',
        { imageRef: 'oci://registry.example.com:5050/image:tag', outPath: 'output/file.tar' },
      ],
      [
        'valid config with optional fields',
        {
          imageRef: 'registry.example.com/image:tag',
          outPath: 'output/file.tar',
          mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
          insecureSkipTLSVerify: true,
        },
      ],
    ] as Array<[string, Record<string, unknown>]>
  ).map(([name, config]) => ({
    upstream: `${T} Test_ociDownloader_validate ${name}`,
    validateOnly: true,
    config,
  })),

  {
    upstream: `${T} Test_ociDownloader_resolveImage invalid image reference`,
    config: { imageRef: 'invalid::reference', outPath: 'out' },
    error: 'failed to parse image reference',
  },
  {
    upstream: `${T} Test_ociDownloader_resolveImage credentials error`,
    config: {},
    notRun: 'the credential lookup failing is a fake of Kargo’s credentials database',
  },
  {
    upstream: `${T} Test_ociDownloader_resolveImage OCI Helm reference credentials lookup`,
    config: { imageRef: 'oci://$REGISTRY/chart:1.0.0', outPath: 'chart.tgz' },
    lookup: { kind: 'helm', url: 'oci://$REGISTRY/chart' },
  },
  {
    upstream: `${T} (image credentials looked up by repository)`,
    config: { imageRef: '$REGISTRY/art:v1', outPath: 'notes.txt' },
    lookup: { kind: 'image', url: '$REGISTRY/art' },
  },

  {
    upstream: `${T} Test_ociDownloader_prepareOutputPath valid relative path`,
    config: { imageRef: '$REGISTRY/art:v1', outPath: 'output.tar' },
    expectFile: { path: 'output.tar', content: 'first layer\n' },
  },
  {
    upstream: `${T} Test_ociDownloader_prepareOutputPath valid nested path`,
    config: { imageRef: '$REGISTRY/art:v1', outPath: 'nested/dir/output.tar' },
    expectFile: { path: 'nested/dir/output.tar', content: 'first layer\n' },
  },
  {
    upstream: `${T} Test_ociDownloader_prepareOutputPath path traversal attempt`,
    config: { imageRef: '$REGISTRY/art:v1', outPath: '../../../etc/passwd' },
    error: "leaves the promotion's working directory",
    differs:
      'Kargo writes <workdir>/etc/passwd instead; Gantry refuses a path out of the working directory',
  },
  {
    upstream: `${T} Test_ociDownloader_prepareOutputPath path already exists`,
    config: { imageRef: '$REGISTRY/art:v1', outPath: 'existing.tar' },
    files: { 'existing.tar': 'existing content' },
    error: 'file already exists at existing.tar and overwrite is not allowed',
  },
  {
    upstream: `${T} Test_ociDownloader_prepareOutputPath path already exists with overwrite allowed`,
    config: { imageRef: '$REGISTRY/art:v1', outPath: 'existing.tar', allowOverwrite: true },
    files: { 'existing.tar': 'existing content' },
    expectFile: { path: 'existing.tar', content: 'first layer\n' },
  },

  {
    upstream: `${T} Test_ociDownloader_extractLayerToFile successful extraction`,
    config: { imageRef: '$REGISTRY/art:v1', outPath: 'out.bin' },
    expectFile: { path: 'out.bin', content: 'first layer\n' },
  },
  {
    upstream: `${T} Test_ociDownloader_extractLayerToFile specific media type extraction`,
    config: {
      imageRef: '$REGISTRY/art:v1',
      outPath: 'out.bin',
      mediaType: 'application/vnd.example.second',
    },
    expectFile: { path: 'out.bin', content: 'second layer\n' },
  },
  {
    upstream: `${T} Test_ociDownloader_extractLayerToFile manifest error`,
    config: {},
    notRun: INTERNAL,
  },
  {
    upstream: `${T} Test_ociDownloader_extractLayerToFile find layer error`,
    config: {},
    notRun: INTERNAL,
  },
  {
    upstream: `${T} Test_ociDownloader_findTargetLayer no specific media type returns first layer`,
    config: { imageRef: '$REGISTRY/art:v1', outPath: 'first' },
    expectFile: { path: 'first', content: 'first layer\n' },
  },
  {
    upstream: `${T} Test_ociDownloader_findTargetLayer specific media type found`,
    config: {
      imageRef: '$REGISTRY/art:v1',
      outPath: 'second',
      mediaType: 'application/vnd.example.second',
    },
    expectFile: { path: 'second', content: 'second layer\n' },
  },
  {
    upstream: `${T} Test_ociDownloader_findTargetLayer specific media type not found`,
    config: {
      imageRef: '$REGISTRY/art:v1',
      outPath: 'none',
      mediaType: 'application/vnd.example.absent',
    },
    error: 'no layer found with media type "application/vnd.example.absent"',
  },
  {
    upstream: `${T} Test_ociDownloader_findTargetLayer no layers`,
    config: { imageRef: '$REGISTRY/empty:v1', outPath: 'none' },
    error: 'image has no layers',
  },
  {
    upstream: `${T} Test_ociDownloader_findTargetLayer layers error`,
    config: {},
    notRun: INTERNAL,
  },
  {
    upstream: `${T} Test_ociDownloader_findTargetLayer layer index out of range`,
    config: {},
    notRun: INTERNAL,
  },
  {
    upstream: `${T} Test_ociDownloader_writeLayerToFile successful write`,
    config: {},
    notRun: `${INTERNAL}; the runs above write files`,
  },
  {
    upstream: `${T} Test_ociDownloader_writeLayerToFile empty content`,
    config: {},
    notRun: INTERNAL,
  },
  {
    upstream: `${T} Test_ociDownloader_writeLayerToFile temp file creation error`,
    config: {},
    notRun: INTERNAL,
  },
  {
    upstream: `${T} Test_ociDownloader_createTempFile successful temp file creation`,
    config: {},
    notRun: INTERNAL,
  },
  {
    upstream: `${T} Test_ociDownloader_copyLayerToFile successful copy`,
    config: {},
    notRun: `${INTERNAL}; the runs above copy layers`,
  },
  { upstream: `${T} Test_ociDownloader_copyLayerToFile empty layer`, config: {}, notRun: INTERNAL },
  {
    upstream: `${T} Test_ociDownloader_copyLayerToFile layer exceeds size limit`,
    config: {},
    notRun:
      'needs a layer over 100 MiB in the registry; the limit is checked from the manifest before any byte is read (src/steps/oci-download.ts)',
  },
  {
    upstream: `${T} Test_ociDownloader_copyLayerToFile layer within size limit`,
    config: {},
    notRun: INTERNAL,
  },
];
