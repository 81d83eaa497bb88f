import { z } from 'zod';
import { parseDuration } from '../api/duration.js';
import { readConfigFile } from '../config-file.js';
import { inputError } from '../errors.js';
import type { SystemBinding } from './authorizer.js';

/**
 * The server's sign-in and system-role settings, from `--auth-config FILE`:
 *
 * ```yaml
 * oidc:
 *   issuerURL: https://login.example.com      # the OpenID provider
 *   clientID: gantry                          # the UI's client (authorization code + PKCE)
 *   clientSecretEnv: GANTRY_OIDC_CLIENT_SECRET   # or clientSecret: …, for confidential clients
 *   cliClientID: gantry-cli                   # the CLI's public client (default: clientID)
 *   scopes: [openid, profile, email, groups]
 *   audiences: [gantry, gantry-cli]           # accepted `aud` of bearer tokens (default: the client ids)
 * systemRoles:                                # claims → system roles (Kargo's api.oidc.*)
 *   admins: {groups: [platform]}
 *   viewers: {email: [auditor@example.com]}
 *   projectCreators: {groups: [team-leads]}
 * sessionTTL: 12h
 * ```
 */
export interface AuthConfig {
  oidc?: OidcConfig | undefined;
  systemBindings: SystemBinding[];
  sessionTtlMs: number;
}

export interface OidcConfig {
  issuerUrl: string;
  clientId: string;
  clientSecret?: string | undefined;
  cliClientId: string;
  scopes: string[];
  audiences: string[];
}

const claimsMap = z.record(
  z.string().min(1),
  z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
);

const fileSchema = z.strictObject({
  oidc: z
    .strictObject({
      issuerURL: z.string().regex(/^https?:\/\/[^/]+/, { message: 'must be an http(s):// URL' }),
      clientID: z.string().min(1),
      clientSecret: z.string().min(1).optional(),
      clientSecretEnv: z.string().min(1).optional(),
      cliClientID: z.string().min(1).optional(),
      scopes: z.array(z.string().min(1)).optional(),
      audiences: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  systemRoles: z
    .strictObject({
      admins: claimsMap.optional(),
      viewers: claimsMap.optional(),
      users: claimsMap.optional(),
      projectCreators: claimsMap.optional(),
    })
    .optional(),
  sessionTTL: z
    .string()
    .refine((text) => (parseDuration(text) ?? 0) >= 60_000, {
      message: 'must be a duration of at least 1m, such as 12h',
    })
    .optional(),
});

const ROLE_OF: Record<string, string> = {
  admins: 'kargo-admin',
  viewers: 'kargo-viewer',
  users: 'kargo-user',
  projectCreators: 'kargo-project-creator',
};

export const DEFAULT_AUTH_CONFIG: AuthConfig = {
  systemBindings: [],
  sessionTtlMs: 12 * 3600_000,
};

export function loadAuthConfig(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): AuthConfig {
  if (file === undefined) return DEFAULT_AUTH_CONFIG;
  const where = `--auth-config ${file}`;
  const data = readConfigFile('--auth-config', file, fileSchema, { empty: {} });
  let oidc: OidcConfig | undefined;
  if (data.oidc) {
    let clientSecret = data.oidc.clientSecret;
    if (data.oidc.clientSecretEnv) {
      clientSecret = env[data.oidc.clientSecretEnv];
      if (!clientSecret)
        throw inputError(`${where}: oidc.clientSecretEnv: ${data.oidc.clientSecretEnv} is not set`);
    }
    const cliClientId = data.oidc.cliClientID ?? data.oidc.clientID;
    oidc = {
      issuerUrl: data.oidc.issuerURL.replace(/\/+$/, ''),
      clientId: data.oidc.clientID,
      clientSecret,
      cliClientId,
      scopes: data.oidc.scopes ?? ['openid', 'profile', 'email', 'groups'],
      audiences: data.oidc.audiences ?? [...new Set([data.oidc.clientID, cliClientId])],
    };
  }
  const systemBindings: SystemBinding[] = Object.entries(data.systemRoles ?? {}).flatMap(
    ([key, claims]) =>
      claims === undefined
        ? []
        : [
            {
              role: ROLE_OF[key]!,
              claims: Object.entries(claims).map(([name, values]) => ({
                name,
                values: typeof values === 'string' ? [values] : values,
              })),
            },
          ],
  );
  if (systemBindings.length > 0 && !oidc)
    throw inputError(
      `${where}: systemRoles: bind claims only together with oidc (claims come from it)`,
    );
  return {
    oidc,
    systemBindings,
    sessionTtlMs: data.sessionTTL
      ? parseDuration(data.sessionTTL)!
      : DEFAULT_AUTH_CONFIG.sessionTtlMs,
  };
}
