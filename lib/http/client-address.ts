import { BlockList, isIP } from 'node:net';

/**
 * The TCP peer of a request, as a request header the server sets on every request it receives (overwriting
 * anything a client sent under that name). Route handlers see only a web Request, and Next.js fills
 * X-Forwarded-For from the socket only when the client sent none, so without this a client could name
 * itself whatever it liked.
 */
export const PEER_ADDRESS_HEADER = 'x-cf-peer-address';

const installedKey = Symbol.for('celebrity-finder.peer-address-header');

/**
 * Stamps PEER_ADDRESS_HEADER on every request an http.Server of this process emits, from its socket, before
 * any handler (Next's included) sees it. Idempotent; called once per server process at start-up
 * (instrumentation-node.ts), before the first request is handled.
 */
export async function installPeerAddressHeader(): Promise<void> {
  const holder = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (holder[installedKey]) return;
  holder[installedKey] = true;
  const { Server } = await import('node:http');
  const emit = Server.prototype.emit as (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
  Server.prototype.emit = function emitWithPeer(this: unknown, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const request = args[0] as { headers: Record<string, string | string[] | undefined>; socket?: { remoteAddress?: string } };
      request.headers[PEER_ADDRESS_HEADER] = request.socket?.remoteAddress ?? '';
    }
    return emit.call(this, event, ...args);
  } as typeof Server.prototype.emit;
}

/** `::ffff:1.2.3.4` (IPv4 on a dual-stack socket) as `1.2.3.4`; anything that is not an IP address as null. */
function normalize(address: string): string | null {
  const trimmed = address.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  const plain = mapped ? mapped[1]! : trimmed;
  return isIP(plain) ? plain : null;
}

/** A set of trusted proxies from TRUSTED_PROXIES: comma-separated addresses or CIDR ranges (IPv4 or IPv6). */
export function parseTrustedProxies(spec: string): BlockList {
  const list = new BlockList();
  for (const entry of spec.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [address = '', prefix] = entry.split('/');
    const ip = normalize(address);
    if (!ip) throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(ip, family);
    else list.addSubnet(ip, Number(prefix), family);
  }
  return list;
}

function isTrusted(trusted: BlockList, address: string): boolean {
  return trusted.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy; then X-Forwarded-For read from
 * the right (the entry the proxy itself appended) past every trusted proxy, so addresses a client put in
 * its own X-Forwarded-For are never believed. `unknown` when the peer is not known (no stamped header).
 */
export function clientAddress(headers: Headers, trusted: BlockList): string {
  const peer = normalize(headers.get(PEER_ADDRESS_HEADER) ?? '');
  if (!peer) return 'unknown';
  if (!isTrusted(trusted, peer)) return peer;
  const forwarded = (headers.get('x-forwarded-for') ?? '').split(',').map(normalize);
  for (let i = forwarded.length - 1; i >= 0; i -= 1) {
    const hop = forwarded[i];
    // A malformed entry ends the chain: what lies left of it was written by someone we cannot vouch for.
    if (!hop) break;
    if (!isTrusted(trusted, hop)) return hop;
  }
  return peer;
}

/**
 * The key per-client limits count under: the address itself for IPv4, its /64 network for IPv6 (one
 * subscriber usually holds a whole /64, so single IPv6 addresses would be free to change).
 */
export function clientKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = expandIpv6(address);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::1.2.3.4) counts as two groups; only the first four groups matter here anyway.
  const missing = 8 - left.length - right.length;
  return [...left, ...Array.from({ length: Math.max(0, missing) }, () => '0'), ...right].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
}

const trustedKey = Symbol.for('celebrity-finder.trusted-proxies');

/** clientKey(clientAddress(...)) with TRUSTED_PROXIES parsed once per process. */
export function clientOf(headers: Headers, trustedProxies: string): string {
  const holder = globalThis as unknown as Record<symbol, { spec: string; list: BlockList } | undefined>;
  let cached = holder[trustedKey];
  if (!cached || cached.spec !== trustedProxies) {
    cached = { spec: trustedProxies, list: parseTrustedProxies(trustedProxies) };
    holder[trustedKey] = cached;
  }
  return clientKey(clientAddress(headers, cached.list));
}
