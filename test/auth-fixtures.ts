import { ApiTokens } from '../src/auth/api-tokens.js';
import { Authenticator } from '../src/auth/authenticator.js';
import { Authorizer, type SystemBinding } from '../src/auth/authorizer.js';
import { Sessions } from '../src/auth/sessions.js';
import type { Role } from '../src/api/role.js';
import { AuditLog } from '../src/audit/audit-log.js';
import type { AppOptions } from '../src/server/app.js';
import type { Store } from '../src/store/store.js';

/**
 * The auth services of a server over `store`, as main.ts wires them, with a system admin
 * token for tests that are not about authorization, and a way to mint tokens with any role.
 */
export async function testAuth(
  store: Store,
  options: {
    systemBindings?: SystemBinding[];
    oidc?: ConstructorParameters<typeof Authenticator>[0]['oidc'];
  } = {},
): Promise<{
  auth: AppOptions['auth'];
  adminToken: string;
  tokenFor(role: string, project?: string, name?: string): Promise<string>;
}> {
  const tokens = new ApiTokens({ store });
  const sessions = new Sessions({ store });
  const audit = new AuditLog({ store });
  const authorizer = new Authorizer({
    roles: {
      roles: async (project) =>
        (await store.list('Role', { namespace: project })).items as unknown as Role[],
    },
    systemBindings: options.systemBindings,
  });
  const authenticator = new Authenticator({ tokens, sessions, oidc: options.oidc });
  let counter = 0;
  const tokenFor = async (role: string, project?: string, name?: string) =>
    (
      await tokens.create({
        name: name ?? `test-${role}-${++counter}`,
        project,
        role,
        createdBy: 'test',
      })
    ).token;
  return {
    auth: {
      authenticator,
      authorizer,
      tokens,
      sessions,
      audit,
      requestGuard: { allowedHosts: [], allowedOrigins: [] },
    },
    adminToken: await tokenFor('kargo-admin', undefined, 'test-admin'),
    tokenFor,
  };
}

/** `Authorization` header for a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
