/**
 * Who a request comes from, once authenticated. Claims are the OIDC token's claims as lists
 * of strings (`groups`, `email`, `sub`, …), which Roles match against.
 */
export type Principal =
  | {
      kind: 'user';
      /** `email:<email>` or `subject:<sub>`, as Kargo's actor annotations spell them. */
      actor: string;
      subject: string;
      email?: string | undefined;
      name?: string | undefined;
      claims: Readonly<Record<string, readonly string[]>>;
    }
  | {
      kind: 'token';
      /** `token:<name>` or `token:<project>/<name>`. */
      actor: string;
      tokenId: string;
      name: string;
      /** The project the token is for; undefined for a system token. */
      project?: string | undefined;
      /** A project role (`kargo-promoter`) or, for system tokens, a system role. */
      role: string;
    }
  | {
      kind: 'system';
      /** `system:<controller>`: the server itself. */
      actor: string;
    };

/** The server acting on its own (a controller), which may do anything. */
export function systemPrincipal(component: string): Principal {
  return { kind: 'system', actor: `system:${component}` };
}

export function isPrincipal(value: unknown): value is Principal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { actor?: unknown }).actor === 'string' &&
    ['user', 'token', 'system'].includes((value as { kind?: string }).kind ?? '')
  );
}
