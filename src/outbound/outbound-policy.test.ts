import { describe, expect, it } from 'vitest';
import { isGantryError } from '../errors.js';
import {
  createOutboundPolicy,
  DEFAULT_OUTBOUND_POLICY,
  parseIp,
  refusalMessage,
  type OutboundPolicyConfig,
} from './outbound-policy.js';

/** The address a URL's host becomes once parsed (odd IPv4 spellings are normalised then). */
const hostOf = (url: string) => new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');

describe('outbound policy', () => {
  const judge = (config: OutboundPolicyConfig, address: string) => {
    const decision = createOutboundPolicy(config).checkAddress(address);
    return decision.allowed ? 'allowed' : decision.rule;
  };

  it.each<[string, string, string]>([
    ['a public address', '93.184.216.34', 'allowed'],
    ['loopback', '127.0.0.1', 'allowed'],
    ['a private address', '10.1.2.3', 'allowed'],
    ['IPv6 loopback', '::1', 'allowed'],
    ['the metadata service', '169.254.169.254', '"link-local" in --outbound-deny'],
    ['ECS credentials', '169.254.170.2', '"link-local" in --outbound-deny'],
    ['AWS IPv6 metadata', 'fd00:ec2::254', '"metadata" in --outbound-deny'],
    ['Alibaba metadata', '100.100.100.200', '"metadata" in --outbound-deny'],
    ['IPv6 link-local', 'fe80::1', '"link-local" in --outbound-deny'],
    ['IPv4-mapped metadata', '::ffff:169.254.169.254', '"link-local" in --outbound-deny'],
    ['IPv4-mapped, hex', '::ffff:a9fe:a9fe', '"link-local" in --outbound-deny'],
    ['IPv4-compatible metadata', '::169.254.169.254', '"link-local" in --outbound-deny'],
    ['NAT64 metadata', '64:ff9b::a9fe:a9fe', '"link-local" in --outbound-deny'],
    ['a host name', 'example.com', 'it is not an IP address'],
  ])('by default: %s (%s) is %s', (_, address, expected) => {
    expect(judge(DEFAULT_OUTBOUND_POLICY, address)).toBe(expected);
  });

  it.each<[string, string]>([
    ['http://2852039166/', '169.254.169.254'],
    ['http://0xa9fea9fe/', '169.254.169.254'],
    ['http://0251.0376.0251.0376/', '169.254.169.254'],
    ['http://169.254.43518/', '169.254.169.254'],
    ['http://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe'],
  ])('sees %s as %s, and refuses it', (url, address) => {
    expect(hostOf(url)).toBe(address);
    expect(judge(DEFAULT_OUTBOUND_POLICY, hostOf(url))).toBe('"link-local" in --outbound-deny');
  });

  it.each<[string, OutboundPolicyConfig, string, string]>([
    [
      'deny loopback',
      { allow: ['*'], deny: ['loopback'] },
      '127.0.0.1',
      '"loopback" in --outbound-deny',
    ],
    [
      'deny loopback: 0.0.0.0',
      { allow: ['*'], deny: ['loopback'] },
      '0.0.0.0',
      '"loopback" in --outbound-deny',
    ],
    [
      'deny loopback: 0x7f.1',
      { allow: ['*'], deny: ['loopback'] },
      hostOf('http://0x7f.1/'),
      '"loopback" in --outbound-deny',
    ],
    [
      'deny loopback: mapped',
      { allow: ['*'], deny: ['loopback'] },
      '::ffff:127.0.0.1',
      '"loopback" in --outbound-deny',
    ],
    [
      'deny private',
      { allow: ['*'], deny: ['private'] },
      '172.20.0.5',
      '"private" in --outbound-deny',
    ],
    [
      'deny private: CGNAT',
      { allow: ['*'], deny: ['private'] },
      '100.64.0.1',
      '"private" in --outbound-deny',
    ],
    [
      'deny private: ULA',
      { allow: ['*'], deny: ['private'] },
      'fd12::1',
      '"private" in --outbound-deny',
    ],
    ['allow a CIDR only', { allow: ['10.0.0.0/8'], deny: [] }, '10.9.8.7', 'allowed'],
    [
      'allow a CIDR only: outside it',
      { allow: ['10.0.0.0/8'], deny: [] },
      '11.0.0.1',
      'it matches nothing in --outbound-allow',
    ],
    ['allow one host', { allow: ['192.0.2.7'], deny: [] }, '192.0.2.7', 'allowed'],
    ['allow an IPv6 CIDR', { allow: ['2001:db8::/32'], deny: [] }, '2001:db8:1::5', 'allowed'],
    [
      'deny wins over allow',
      { allow: ['10.0.0.0/8'], deny: ['10.1.0.0/16'] },
      '10.1.2.3',
      '"10.1.0.0/16" in --outbound-deny',
    ],
    [
      'allow nothing',
      { allow: [], deny: [] },
      '93.184.216.34',
      'it matches nothing in --outbound-allow',
    ],
  ])('%s: %s', (_, config, address, expected) => {
    expect(judge(config, address)).toBe(expected);
  });

  it('refuses the metadata host names before any lookup', () => {
    const policy = createOutboundPolicy(DEFAULT_OUTBOUND_POLICY);
    expect(policy.checkHostName('metadata.google.internal')).toEqual({
      allowed: false,
      rule: '"metadata" in --outbound-deny',
    });
    expect(policy.checkHostName('Metadata.Google.Internal.').allowed).toBe(false);
    expect(policy.checkHostName('prometheus.monitoring.svc').allowed).toBe(true);
  });

  it.each(['10.0.0.0/33', '300.1.1.1', 'localhost', '::1/129', '1.2.3.4/8/9', 'fe80::1::2'])(
    'refuses %j as an entry, naming the flag',
    (entry) => {
      let thrown: unknown;
      try {
        createOutboundPolicy({ allow: ['*'], deny: [entry] });
      } catch (err) {
        thrown = err;
      }
      expect(isGantryError(thrown, 'Invalid')).toBe(true);
      expect((thrown as Error).message).toContain(`--outbound-deny: "${entry}"`);
    },
  );

  it.each<[string, string | undefined]>([
    ['1.2.3.4', '0x1020304'],
    ['::', '0x0'],
    ['::1', '0x1'],
    ['1::', '0x10000000000000000000000000000'],
    ['2001:db8::1:0:0:1', '0x20010db8000000000001000000000001'],
    ['::ffff:1.2.3.4', '0xffff01020304'],
    ['[fe80::1%eth0]', '0xfe800000000000000000000000000001'],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['1.2.3', undefined],
    ['01.2.3.4x', undefined],
    ['g::1', undefined],
  ])('parses %s', (text, value) => {
    const ip = parseIp(text);
    expect(ip ? `0x${ip.value.toString(16)}` : undefined).toBe(value);
  });

  it('says what refused an address and how the operator changes it', () => {
    expect(refusalMessage('169.254.169.254', { rule: '"link-local" in --outbound-deny' })).toBe(
      '169.254.169.254 is refused by the outbound policy ("link-local" in --outbound-deny); the operator sets it with --outbound-allow and --outbound-deny (GANTRY_OUTBOUND_ALLOW, GANTRY_OUTBOUND_DENY)',
    );
  });
});
