import { randomBytes } from 'node:crypto';
import { lstatSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import type { WorkDir } from '../engine/work-dir.js';
import { isStepError, terminalError, transientError } from '../engine/step-error.js';
import { isOutboundRefusal, type OutboundResponse } from '../outbound/outbound-http.js';
import { GO_DURATION_PATTERN, goDurationMs, goQueryWith, requestHeaders } from './http.js';

/** Kargo's maxDownloadSize (100 MiB) and downloadTimeoutDefault (5 minutes). */
export const MAX_DOWNLOAD_BYTES = 100 << 20;
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

const nameValue = (what: string) =>
  z.strictObject({
    name: z.string().min(1).describe(`The name of the ${what}`),
    value: z.string().min(1).describe(`The value of the ${what}`),
  });

/** As Kargo's schemas/http-download-config.json. */
export const httpDownloadConfigSchema = z.strictObject({
  url: z.string().min(1).describe('The URL to download from (http or https)'),
  outPath: z.string().min(1).describe('Where to save the file, relative to the working directory'),
  allowOverwrite: z
    .boolean()
    .optional()
    .describe('Replace an existing file at outPath (default: an existing file fails the step)'),
  headers: z.array(nameValue('header')).optional().describe('Request headers'),
  queryParams: z
    .array(nameValue('query parameter'))
    .optional()
    .describe('Query parameters added to the URL'),
  insecureSkipTLSVerify: z
    .boolean()
    .optional()
    .describe('Accept any TLS certificate (not recommended)'),
  timeout: z
    .string()
    .regex(GO_DURATION_PATTERN, 'Does not match pattern (a Go duration such as 30s or 2m)')
    .optional()
    .describe('How long the whole download may take (a Go duration; default 5m)'),
});

/**
 * http-download: a GET whose body is saved to a file of the working directory, as Kargo's
 * http_downloader.go: an existing file is kept unless allowOverwrite (checked before the
 * request), a status outside 2xx fails the step, the body is capped at 100 MiB, and the file
 * (mode 0600) appears whole or not at all. The request goes through the operator's outbound
 * policy like the http step's.
 */
export const httpDownloadStep = defineStep({
  kind: 'http-download',
  description: 'Download a file over HTTP',
  configSchema: httpDownloadConfigSchema,
  capabilities: ['http'],
  async run(context, config) {
    const target = context.workDir.resolve(config.outPath, 'outPath', { write: true });
    if (!config.allowOverwrite && exists(target))
      throw terminalError(`file already exists at ${config.outPath} and overwrite is not allowed`);
    let url: URL;
    try {
      url = new URL(config.url);
    } catch {
      throw terminalError(
        `error building HTTP request: ${JSON.stringify(config.url)} is not a valid URL`,
      );
    }
    if (config.queryParams?.length) url.search = goQueryWith(url.search, config.queryParams);
    const timeout = config.timeout ? goDurationMs(config.timeout) : DEFAULT_TIMEOUT_MS;
    // Kargo answers Errored (retried) here: ParseDuration fails after the schema passed it.
    if (timeout === undefined)
      throw transientError(
        `error creating HTTP client: error parsing timeout: ${JSON.stringify(config.timeout)} is not a Go duration`,
      );
    const where = `${url.origin}${url.pathname}`;
    let response: OutboundResponse;
    try {
      response = await context.http.send({
        method: 'GET',
        url,
        headers: requestHeaders(config.headers ?? []),
        timeoutMs: timeout > 0 ? timeout : 2_147_483_647,
        insecure: config.insecureSkipTLSVerify,
        signal: context.signal,
        maxBodyBytes: MAX_DOWNLOAD_BYTES,
        overflow: 'error',
        binary: true,
      });
    } catch (err) {
      const message = (err as Error).message;
      if (isOutboundRefusal(err)) throw terminalError(`GET ${where}: ${message}`);
      if (message.startsWith('the response body is larger than'))
        throw terminalError(`download exceeds limit of ${MAX_DOWNLOAD_BYTES} bytes`);
      throw transientError(`error sending HTTP request GET ${where}: ${message}`, err);
    }
    if (response.status < 200 || response.status >= 300)
      return {
        status: 'Failed',
        message: `HTTP request failed with status ${response.status}`,
      };
    const bytes = response.bytes ?? Buffer.alloc(0);
    saveWhole(context.workDir, target, bytes);
    context.log(`downloaded ${bytes.length} bytes from ${where} to ${config.outPath}`);
    return { status: 'Succeeded' };
  },
});

/**
 * Writes a temporary file beside the target, then renames it over the target: the file is
 * whole or absent. `target` is resolved (a link inside the working directory followed, as
 * Kargo's securejoin does), so the rename never goes through a link.
 */
function saveWhole(workDir: WorkDir, target: string, bytes: Buffer): void {
  const temporary = join(
    relative(workDir.root, dirname(target)),
    `.${basename(target)}.tmp${randomBytes(6).toString('hex')}`,
  );
  let written: string | undefined;
  try {
    written = workDir.writeFile(temporary, bytes, {
      field: 'outPath',
      mode: 0o600,
      exclusive: true,
    });
    renameSync(written, target);
  } catch (err) {
    if (written) rmSync(written, { force: true });
    if (isStepError(err)) throw err;
    throw transientError(
      `failed to move file to final destination: ${(err as Error).message}`,
      err,
    );
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
