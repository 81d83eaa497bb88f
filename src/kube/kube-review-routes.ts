import type { Context } from 'hono';
import type { Principal } from '../auth/principal.js';
import { principalOf, type RouteGuard } from '../server/guarded-routes.js';
import { readJsonBody } from '../server/request-body.js';
import {
  accessRequestOf,
  AUTHORIZATION_GROUP,
  implicitRules,
  kubeResourceRules,
  NON_RESOURCE_RULES,
  nonResourceAllowed,
  parseReview,
  selfSubjectAccessReviewSchema,
  selfSubjectRulesReviewSchema,
} from './access-reviews.js';
import { decodeKubeProtobuf, PROTOBUF_MEDIA_TYPE } from './kube-protobuf.js';

/** A review's body: JSON, or protobuf as kubectl sends built-in kinds. */
async function reviewBody(c: Context): Promise<unknown> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== PROTOBUF_MEDIA_TYPE) return readJsonBody(c);
  return decodeKubeProtobuf(new Uint8Array(await c.req.arrayBuffer()));
}

/**
 * `kubectl auth can-i` and `kubectl auth can-i --list`: `POST` of a SelfSubjectAccessReview or
 * a SelfSubjectRulesReview under `/apis/authorization.k8s.io/v1`. Any signed-in caller may ask
 * about themselves (kube-apiserver's default); the answer is the Authorizer's, the one every
 * other request gets. Registered before the generic resource routes.
 */
export function registerKubeReviewRoutes(routes: RouteGuard): void {
  const base = `/apis/${AUTHORIZATION_GROUP}/v1`;
  routes.post(`${base}/selfsubjectaccessreviews`, { kind: 'authenticated' }, async (c) => {
    const review = parseReview(
      selfSubjectAccessReviewSchema,
      'SelfSubjectAccessReview',
      await reviewBody(c),
    );
    const principal = principalOf(c);
    const { resourceAttributes, nonResourceAttributes } = review.spec;
    let status: { allowed: boolean; reason?: string };
    if (nonResourceAttributes) {
      const { path, verb } = nonResourceAttributes;
      status = nonResourceAllowed(path, verb)
        ? { allowed: true }
        : { allowed: false, reason: `${principal.actor} may not ${verb} ${path}` };
    } else {
      const asked = accessRequestOf(resourceAttributes!);
      if ('refusal' in asked) status = { allowed: false, reason: asked.refusal };
      else {
        const decision = await routes.authorizer.decide(principal, asked.request);
        status = decision.allowed ? { allowed: true } : { allowed: false, reason: decision.reason };
      }
    }
    return c.json(
      {
        apiVersion: `${AUTHORIZATION_GROUP}/v1`,
        kind: 'SelfSubjectAccessReview',
        metadata: { creationTimestamp: null },
        spec: review.spec,
        status,
      },
      201,
    );
  });

  // `kubectl auth whoami`: who the server takes the caller for. The review has no spec; its
  // body is not read.
  routes.post('/apis/authentication.k8s.io/v1/selfsubjectreviews', { kind: 'authenticated' }, (c) =>
    c.json(
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
        metadata: { creationTimestamp: null },
        status: { userInfo: userInfoOf(principalOf(c)) },
      },
      201,
    ),
  );

  routes.post(`${base}/selfsubjectrulesreviews`, { kind: 'authenticated' }, async (c) => {
    const review = parseReview(
      selfSubjectRulesReviewSchema,
      'SelfSubjectRulesReview',
      await reviewBody(c),
    );
    const principal = principalOf(c);
    const namespace = review.spec.namespace || undefined;
    const system = routes.authorizer.systemRules(principal);
    const project = namespace ? await routes.authorizer.projectRules(principal, namespace) : [];
    return c.json(
      {
        apiVersion: `${AUTHORIZATION_GROUP}/v1`,
        kind: 'SelfSubjectRulesReview',
        metadata: { creationTimestamp: null },
        spec: review.spec,
        status: {
          resourceRules: [
            ...implicitRules(namespace, project.length > 0),
            ...kubeResourceRules([...system, ...project]),
          ],
          nonResourceRules: NON_RESOURCE_RULES,
          incomplete: false,
        },
      },
      201,
    );
  });
}

/** A caller as Kubernetes' UserInfo: the actor, their groups, and a token's project and role. */
function userInfoOf(principal: Principal) {
  switch (principal.kind) {
    case 'user':
      return {
        username: principal.actor,
        uid: principal.subject,
        groups: [...(principal.claims.groups ?? []), 'system:authenticated'],
      };
    case 'token':
      return {
        username: principal.actor,
        uid: principal.tokenId,
        groups: ['system:authenticated'],
        extra: {
          'gantry.io/role': [principal.role],
          ...(principal.project ? { 'gantry.io/project': [principal.project] } : {}),
        },
      };
    case 'system':
      return { username: principal.actor, groups: ['system:masters'] };
  }
}
