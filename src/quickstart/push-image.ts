import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { inputError, unavailableError } from '../errors.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Buffer;
}

/**
 * Publishes a tiny but valid OCI image, `REPOSITORY:TAG`, to a registry over the Distribution
 * API (OCI distribution-spec v1.1: blob uploads by POST then PUT, then the manifest), without
 * Docker: one layer holding `/version.txt` with the tag, a config, a manifest. Each push
 * carries the time in its config, so every tag gets its own digest, as real builds do.
 * Returns the manifest's digest.
 */
export async function pushImage(options: {
  /** `http://HOST:PORT` */
  registryUrl: string;
  repository: string;
  tag: string;
  now?: Date;
}): Promise<string> {
  const { registryUrl, repository, tag } = options;
  if (
    !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(
      repository,
    )
  )
    throw inputError(
      `"${repository}" is not a repository name (lower case, such as acme/frontend)`,
    );
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(tag))
    throw inputError(`"${tag}" is not an image tag (letters, digits, ., _ and -; such as 1.3.0)`);
  const layerTar = tar({ 'version.txt': `${tag}\n` });
  const layer = blob(OCI_LAYER, gzipSync(layerTar));
  const config = blob(
    OCI_CONFIG,
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        created: (options.now ?? new Date()).toISOString(),
        config: { Labels: { 'org.opencontainers.image.version': tag } },
        rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] },
      }),
    ),
  );
  const manifest = blob(
    OCI_MANIFEST,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: descriptor(config),
        layers: [descriptor(layer)],
        annotations: { 'org.opencontainers.image.version': tag },
      }),
    ),
  );
  const where = `${registryUrl.replace(/^https?:\/\//, '')}/${repository}:${tag}`;
  try {
    await uploadBlob(registryUrl, repository, layer);
    await uploadBlob(registryUrl, repository, config);
    const response = await fetch(`${registryUrl}/v2/${repository}/manifests/${tag}`, {
      method: 'PUT',
      headers: { 'Content-Type': OCI_MANIFEST },
      body: manifest.bytes,
    });
    await expectStatus(response, 201, 'store the manifest');
  } catch (err) {
    throw unavailableError(
      `could not push ${where}: ${err instanceof Error ? err.message : String(err)}`,
      err,
    );
  }
  return manifest.digest;
}

async function uploadBlob(registryUrl: string, repository: string, item: Blob): Promise<void> {
  const existing = await fetch(`${registryUrl}/v2/${repository}/blobs/${item.digest}`, {
    method: 'HEAD',
  });
  if (existing.status === 200) return;
  const session = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
  });
  await expectStatus(session, 202, 'start a blob upload');
  const location = new URL(session.headers.get('location') ?? '', registryUrl);
  location.searchParams.set('digest', item.digest);
  const upload = await fetch(location, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: item.bytes,
  });
  await expectStatus(upload, 201, `upload blob ${item.digest}`);
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  // Always read the body: an unread body keeps fetch's pooled connection busy.
  const body = await response.text();
  if (response.status !== status)
    throw new Error(`${what}: HTTP ${response.status} ${body.slice(0, 200)}`);
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function blob(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, digest: sha256(bytes), size: bytes.length, bytes };
}

function descriptor(item: Blob): { mediaType: string; digest: string; size: number } {
  return { mediaType: item.mediaType, digest: item.digest, size: item.size };
}

/** A ustar archive of regular files with zero mtimes (POSIX.1-1988 ustar header layout). */
function tar(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, text] of Object.entries(files)) {
    const body = Buffer.from(text);
    const header = Buffer.alloc(512);
    header.write(name, 0, 100);
    header.write('0000644\0', 100); // mode
    header.write('0000000\0', 108); // uid
    header.write('0000000\0', 116); // gid
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136); // mtime
    header.write('        ', 148); // the checksum counts itself as spaces
    header.write('0', 156); // a regular file
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024)); // two zero blocks end an archive
  return Buffer.concat(blocks);
}

/** Whether the registry holds `REPOSITORY:TAG` already. */
export async function imageExists(options: {
  registryUrl: string;
  repository: string;
  tag: string;
}): Promise<boolean> {
  const response = await fetch(
    `${options.registryUrl}/v2/${options.repository}/manifests/${options.tag}`,
    { method: 'HEAD', headers: { Accept: OCI_MANIFEST } },
  );
  await response.arrayBuffer();
  return response.status === 200;
}
