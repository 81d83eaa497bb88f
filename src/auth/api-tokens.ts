import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StoredResource } from '../api/resource.js';
import { formatTimestamp } from '../api/timestamp.js';
import { alreadyExistsError, inputError, isGantryError, notFoundError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { Principal } from './principal.js';

/** The store kind holding API tokens; internal, never served as a resource. */
export const API_TOKEN_KIND = 'APIToken';
const KEY_LABEL = 'gantry.io/token-key';
const PREFIX = 'gty_';

/** What is kept and shown of a token: never its value, which only its creator saw once. */
export interface TokenInfo {
  name: string;
  /** The project it acts in; undefined for a system token. */
  project?: string | undefined;
  role: string;
  createdBy: string;
  createdAt: string;
  expiresAt?: string | undefined;
}

interface TokenSpec extends TokenInfo {
  /** SHA-256 of the secret part, hex. */
  hash: string;
}

/**
 * API tokens for robots and CI: `gty_<id>_<secret>`. Stored by id with a SHA-256 of the secret
 * (tokens are 256 random bits, so a fast hash is enough: nothing to brute-force), listed and
 * revoked by name, optionally expiring. A project token dies with its project: a token older
 * than the project it names (deleted and created again) is refused.
 */
export class ApiTokens {
  readonly #store: Store;
  readonly #now: () => Date;

  constructor(options: { store: Store; now?: () => Date }) {
    this.#store = options.store;
    this.#now = options.now ?? (() => new Date());
  }

  /** Creates a token; answers its value (shown once) and what is kept of it. */
  async create(request: {
    name: string;
    project?: string | undefined;
    role: string;
    createdBy: string;
    expiresAt?: Date | undefined;
  }): Promise<{ token: string; info: TokenInfo }> {
    if (!/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/.test(request.name))
      throw inputError(
        `token name "${request.name}" must be lowercase letters, digits, "-" and ".", at most 63 characters`,
        [{ path: 'name', message: 'not a valid name' }],
      );
    if (request.expiresAt && request.expiresAt.getTime() <= this.#now().getTime())
      throw inputError('expires: must be in the future', [
        { path: 'expires', message: 'in the past' },
      ]);
    const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');
    const secret = randomBytes(32).toString('base64url');
    const info: TokenInfo = {
      name: request.name,
      ...(request.project ? { project: request.project } : {}),
      role: request.role,
      createdBy: request.createdBy,
      createdAt: formatTimestamp(this.#now()),
      ...(request.expiresAt ? { expiresAt: formatTimestamp(request.expiresAt) } : {}),
    };
    const spec: TokenSpec = { ...info, hash: hashOf(secret) };
    try {
      await this.#store.write([
        {
          op: 'assertLabelUnique',
          kind: API_TOKEN_KIND,
          namespace: '',
          label: KEY_LABEL,
          value: keyOf(request.project, request.name),
          exceptName: '',
          message: `a token named "${request.name}" already exists${request.project ? ` in project "${request.project}"` : ''}`,
        },
        {
          op: 'create',
          object: {
            apiVersion: 'gantry.io/v1',
            kind: API_TOKEN_KIND,
            metadata: {
              name: id,
              namespace: '',
              labels: { [KEY_LABEL]: keyOf(request.project, request.name) },
            },
            spec,
          },
        },
      ]);
    } catch (err) {
      if (isGantryError(err, 'Conflict')) throw alreadyExistsError(err.message);
      throw err;
    }
    return { token: `${PREFIX}${id}_${secret}`, info };
  }

  /** True when the string looks like one of our tokens (as opposed to an OIDC JWT). */
  static isApiToken(token: string): boolean {
    return token.startsWith(PREFIX);
  }

  /** The principal a token stands for, or undefined when it is unknown, revoked or expired. */
  async verify(token: string): Promise<Principal | undefined> {
    const match = /^gty_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return undefined;
    const stored = await this.#store.get({ kind: API_TOKEN_KIND, namespace: '', name: match[1]! });
    if (!stored) return undefined;
    const spec = stored.spec as TokenSpec;
    const expected = Buffer.from(spec.hash, 'hex');
    const actual = Buffer.from(hashOf(match[2]!), 'hex');
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    if (spec.expiresAt && Date.parse(spec.expiresAt) <= this.#now().getTime()) return undefined;
    if (spec.project) {
      const project = await this.#store.get({ kind: 'Project', namespace: '', name: spec.project });
      const created = Date.parse(project?.metadata.creationTimestamp ?? '');
      // Timestamps have second precision: a project re-created within the same second as the
      // token was made would still match, which is harmless (the same caller made both).
      if (!project || created > Date.parse(spec.createdAt)) return undefined;
    }
    return {
      kind: 'token',
      actor: spec.project ? `token:${spec.project}/${spec.name}` : `token:${spec.name}`,
      tokenId: match[1]!,
      name: spec.name,
      project: spec.project,
      role: spec.role,
    };
  }

  /** Tokens of one project, or the system tokens when `project` is undefined. */
  async list(project: string | undefined): Promise<TokenInfo[]> {
    const { items } = await this.#store.list(API_TOKEN_KIND, { namespace: '' });
    return items
      .map(infoOf)
      .filter((info) => info.project === project)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Revokes a token by name: it stops working at once, on every replica. */
  async delete(project: string | undefined, name: string): Promise<TokenInfo> {
    const stored = await this.#find(project, name);
    await this.#store.write([
      {
        op: 'delete',
        key: { kind: API_TOKEN_KIND, namespace: '', name: stored.metadata.name },
      },
    ]);
    return infoOf(stored);
  }

  async #find(project: string | undefined, name: string): Promise<StoredResource> {
    const { items } = await this.#store.list(API_TOKEN_KIND, {
      namespace: '',
      labelSelector: [{ key: KEY_LABEL, operator: 'In', values: [keyOf(project, name)] }],
    });
    const found = items[0];
    if (!found)
      throw notFoundError(
        `token "${name}" not found${project ? ` in project "${project}"` : ' (system tokens)'}`,
      );
    return found;
  }
}

function infoOf(stored: StoredResource): TokenInfo {
  const { hash: _hash, ...info } = stored.spec as TokenSpec;
  return info;
}

function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function keyOf(project: string | undefined, name: string): string {
  return `${project ?? '_system'}.${name}`;
}
