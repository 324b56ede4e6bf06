// uvicorn behind a proxy: the validated --proxy-headers / --forwarded-allow-ips words.
import { fail } from '../_validate';

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\/(?:3[0-2]|[12]?\d))?$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*(?:\/(?:12[0-8]|1[01]\d|[1-9]?\d))?$/;

/**
 * The uvicorn words for a list of trusted proxy addresses: none for no list, else `--proxy-headers
 * --forwarded-allow-ips a,b`. Each entry an IPv4/IPv6 address or CIDR; `*` only alone.
 * @throws Error `<path>[<n>]: must be an IPv4 or IPv6 address or CIDR ...`
 */
export function resolveForwardedIps(path: string, ips: string[] | undefined): string[] {
  if (ips === undefined) return [];
  if (!Array.isArray(ips) || ips.length === 0) fail(path, 'a non-empty list of addresses or CIDRs (leave it unset when not behind a proxy)', ips);
  ips.forEach((ip, i) => {
    if (ip === '*') {
      if (ips.length > 1) fail(`${path}[${i}]`, '"*" alone (it already trusts every peer)', ip);
      return;
    }
    if (typeof ip !== 'string' || !(IPV4.test(ip) || IPV6.test(ip))) fail(`${path}[${i}]`, 'an IPv4 or IPv6 address or CIDR (e.g. 10.0.0.0/8), or "*" alone', ip);
  });
  return ['--proxy-headers', '--forwarded-allow-ips', ips.join(',')];
}
