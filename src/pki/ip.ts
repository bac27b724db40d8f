/**
 * IP address text <-> bytes, following Go's net.ParseIP and net.IP.String (go1.19), because
 * host name checks and error texts must match what Go prints.
 */

/** Go's parseIPv4: four decimal fields 0-255, no leading zeros (rejected since go1.17). */
function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    if (p.length > 1 && p.startsWith('0')) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** Go's parseIPv6 (no zones): hex groups, one "::", optional trailing dotted IPv4. */
function parseIPv6(s: string): number[] | undefined {
  if (s.includes('%')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const fields = part.split(':');
    const bytes: number[] = [];
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as string;
      if (i === fields.length - 1 && f.includes('.')) {
        const v4 = parseIPv4(f);
        if (!v4) return undefined;
        bytes.push(...v4);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(f)) return undefined;
      const n = parseInt(f, 16);
      bytes.push(n >> 8, n & 0xff);
    }
    return bytes;
  };
  const head = groupsOf(halves[0] as string);
  if (!head) return undefined;
  if (halves.length === 1) return head.length === 16 ? head : undefined;
  const tail = groupsOf(halves[1] as string);
  if (!tail) return undefined;
  const fill = 16 - head.length - tail.length;
  if (fill < 2) return undefined;
  return [...head, ...new Array<number>(fill).fill(0), ...tail];
}

/** net.ParseIP: 4-byte result for IPv4 text, 16 bytes for IPv6; undefined when not an IP. */
export function parseIP(s: string): Buffer | undefined {
  const v4 = parseIPv4(s);
  if (v4) return Buffer.from(v4);
  if (!s.includes(':')) return undefined;
  const v6 = parseIPv6(s);
  return v6 ? Buffer.from(v6) : undefined;
}

const V4_IN_V6_PREFIX = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);

/** net.IP.To16: IPv4 becomes ::ffff:a.b.c.d so IPv4 and mapped forms compare equal (ip.Equal). */
export function to16(ip: Buffer): Buffer {
  if (ip.length === 4) return Buffer.concat([V4_IN_V6_PREFIX, ip]);
  return ip;
}

export function ipEqual(a: Buffer, b: Buffer): boolean {
  const a16 = to16(a);
  const b16 = to16(b);
  return a16.length === 16 && b16.length === 16 && a16.equals(b16);
}

/** net.IP.String. */
export function ipToString(ip: Buffer): string {
  if (ip.length === 0) return '<nil>';
  if (ip.length === 4) return Array.from(ip).join('.');
  if (ip.length === 16 && ip.subarray(0, 12).equals(V4_IN_V6_PREFIX)) {
    return Array.from(ip.subarray(12)).join('.');
  }
  if (ip.length !== 16) return '?' + ip.toString('hex');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip[i] as number) << 8) | (ip[i + 1] as number));
  // Longest run of zero groups, at least two long; the first one wins on ties.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (i > 0 && !out.endsWith(':')) out += ':';
    out += (groups[i] as number).toString(16);
  }
  return out;
}
