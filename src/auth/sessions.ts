import { createHash, randomBytes } from 'node:crypto';
import { formatTimestamp } from '../api/timestamp.js';
import type { Store } from '../store/store.js';
import type { Principal } from './principal.js';

/** The store kind holding UI sessions; internal, never served as a resource. */
export const SESSION_KIND = 'Session';
export const SESSION_COOKIE = 'gantry_session';

/** What a session remembers: a signed-in user, or the API token someone signed in with. */
type SessionSubject =
  | { kind: 'user'; principal: Extract<Principal, { kind: 'user' }> }
  | { kind: 'token'; token: string };

interface SessionSpec {
  subject: SessionSubject;
  createdAt: string;
  expiresAt: string;
}

/**
 * Browser sessions: an opaque random id in an HttpOnly cookie; the store keeps only its
 * SHA-256, so a copied database cannot be replayed as a cookie. Kept in the store so every
 * replica knows them; a session made from an API token re-checks the token on every request,
 * so revoking the token ends the session.
 */
export class Sessions {
  readonly #store: Store;
  readonly #now: () => Date;
  readonly #ttlMs: number;

  constructor(options: { store: Store; ttlMs?: number; now?: () => Date }) {
    this.#store = options.store;
    this.#now = options.now ?? (() => new Date());
    this.#ttlMs = options.ttlMs ?? 12 * 3600_000;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** Starts a session; answers the cookie value. */
  async create(subject: SessionSubject): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const now = this.#now();
    const spec: SessionSpec = {
      subject,
      createdAt: formatTimestamp(now),
      expiresAt: formatTimestamp(new Date(now.getTime() + this.#ttlMs)),
    };
    await this.#store.write([
      {
        op: 'create',
        object: {
          apiVersion: 'gantry.io/v1',
          kind: SESSION_KIND,
          metadata: { name: hashOf(id), namespace: '' },
          spec,
        },
      },
    ]);
    return id;
  }

  /** The session's subject, or undefined when it is unknown or expired. */
  async lookup(id: string): Promise<SessionSubject | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const stored = await this.#store.get({ kind: SESSION_KIND, namespace: '', name: hashOf(id) });
    if (!stored) return undefined;
    const spec = stored.spec as SessionSpec;
    if (Date.parse(spec.expiresAt) <= this.#now().getTime()) return undefined;
    return spec.subject;
  }

  async delete(id: string): Promise<void> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return;
    const key = { kind: SESSION_KIND, namespace: '', name: hashOf(id) };
    if (await this.#store.get(key)) await this.#store.write([{ op: 'delete', key }]);
  }

  /** Removes expired sessions (garbage collection). */
  async prune(): Promise<number> {
    const { items } = await this.#store.list(SESSION_KIND, { namespace: '' });
    const now = this.#now().getTime();
    const expired = items.filter((item) => Date.parse((item.spec as SessionSpec).expiresAt) <= now);
    if (expired.length > 0)
      await this.#store.write(
        expired.map((item) => ({
          op: 'delete' as const,
          key: { kind: SESSION_KIND, namespace: '', name: item.metadata.name },
        })),
      );
    return expired.length;
  }
}

function hashOf(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}
