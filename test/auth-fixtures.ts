import { ApiTokens } from '../src/auth/api-tokens.js';
import { Authenticator } from '../src/auth/authenticator.js';
import { Authorizer, storeRoleSource, type SystemBinding } from '../src/auth/authorizer.js';
import { Sessions } from '../src/auth/sessions.js';
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
    roles: storeRoleSource(store),
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

/**
 * A small promotable project for authorization tests: project `shop`, Warehouse `app`, Stage
 * `dev` (one compose-output step) and Freight `first-freight`. Tests append their own documents.
 */
export const SHOP_PIPELINE = `apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: shop}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: app, namespace: shop}
spec:
  subscriptions: [{image: {repoURL: 127.0.0.1:1/shop/app}}]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata: {name: dev, namespace: shop}
spec:
  requestedFreight: [{origin: {kind: Warehouse, name: app}, sources: {direct: true}}]
  promotionTemplate: {spec: {steps: [{uses: compose-output, config: {ok: true}}]}}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: {name: manual, namespace: shop}
alias: first-freight
origin: {kind: Warehouse, name: app}
images: [{repoURL: 127.0.0.1:1/shop/app, tag: '1.0.0', digest: 'sha256:0123'}]
`;
