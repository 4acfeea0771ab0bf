/**
 * The source addresses the operator API accepts: a list of IPv4 and IPv6 CIDRs, checked with
 * node:net's BlockList (which also matches an IPv4-mapped IPv6 address against an IPv4 subnet).
 * No subnets means any source address.
 */
import { BlockList, isIP } from 'node:net';

export interface Subnet {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

export type CidrListParse =
  | { readonly ok: true; readonly subnets: readonly Subnet[] }
  | { readonly ok: false; readonly problems: readonly string[] };

const MAX_PREFIX = { ipv4: 32, ipv6: 128 } as const;

/** The subnet, or the reason `entry` is not a CIDR. */
export function parseCidr(entry: string): Subnet | string {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const prefixText = slash === -1 ? '' : entry.slice(slash + 1);
  const version = isIP(address);
  // A zone id (fe80::1%eth0) names an interface of one host, which means nothing to API Gateway.
  if (version === 0 || address.includes('%') || !/^\d{1,3}$/.test(prefixText)) {
    return `"${entry}" is not a CIDR (address/prefix, such as 203.0.113.0/24 or 2001:db8::/32)`;
  }
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const prefix = Number(prefixText);
  if (prefix > MAX_PREFIX[family]) {
    return `"${entry}" has prefix /${prefix}; an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} prefix is 0-${MAX_PREFIX[family]}`;
  }
  return { address, prefix, family };
}

/** Comma-separated CIDRs; blank or absent is the empty list, and every problem is reported at once. */
export function parseCidrList(text: string | undefined): CidrListParse {
  if (text === undefined || text.trim() === '') return { ok: true, subnets: [] };
  const subnets: Subnet[] = [];
  const problems: string[] = [];
  text.split(',').forEach((raw, index) => {
    const entry = raw.trim();
    // An empty entry is more likely a lost CIDR than a stray comma: refuse it rather than guess.
    const parsed = entry === '' ? `entry ${index + 1} is empty` : parseCidr(entry);
    if (typeof parsed === 'string') problems.push(parsed);
    else subnets.push(parsed);
  });
  return problems.length === 0 ? { ok: true, subnets } : { ok: false, problems };
}

export interface SourceAllowList {
  allows(sourceIp: string): boolean;
}

export function sourceAllowList(subnets: readonly Subnet[]): SourceAllowList {
  if (subnets.length === 0) return { allows: () => true };
  const list = new BlockList();
  for (const subnet of subnets) list.addSubnet(subnet.address, subnet.prefix, subnet.family);
  return {
    allows(sourceIp) {
      const version = isIP(sourceIp);
      return version !== 0 && list.check(sourceIp, version === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
