import { inputError } from '../errors.js';

/**
 * The operator's outbound policy (`--outbound-allow`, `--outbound-deny`): which addresses the
 * http step and the web and prometheus metrics may reach. Each list holds CIDRs (`10.0.0.0/8`,
 * `::1/128`, a bare address for one host) or names:
 * - `loopback`: 127.0.0.0/8, ::1, and 0.0.0.0/8 and :: (which reach this host too);
 * - `private`: 10/8, 172.16/12, 192.168/16, fc00::/7, and 100.64/10 (carrier-grade NAT);
 * - `link-local`: 169.254/16, fe80::/10;
 * - `metadata`: cloud metadata services (169.254.169.254, 169.254.170.2, fd00:ec2::254,
 *   100.100.100.200) and their host names (metadata.google.internal, …);
 * - `*`: everything.
 * A destination must match `allow` and not `deny`. Addresses that embed an IPv4 address
 * (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96) are judged as
 * that IPv4 address too, so `[::ffff:169.254.169.254]` is link-local.
 *
 * Pure: no I/O. guarded-http.ts applies it to every address a request resolves to.
 */
export interface OutboundPolicyConfig {
  allow: string[];
  deny: string[];
}

/** The defaults: anywhere, except link-local addresses and cloud metadata services. */
export const DEFAULT_OUTBOUND_POLICY: OutboundPolicyConfig = {
  allow: ['*'],
  deny: ['link-local', 'metadata'],
};

/** Refused: `rule` says which entry refused it (`"link-local" in --outbound-deny`). */
export type OutboundDecision = { allowed: true } | { allowed: false; rule: string };

/** `169.254.169.254 is refused by the outbound policy ("link-local" in --outbound-deny); …` */
export function refusalMessage(subject: string, decision: { rule: string }): string {
  return `${subject} is refused by the outbound policy (${decision.rule}); the operator sets it with --outbound-allow and --outbound-deny (GANTRY_OUTBOUND_ALLOW, GANTRY_OUTBOUND_DENY)`;
}

export interface OutboundPolicy {
  /** Judges one IP address (as DNS gives it, or an IP literal from a URL). */
  checkAddress(address: string): OutboundDecision;
  /** Judges a host name before it is resolved (the metadata names); IPs go to checkAddress. */
  checkHostName(name: string): OutboundDecision;
}

interface Cidr {
  family: 4 | 6;
  network: bigint;
  bits: number;
}

const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128', '0.0.0.0/8', '::/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', '100.64.0.0/10'],
  'link-local': ['169.254.0.0/16', 'fe80::/10'],
  metadata: ['169.254.169.254/32', '169.254.170.2/32', 'fd00:ec2::254/128', '100.100.100.200/32'],
  '*': ['0.0.0.0/0', '::/0'],
};
const METADATA_NAMES = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

interface CompiledEntry {
  entry: string;
  cidrs: Cidr[];
  names: (name: string) => boolean;
}

/**
 * Compiles the lists once (at startup); an entry that is neither a name nor a CIDR is an
 * input error naming the flag.
 */
export function createOutboundPolicy(config: OutboundPolicyConfig): OutboundPolicy {
  const allow = config.allow.map((entry) => compileEntry(entry, '--outbound-allow'));
  const deny = config.deny.map((entry) => compileEntry(entry, '--outbound-deny'));
  const judge = (matches: (entry: CompiledEntry) => boolean): OutboundDecision => {
    const denied = deny.find(matches);
    if (denied) return { allowed: false, rule: `"${denied.entry}" in --outbound-deny` };
    if (!allow.some(matches))
      return { allowed: false, rule: 'it matches nothing in --outbound-allow' };
    return { allowed: true };
  };
  return {
    checkAddress(address) {
      const candidates = addressCandidates(address);
      if (candidates.length === 0) return { allowed: false, rule: 'it is not an IP address' };
      return judge((entry) =>
        candidates.some((ip) => entry.cidrs.some((cidr) => contains(cidr, ip))),
      );
    },
    checkHostName(name) {
      const normalized = name.toLowerCase().replace(/\.$/, '');
      // Only names are judged here; whether one is allowed is up to its addresses.
      const denied = deny.find((entry) => entry.names(normalized));
      return denied
        ? { allowed: false, rule: `"${denied.entry}" in --outbound-deny` }
        : { allowed: true };
    },
  };
}

function compileEntry(entry: string, flag: string): CompiledEntry {
  const named = NAMED[entry];
  if (named)
    return {
      entry,
      cidrs: named.map((cidr) => parseCidr(cidr)!),
      names: entry === 'metadata' ? (name) => METADATA_NAMES.has(name) : () => false,
    };
  const cidr = parseCidr(entry);
  if (!cidr)
    throw inputError(
      `${flag}: "${entry}" is neither a CIDR (10.0.0.0/8, ::1/128) nor one of loopback, private, link-local, metadata, *`,
    );
  return { entry, cidrs: [cidr], names: () => false };
}

interface Ip {
  family: 4 | 6;
  value: bigint;
}

/** `a.b.c.d/n`, `x::y/n`, or a bare address (one host). */
export function parseCidr(text: string): Cidr | undefined {
  const [address, prefix, extra] = text.trim().split('/');
  if (address === undefined || extra !== undefined) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return undefined;
  const bits = prefix === undefined ? max : Number(prefix);
  if (bits > max) return undefined;
  return { family: ip.family, network: mask(ip.value, bits, max), bits };
}

/**
 * An IP address in its usual spelling: dotted-quad IPv4 (four decimal parts, as DNS answers
 * and URL parsers give them) or IPv6 (with `::`, an embedded IPv4 tail, a zone, or brackets).
 * Anything else (a host name) is undefined.
 */
export function parseIp(text: string): Ip | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const v4 = parseIpv4(bare);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIpv6(bare);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!text.includes(':')) return undefined;
  let rest = text;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // An IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    rest = text.slice(0, lastColon + 1);
    if (!rest.endsWith('::')) rest = rest.slice(0, -1);
  }
  const halves = rest.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined) => (!half ? [] : half.split(':'));
  const left = groups(halves[0]);
  const right = groups(halves[1]);
  const count = left.length + right.length + tail.length;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const all =
    halves.length === 2 ? [...left, ...Array<string>(8 - count).fill('0'), ...right] : left;
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  for (const word of tail) value = (value << 16n) | BigInt(word);
  return value;
}

/** The address, and the IPv4 address it embeds if it is IPv4-mapped, -compatible or NAT64. */
function addressCandidates(address: string): Ip[] {
  const ip = parseIp(address);
  if (!ip) return [];
  if (ip.family === 4) return [ip];
  const high = ip.value >> 32n;
  const embedded = { family: 4 as const, value: ip.value & 0xffffffffn };
  const mapped = high === 0xffffn; // ::ffff:a.b.c.d
  const compatible = high === 0n && embedded.value > 1n; // ::a.b.c.d (not :: or ::1)
  const nat64 = ip.value >> 32n === 0x0064ff9b0000000000000000n; // 64:ff9b::/96
  return mapped || compatible || nat64 ? [ip, embedded] : [ip];
}

function contains(cidr: Cidr, ip: Ip): boolean {
  if (cidr.family !== ip.family) return false;
  const max = ip.family === 4 ? 32 : 128;
  return mask(ip.value, cidr.bits, max) === cidr.network;
}

function mask(value: bigint, bits: number, max: number): bigint {
  if (bits === 0) return 0n;
  const shift = BigInt(max - bits);
  return (value >> shift) << shift;
}
