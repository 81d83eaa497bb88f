import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import {
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { outboundRefusal, type OutboundHttp, type OutboundResponse } from './outbound-http.js';
import type { OutboundRequest } from './outbound-http.js';
import { refusalMessage, type OutboundPolicy } from './outbound-policy.js';
import { linkSignals } from '../abort-signals.js';

export interface GuardedHttpOptions {
  /** All addresses of a host name; dns.lookup (all, in the resolver's order) by default. */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
  /** Opens one request; node:http / node:https by default (tests put a guard here). */
  request?: (url: URL, options: RequestOptions) => ClientRequest;
  /** Redirects followed at most (each hop is checked like the first). */
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that must not follow a redirect to another origin (as fetch does). */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * Outbound HTTP under the operator's policy, over node:http (not fetch: fetch cannot skip TLS
 * verification for one request, which web metrics' `insecure` needs, nor take a lookup).
 *
 * Every destination is checked before any packet is sent: an IP literal at once (URL parsing
 * has already turned `2852039166`, `0x7f.1` or `[::ffff:a9fe:a9fe]` into canonical form), a
 * host name by its name and then by every address DNS gives for it (one refused address
 * refuses the request). The connection goes to the addresses that were checked — the lookup
 * handed to node:http returns exactly them — so a DNS answer that changes between the check
 * and the connection (DNS rebinding) cannot slip through. Each redirect hop is checked the
 * same way; credentials are not sent on to another origin.
 */
export function createGuardedHttp(
  policy: OutboundPolicy,
  options: GuardedHttpOptions = {},
): OutboundHttp {
  const resolve = options.resolve ?? resolveAll;
  const open = options.request ?? openRequest;
  const maxRedirects = options.maxRedirects ?? 10;

  return {
    async send(request) {
      // Linked, not AbortSignal.any (abort-signals.ts).
      const link = linkSignals([request.signal], { timeoutMs: request.timeoutMs });
      const signal = link.signal;
      try {
        let url = request.url;
        let method = request.method.toUpperCase();
        let body = request.body;
        const headers = { ...lowerCaseKeys(request.headers) };
        for (let hop = 0; ; hop++) {
          if (url.protocol !== 'http:' && url.protocol !== 'https:')
            throw new Error(`${url.protocol} URLs are not supported; use http or https`);
          let answer: Exchanged;
          try {
            answer = await exchange(url, method, headers, body, request, signal, {
              resolve,
              open,
              policy,
            });
          } catch (err) {
            if (signal.aborted && !request.signal.aborted)
              throw new Error(`no answer within ${request.timeoutMs / 1000}s`);
            throw err;
          }
          const location = answer.headers.location;
          if (!REDIRECTS.has(answer.status) || !location) return { ...answer, url };
          if (hop >= maxRedirects) throw new Error(`more than ${maxRedirects} redirects`);
          const next = new URL(location, url);
          // fetch's rules: 303 becomes a GET (HEAD stays), and so does a POST after 301 or 302.
          if (
            (answer.status === 303 && method !== 'HEAD') ||
            (answer.status <= 302 && method === 'POST')
          ) {
            method = 'GET';
            body = undefined;
            delete headers['content-type'];
          }
          if (next.origin !== url.origin)
            for (const name of CREDENTIAL_HEADERS) delete headers[name];
          url = next;
        }
      } finally {
        link.dispose();
      }
    },
  };
}

type Exchanged = Omit<OutboundResponse, 'url'>;

interface Deps {
  resolve: (hostname: string) => Promise<LookupAddress[]>;
  open: (url: URL, options: RequestOptions) => ClientRequest;
  policy: OutboundPolicy;
}

/** Where a connection may go: the checked addresses, and a lookup that returns only them. */
interface Checked {
  host: string;
  lookup: LookupFunction;
}

/**
 * Checks a destination against the policy: an IP literal at once, a name by its name and then
 * by every address DNS gives. With `unresolvedOk`, a name that does not resolve here is
 * checked by name only (a proxy's target, which the proxy resolves).
 */
async function check(url: URL, deps: Deps, unresolvedOk = false): Promise<Checked> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: LookupAddress[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    const byName = deps.policy.checkHostName(host);
    if (!byName.allowed) throw outboundRefusal(refusalMessage(host, byName));
    try {
      addresses = await deps.resolve(host);
    } catch (err) {
      if (unresolvedOk) addresses = [];
      else throw new Error(`could not resolve ${host}: ${(err as Error).message}`);
    }
    if (addresses.length === 0 && !unresolvedOk)
      throw new Error(`could not resolve ${host}: no addresses`);
  }
  for (const { address } of addresses) {
    const decision = deps.policy.checkAddress(address);
    if (!decision.allowed)
      throw outboundRefusal(
        refusalMessage(address === host ? address : `${host} (${address})`, decision),
      );
  }
  // Connect only to the addresses just checked.
  const lookup: LookupFunction = (_hostname, options, callback) => {
    const wanted = addresses.filter((a) => !options.family || a.family === options.family);
    if (wanted.length === 0) {
      callback(
        Object.assign(new Error(`no IPv${options.family} address for ${host}`), {
          code: 'ENOTFOUND',
        }),
        '',
        0,
      );
      return;
    }
    if (options.all) (callback as (err: null, all: LookupAddress[]) => void)(null, wanted);
    else callback(null, wanted[0]!.address, wanted[0]!.family);
  };
  return { host, lookup };
}

/** One request and its answer (a redirect's body is skipped). */
async function exchange(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  request: OutboundRequest,
  signal: AbortSignal,
  deps: Deps,
): Promise<Exchanged> {
  const proxy = request.proxy;
  if (proxy && proxy.protocol !== 'http:')
    throw new Error(`proxy ${proxy.protocol}// URLs are not supported; use an http:// proxy`);
  const target = await check(url, deps, proxy !== undefined);
  const via = proxy ? await check(proxy, deps) : undefined;
  signal.throwIfAborted();
  const proxyAuthorization =
    proxy && (proxy.username || proxy.password)
      ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`
      : undefined;
  const sentHeaders: Record<string, string> = {
    ...headers,
    ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }),
  };
  const tls = url.protocol === 'https:' ? { rejectUnauthorized: !request.insecure } : {};

  return new Promise<Exchanged>((resolve, reject) => {
    let settled = false;
    // Every request opened (the tunnel, then the request through it): destroyed at the end.
    const opened: ClientRequest[] = [];
    const finish = (err: Error | undefined, value?: Exchanged) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      for (const each of opened) each.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    const onAbort = () => finish(new Error('the request was aborted'));
    if (signal.aborted) queueMicrotask(onAbort);
    else signal.addEventListener('abort', onAbort, { once: true });

    const answer = (res: IncomingMessage) => {
      if (REDIRECTS.has(res.statusCode ?? 0) && res.headers.location) {
        res.resume();
        finish(undefined, {
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: '',
          truncated: false,
        });
        return;
      }
      readBody(res, request, (err, bytes, truncated) => {
        if (err) return finish(err);
        const text = request.binary ? '' : bytes.toString();
        finish(undefined, {
          status: res.statusCode ?? 0,
          headers: res.headers,
          // A cut text ends on a character boundary.
          body: truncated ? text.replace(/\uFFFD$/, '') : text,
          ...(request.binary && { bytes }),
          truncated,
        });
      });
    };
    const send = (open: () => ClientRequest) => {
      if (settled) return;
      const req = open();
      opened.push(req);
      req.on('error', (err) => finish(new Error(err.message || String(err))));
      req.on('response', answer);
      req.end(body);
    };

    if (!proxy || !via) {
      send(() =>
        deps.open(url, {
          method,
          headers: sentHeaders,
          lookup: target.lookup,
          agent: false,
          ...tls,
        }),
      );
      return;
    }
    const auth = proxyAuthorization ? { 'proxy-authorization': proxyAuthorization } : {};
    if (url.protocol === 'http:') {
      // An absolute-URI request to the proxy (RFC 9112 3.2.2).
      send(() =>
        deps.open(proxy, {
          method,
          path: url.href,
          setHost: false,
          headers: { ...sentHeaders, host: url.host, ...auth },
          lookup: via.lookup,
          agent: false,
        }),
      );
      return;
    }
    // https: a CONNECT tunnel to the target's port, then TLS with the target inside it.
    const authority = `${url.hostname}:${url.port || '443'}`;
    const tunnel = deps.open(proxy, {
      method: 'CONNECT',
      path: authority,
      setHost: false,
      headers: { host: authority, ...auth },
      lookup: via.lookup,
      agent: false,
    });
    opened.push(tunnel);
    tunnel.on('error', (err) => finish(new Error(`proxy: ${err.message || String(err)}`)));
    tunnel.on('connect', (res: IncomingMessage, socket: Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        finish(new Error(`proxy answered ${res.statusCode ?? 0} to CONNECT ${authority}`));
        return;
      }
      send(() =>
        httpsRequest(url, {
          method,
          headers: sentHeaders,
          agent: false,
          ...tls,
          createConnection: () =>
            tlsConnect({
              socket,
              ...(isIP(target.host) ? {} : { servername: target.host }),
              rejectUnauthorized: !request.insecure,
            }),
        }),
      );
    });
    tunnel.end();
  });
}

/** Reads at most maxBodyBytes; past that, fails (before reading, when announced) or cuts. */
function readBody(
  res: IncomingMessage,
  request: OutboundRequest,
  done: (err: Error | undefined, bytes: Buffer, truncated: boolean) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let ended = false;
  const end = (err: Error | undefined, truncated: boolean) => {
    if (ended) return;
    ended = true;
    done(err, Buffer.concat(chunks), truncated);
  };
  const announced = Number(res.headers['content-length'] ?? '');
  if (request.overflow === 'error' && announced > request.maxBodyBytes) {
    res.resume();
    end(new Error(`the response body is larger than ${request.maxBodyBytes} bytes`), false);
    return;
  }
  res.on('data', (chunk: Buffer) => {
    if (ended) return;
    const room = request.maxBodyBytes - size;
    if (chunk.length > room) {
      if (request.overflow === 'error') {
        end(new Error(`the response body is larger than ${request.maxBodyBytes} bytes`), false);
      } else {
        chunks.push(chunk.subarray(0, room));
        size += room;
        end(undefined, true);
      }
      return;
    }
    chunks.push(chunk);
    size += chunk.length;
  });
  res.on('error', (err) => end(err, false));
  res.on('end', () => end(undefined, false));
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

function resolveAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses),
    ),
  );
}

function openRequest(url: URL, options: RequestOptions): ClientRequest {
  return url.protocol === 'https:' ? httpsRequest(url, options) : httpRequest(url, options);
}
