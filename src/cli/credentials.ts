import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * Where the CLI's credentials come from, first found wins:
 * 1. `--token`;
 * 2. `GANTRY_TOKEN`;
 * 3. what `gantry login` stored for this server in the CLI config (`$GANTRY_CONFIG`, else
 *    `$XDG_CONFIG_HOME/gantry/config`, else `~/.config/gantry/config`; mode 0600);
 * 4. on the machine running the server, its initial admin token: `initial-admin-token` in
 *    `$GANTRY_DATA_DIR`, else in `./.gantry` (the server's default data dir), when readable.
 */
export function resolveToken(options: {
  flag?: string | undefined;
  env: NodeJS.ProcessEnv;
  server: string;
  cwd?: string | undefined;
}): string | undefined {
  if (options.flag) return options.flag;
  if (options.env.GANTRY_TOKEN) return options.env.GANTRY_TOKEN;
  const saved = readCliConfig(options.env).servers[normalizeServer(options.server)]?.token;
  if (saved) return saved;
  const dataDir = options.env.GANTRY_DATA_DIR || join(options.cwd ?? process.cwd(), '.gantry');
  const file = join(resolve(dataDir), 'initial-admin-token');
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface CliConfig {
  servers: Record<string, ServerCredentials>;
}

export interface ServerCredentials {
  /** The bearer token: an API token, or the ID token of a single sign-on. */
  token?: string | undefined;
  user?: string | undefined;
  /** For a single sign-on: how to refresh the ID token when it expires. */
  sso?: SsoCredentials | undefined;
}

export interface SsoCredentials {
  issuer: string;
  clientID: string;
  refreshToken?: string | undefined;
  /** When the ID token expires (ISO 8601). */
  expiresAt?: string | undefined;
}

export function cliConfigPath(env: NodeJS.ProcessEnv): string {
  if (env.GANTRY_CONFIG) return resolve(env.GANTRY_CONFIG);
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'gantry', 'config');
}

export function readCliConfig(env: NodeJS.ProcessEnv): CliConfig {
  const file = cliConfigPath(env);
  if (!existsSync(file)) return { servers: {} };
  try {
    const parsed = parse(readFileSync(file, 'utf8')) as Partial<CliConfig> | null;
    return { servers: parsed?.servers ?? {} };
  } catch {
    return { servers: {} };
  }
}

/** Saves (or with `token` undefined, forgets) the credentials for one server; file mode 0600. */
export function saveServerCredentials(
  env: NodeJS.ProcessEnv,
  server: string,
  entry: (ServerCredentials & { token: string }) | undefined,
): string {
  const file = cliConfigPath(env);
  const config = readCliConfig(env);
  const key = normalizeServer(server);
  if (entry) config.servers[key] = entry;
  else delete config.servers[key];
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, stringify(config), { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return file;
}

export function normalizeServer(server: string): string {
  return server.replace(/\/+$/, '');
}
