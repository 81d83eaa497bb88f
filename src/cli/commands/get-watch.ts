import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { StoredResource } from '../../api/resource.js';
import { GantryError, unavailableError } from '../../errors.js';
import { errorFromBody } from '../../server/http-errors.js';
import type { CliContext } from '../context.js';
import { customColumnsRow, nameOf, runTemplate, type GetOutput } from '../output/get-output.js';
import { tableCells, tableOf, type TableOptions } from '../output/print-objects.js';
import { freightAliases, type Listed } from './listed-kinds.js';

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object?: StoredResource;
  error?: { code?: string; message?: string };
}

/**
 * `gantry get … -w`: after the list, one line (or document) per change to an object of the
 * listed kinds, read from the server's watch stream (`GET /v1/watch`, Server-Sent Events)
 * from the version the list was read at. Table rows keep the list's columns. Runs until the
 * signal aborts (Ctrl-C ends the process); a stream that ends or fails is an error.
 */
export async function watchChanges(
  ctx: CliContext,
  listed: Listed[],
  output: GetOutput,
  options: {
    name: string | undefined;
    watchOnly: boolean;
    tableOptions: (info: Listed['info']) => TableOptions;
    allProjects: boolean;
  },
): Promise<void> {
  const kinds = new Map(listed.map((l) => [l.info.kind, l]));
  const project = options.allProjects ? undefined : listed.find((l) => l.project)?.project;
  // Stages and Promotions name Freight by alias: follow new Freight's aliases too.
  const needAliases = ['Stage', 'Promotion'].some((k) => kinds.has(k));
  const aliases = needAliases ? await freightAliases(ctx, project) : new Map<string, string>();
  const watched = new Set(listed.map((l) => l.info.plural));
  if (needAliases) watched.add('freight');
  const versions = listed
    .map((l) => l.resourceVersion)
    .filter((v): v is string => v !== undefined && v !== '');
  const from = versions.length > 0 ? versions.sort((a, b) => Number(a) - Number(b))[0] : undefined;

  // Table rows pad to the widths of what was printed, and at most grow.
  const widths = new Map<string, number[]>();
  const headerPrinted = new Set<string>();
  const print = (object: StoredResource) => {
    const entry = kinds.get(object.kind);
    if (!entry) return;
    if (options.name !== undefined && object.metadata.name !== options.name) return;
    if (output.kind === 'table' || output.kind === 'wide') {
      const tableOptions = options.tableOptions(entry.info);
      const row = tableCells(
        tableOf(object.kind, [object], { freightAlias: (n) => aliases.get(n) }),
        tableOptions,
      );
      const initial =
        entry.table && !options.watchOnly ? tableCells(entry.table, tableOptions) : undefined;
      let known = widths.get(object.kind);
      if (!known) {
        known = row.headers.map((h, i) =>
          Math.max(h.length, ...(initial?.rows ?? []).map((r) => r[i]?.length ?? 0)),
        );
        widths.set(object.kind, known);
      }
      const cells = row.rows[0]!;
      cells.forEach((cell, i) => (known[i] = Math.max(known[i] ?? 0, cell.length)));
      const line = (values: string[]) =>
        values
          .map((v, i) => (i === values.length - 1 ? v : v.padEnd(known[i]! + 3)))
          .join('')
          .trimEnd();
      // With --watch-only, or when the list was empty, the header comes with the first row.
      if (!headerPrinted.has(object.kind) && (initial?.rows.length ?? 0) === 0)
        ctx.out(line(row.headers));
      headerPrinted.add(object.kind);
      ctx.out(line(cells));
      return;
    }
    switch (output.kind) {
      case 'yaml':
        ctx.out(`---\n${yamlOf(object)}`);
        return;
      case 'json':
        ctx.out(JSON.stringify(object, null, 2));
        return;
      case 'name':
        ctx.out(nameOf(object));
        return;
      case 'jsonpath':
        ctx.out(runTemplate(output.template, object));
        return;
      case 'custom-columns':
        ctx.out(customColumnsRow(output.columns, object).join('   '));
    }
  };
  const { stringify } = await import('yaml');
  const yamlOf = (object: StoredResource) => stringify(object, { lineWidth: 0 }).trimEnd();

  const query = new URLSearchParams({ kinds: [...watched].join(',') });
  if (project) query.set('project', project);
  if (from) query.set('resourceVersion', from);
  await stream(ctx, `/v1/watch?${query.toString()}`, (event) => {
    if (event.type === 'ERROR') {
      const error = errorFromBody(500, { error: event.error });
      throw new GantryError(error.code, `the watch ended: ${error.message}`);
    }
    if (!event.object || event.type === 'BOOKMARK') return;
    if (event.object.kind === 'Freight') {
      const alias = (event.object as { alias?: string }).alias;
      if (alias) aliases.set(event.object.metadata.name, alias);
    }
    print(event.object);
  });
}

/** Reads the SSE stream, handing each event over, until the signal aborts or the stream ends. */
function stream(ctx: CliContext, path: string, onEvent: (event: WatchEvent) => void) {
  const url = new URL(`${ctx.client.baseUrl}${path}`);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<void>((resolve, reject) => {
    const signal = ctx.signal;
    if (signal?.aborted) return resolve();
    const req = request(
      url,
      { headers: { ...ctx.client.headers(), accept: 'text/event-stream' } },
      (res) => {
        if ((res.statusCode ?? 0) >= 300) {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => {
            let parsed: unknown;
            try {
              parsed = JSON.parse(body);
            } catch {
              parsed = undefined;
            }
            reject(errorFromBody(res.statusCode ?? 500, parsed));
          });
          return;
        }
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk.replace(/\r\n/g, '\n');
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = frame
              .split('\n')
              .filter((line) => line.startsWith('data:'))
              .map((line) => line.slice(5).replace(/^ /, ''))
              .join('\n');
            if (data === '') continue;
            try {
              onEvent(JSON.parse(data) as WatchEvent);
            } catch (err) {
              req.destroy();
              reject(err instanceof Error ? err : new Error(String(err)));
              return;
            }
          }
        });
        res.on('end', () => {
          if (signal?.aborted) resolve();
          else reject(unavailableError('the watch ended: the server closed the stream'));
        });
        res.on('error', (err) => (signal?.aborted ? resolve() : reject(err)));
      },
    );
    req.on('error', (err) => {
      if (signal?.aborted) resolve();
      else
        reject(unavailableError(`cannot watch on the Gantry server at ${ctx.client.baseUrl}`, err));
    });
    signal?.addEventListener('abort', () => {
      req.destroy();
      resolve();
    });
    req.end();
  });
}
