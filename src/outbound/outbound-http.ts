import type { IncomingHttpHeaders } from 'node:http';
import { isGantryError, notAllowedError } from '../errors.js';

/**
 * Outbound HTTP for what a manifest asks Gantry to call (the http step, web and prometheus
 * metrics): a port, handed to steps in their context and to verification in its input, so
 * neither depends on how the policy is enforced. `createGuardedHttp` (guarded-http.ts) is the
 * implementation main.ts wires with the operator's policy.
 */
export interface OutboundHttp {
  /**
   * One request, following redirects (each hop checked). Rejects with a NotAllowed GantryError
   * when the policy refuses a destination (see isOutboundRefusal), and with a plain one-line
   * Error on timeouts, network failures and, with `overflow: 'error'`, oversized bodies.
   */
  send(request: OutboundRequest): Promise<OutboundResponse>;
}

export interface OutboundRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  /** Text is sent as UTF-8; bytes as they are. */
  body?: string | Buffer | undefined;
  /**
   * Send through this HTTP proxy (`http://[user:password@]host:port`): an absolute-URI request
   * for an http target, a CONNECT tunnel for an https one. The proxy is a destination like any
   * other (the policy must allow it); the target is still checked by name, and by address when
   * its name resolves here.
   */
  proxy?: URL | undefined;
  /** For the whole exchange, redirects included. */
  timeoutMs: number;
  /** Accept any TLS certificate (Rollouts' `insecure`). */
  insecure?: boolean | undefined;
  signal: AbortSignal;
  /** The most body kept. */
  maxBodyBytes: number;
  /**
   * Past maxBodyBytes: fail (`error`, at once when the Content-Length announces more) or keep
   * the start and say so (`truncate`).
   */
  overflow: 'error' | 'truncate';
  /** Keep the body as bytes (`OutboundResponse.bytes`, `body` left empty): a download. */
  binary?: boolean | undefined;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body as received, with `binary` requests. */
  bytes?: Buffer | undefined;
  /** The body was longer than maxBodyBytes and was cut (overflow: truncate). */
  truncated: boolean;
  /** Where the answer came from, after redirects. */
  url: URL;
}

/** The error a refused destination rejects with (NotAllowed: terminal, retrying cannot help). */
export function outboundRefusal(message: string) {
  return notAllowedError(message);
}

/** Whether an error is a policy refusal. */
export function isOutboundRefusal(err: unknown): boolean {
  return isGantryError(err, 'NotAllowed');
}

/** For places given no outbound client: every request is refused. */
export const noOutboundHttp: OutboundHttp = {
  send: (request) =>
    Promise.reject(
      outboundRefusal(
        `${request.url.origin}: outbound requests are not available here (no outbound policy was configured)`,
      ),
    ),
};
