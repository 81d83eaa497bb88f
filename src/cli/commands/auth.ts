import { stringify } from 'yaml';
import type { TokenInfo } from '../../auth/api-tokens.js';
import type { AuditEvent } from '../../audit/audit-log.js';
import { ApiClient } from '../client.js';
import type { CliContext } from '../context.js';
import { saveServerCredentials } from '../credentials.js';
import { parseOutputFormat } from '../output/print-objects.js';
import { renderTable } from '../output/table.js';
import { usageError } from '../usage-error.js';

interface Identity {
  kind: string;
  actor: string;
  name?: string;
  email?: string;
  project?: string;
  role?: string;
  groups?: string[];
}

/**
 * `gantry login --token T`: checks the token against the server and saves it for that server
 * (CLI config, 0600). `--sso` (and `--sso --device`) signs in with the server's OpenID
 * provider instead (cli/sso/sso-login.ts).
 */
export async function loginCommand(
  ctx: CliContext,
  options: {
    token?: string | undefined;
    tokenStdin?: boolean | undefined;
    sso?: boolean | undefined;
    device?: boolean | undefined;
    browser?: boolean | undefined;
    callbackPort?: string | undefined;
  },
  readStdin: () => Promise<string> = readAllStdin,
): Promise<void> {
  if (options.sso || options.device) {
    if (options.token || options.tokenStdin)
      throw usageError('gantry login takes either --sso or an API token, not both');
    const { ssoLogin } = await import('../sso/sso-login.js');
    return ssoLogin(ctx, options);
  }
  let token = options.token;
  if (options.tokenStdin) token = (await readStdin()).trim();
  if (!token)
    throw usageError(
      'gantry login needs --sso (single sign-on), or --token TOKEN (or --token-stdin); the server admin gives you a token with gantry create token',
    );
  const client = new ApiClient(ctx.client.baseUrl, token);
  const identity = await client.request<Identity>('GET', '/v1/auth/whoami');
  const file = saveServerCredentials(ctx.env, ctx.client.baseUrl, {
    token,
    user: identity.actor,
  });
  ctx.out(`Signed in to ${ctx.client.baseUrl} as ${identity.actor} (saved in ${file})`);
}

export function logoutCommand(ctx: CliContext): void {
  saveServerCredentials(ctx.env, ctx.client.baseUrl, undefined);
  ctx.out(`Signed out of ${ctx.client.baseUrl}`);
}

export async function whoamiCommand(ctx: CliContext, options: { output?: string }): Promise<void> {
  const identity = await ctx.client.request<Identity>('GET', '/v1/auth/whoami');
  const format = parseOutputFormat(options.output);
  if (format === 'json') return ctx.out(JSON.stringify(identity, null, 2));
  if (format === 'yaml') return ctx.out(stringify(identity).trimEnd());
  const details = [
    identity.email && `email ${identity.email}`,
    identity.project && `project ${identity.project}`,
    identity.role && `role ${identity.role}`,
    identity.groups?.length ? `groups ${identity.groups.join(',')}` : undefined,
  ].filter(Boolean);
  ctx.out(`${identity.actor}${details.length ? ` (${details.join(', ')})` : ''}`);
}

function tokensPath(project: string | undefined, name?: string): string {
  const base = project ? `/v1/projects/${encodeURIComponent(project)}/tokens` : '/v1/tokens';
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

/** `gantry create token NAME --project P --role R [--expires 30d]`: prints the token alone. */
export async function createTokenCommand(
  ctx: CliContext,
  name: string | undefined,
  options: { project?: string; role?: string; expires?: string; system?: boolean },
): Promise<void> {
  if (!name) throw usageError('create token needs a NAME');
  if (!options.role)
    throw usageError('create token needs --role (viewer, developer or admin; or a Role name)');
  const project = options.system
    ? undefined
    : (options.project ?? (ctx.env.GANTRY_PROJECT || undefined));
  if (!project && !options.system)
    throw usageError('create token needs --project P (or --system for a system-wide token)');
  const created = await ctx.client.request<{ token: string }>('POST', tokensPath(project), {
    name,
    role: options.role,
    ...(options.expires ? { expires: options.expires } : {}),
  });
  ctx.out(created.token);
}

export async function getTokensCommand(
  ctx: CliContext,
  options: { project?: string; output?: string; system?: boolean },
): Promise<void> {
  const project = options.system
    ? undefined
    : (options.project ?? (ctx.env.GANTRY_PROJECT || undefined));
  const { items } = await ctx.client.request<{ items: TokenInfo[] }>('GET', tokensPath(project));
  const format = parseOutputFormat(options.output);
  if (format === 'json') return ctx.out(JSON.stringify({ items }, null, 2));
  if (format === 'yaml') return ctx.out(stringify({ items }).trimEnd());
  if (items.length === 0) {
    ctx.err(project ? `No tokens in project ${project}.` : 'No system tokens.');
    return;
  }
  ctx.out(
    renderTable(
      ['NAME', 'ROLE', 'CREATED BY', 'CREATED', 'EXPIRES'],
      items.map((t) => [t.name, t.role, t.createdBy, t.createdAt, t.expiresAt ?? 'never']),
    ),
  );
}

export async function deleteTokenCommand(
  ctx: CliContext,
  name: string | undefined,
  options: { project?: string; system?: boolean },
): Promise<void> {
  if (!name) throw usageError('delete token needs a NAME');
  const project = options.system
    ? undefined
    : (options.project ?? (ctx.env.GANTRY_PROJECT || undefined));
  await ctx.client.request('DELETE', tokensPath(project, name));
  ctx.out(`token/${name} deleted`);
}

/** `gantry get events [--project P | -A] [--actor A]`: the audit trail, newest first. */
export async function getEventsCommand(
  ctx: CliContext,
  options: {
    project?: string;
    allProjects?: boolean;
    actor?: string;
    output?: string;
    limit?: string;
  },
): Promise<void> {
  const project = options.allProjects
    ? undefined
    : (options.project ?? (ctx.env.GANTRY_PROJECT || undefined));
  const query = new URLSearchParams();
  if (options.actor) query.set('actor', options.actor);
  if (options.limit) query.set('limit', options.limit);
  const path = `${project ? `/v1/projects/${encodeURIComponent(project)}/events` : '/v1/events'}${query.size ? `?${query.toString()}` : ''}`;
  const { items } = await ctx.client.request<{ items: AuditEvent[] }>('GET', path);
  const format = parseOutputFormat(options.output);
  if (format === 'json') return ctx.out(JSON.stringify({ items }, null, 2));
  if (format === 'yaml') return ctx.out(stringify({ items }).trimEnd());
  if (items.length === 0) {
    ctx.err('No events found.');
    return;
  }
  ctx.out(
    renderTable(
      ['TIME', 'ACTOR', 'ACTION', 'OBJECT', 'PROJECT', 'MESSAGE'],
      items.map((e) => [
        e.time,
        e.actor,
        e.action,
        `${e.kind.toLowerCase()}/${e.name}`,
        e.project,
        e.message ?? '',
      ]),
    ),
  );
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
