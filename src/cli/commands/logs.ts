import { request as httpRequest } from 'node:http';
import type { CliContext } from '../context.js';
import { usageError } from '../usage-error.js';

interface LogEntry {
  time: string;
  step: string;
  line: string;
}

/** `gantry logs promotion NAME --project P [-f]`: each step's log lines, following while it runs. */
export async function logsCommand(
  ctx: CliContext,
  kind: string,
  name: string,
  options: { project?: string; follow?: boolean },
): Promise<void> {
  if (!['promotion', 'promotions', 'promo'].includes(kind.toLowerCase()))
    throw usageError(`logs are kept for promotions, not ${kind}`);
  const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
  if (!project) throw usageError('--project is required (or set GANTRY_PROJECT)');
  const path = `/v1/projects/${encodeURIComponent(project)}/promotions/${encodeURIComponent(name)}/logs`;
  const print = (entry: LogEntry) =>
    ctx.out(`${entry.time} ${entry.step ? `[${entry.step}] ` : ''}${entry.line}`);
  if (!options.follow) {
    const { entries } = await ctx.client.request<{ entries: LogEntry[] }>('GET', path);
    entries.forEach(print);
    return;
  }
  // Check the promotion exists (and get a clear error) before streaming.
  await ctx.client.request(
    'GET',
    `/v1/projects/${encodeURIComponent(project)}/promotions/${encodeURIComponent(name)}`,
  );
  await new Promise<void>((resolve, reject) => {
    const req = httpRequest(
      new URL(`${ctx.client.baseUrl}${path}?follow=true`),
      { headers: ctx.client.headers() },
      (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(frame)?.[1];
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (!data || event === 'end') continue;
            print(JSON.parse(data) as LogEntry);
          }
        });
        res.on('end', resolve);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
