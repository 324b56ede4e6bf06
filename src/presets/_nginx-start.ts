// The static frontend's start command: nginx alone, or (with proxies) a POSIX sh step that writes the resolver file first.
import { shellQuote } from '../health/_docker-check';

/** nginx in the foreground, errors to stderr from the first line (before nginx.conf is read). */
export const NGINX_ARGV: readonly string[] = ['nginx', '-e', 'stderr', '-g', 'daemon off;'];

/** The file the start command writes under the first writable path, and nginx.conf includes in its `http` block. */
export const RESOLVER_FILE = 'nginx-resolver.conf';

/** The nginx variable the resolver file defines: the domain appended to upstream names without a dot (or empty). */
export const DNS_SUFFIX_VARIABLE = 'pc_dns_suffix';

/** How long nginx keeps a resolved upstream address (and a failed lookup): `resolver ... valid=`. */
export const RESOLVER_VALID = '10s';

/** How long nginx waits for a nameserver's answer before the request fails with 502 (`resolver_timeout`). */
export const RESOLVER_TIMEOUT = '5s';

/** The nameserver when /etc/resolv.conf names none (every lookup then fails: the proxied paths answer 502). */
const FALLBACK_NAMESERVER = '127.0.0.1';

/** The path of the resolver file under the writable directory `tempDir`. */
export function resolverFilePath(tempDir: string): string {
  return `${tempDir === '/' ? '' : tempDir}/${RESOLVER_FILE}`;
}

/** The start command of the frontend and the comment above its CMD. */
export interface NginxStart {
  readonly command: string[];
  readonly comment: string;
}

/**
 * The frontend's CMD. Without proxies: nginx itself. With proxies: `/bin/sh -c` with one POSIX sh line (BusyBox ash
 * and dash; builtins only) that reads /etc/resolv.conf and writes `<tempDir>/nginx-resolver.conf`:
 * `resolver <nameservers, IPv6 in brackets> valid=10s;` and `map "" $pc_dns_suffix { default "<suffix>"; }`, where
 * the suffix is `.` + the first `search` domain when KUBERNETES_SERVICE_HOST is set (under ClusterFirst DNS,
 * `<namespace>.svc.<cluster domain>`: nginx's resolver does not apply search domains), else empty; then `exec`s nginx,
 * so nginx is PID 1 and receives the stop signal. Only characters that cannot break the file are taken from
 * resolv.conf (addresses of hex digits, `.` and `:`; a domain of letters, digits, `.` and `-`); the path is quoted.
 */
export function nginxStart(tempDir: string, proxied: boolean): NginxStart {
  if (!proxied) return { command: [...NGINX_ARGV], comment: 'nginx in the foreground, logging errors to stderr from the first line.' };
  const file = shellQuote(resolverFilePath(tempDir));
  const script = [
    `f=${file}`,
    'ns=',
    'sfx=',
    'if [ -r /etc/resolv.conf ]; then while read -r k v _ || [ -n "$k" ]; do case "$k" in'
      + ' nameserver) case "$v" in \'\'|*[!0-9A-Fa-f.:]*) ;; *:*) ns="$ns [$v]" ;; *) ns="$ns $v" ;; esac ;;'
      + ' search) [ -n "$sfx" ] || sfx="$v" ;;'
      + ' esac; done < /etc/resolv.conf; fi',
    'sfx="${sfx%.}"',
    'case "$sfx" in \'\'|.*|*[!A-Za-z0-9.-]*) sfx= ;; esac',
    'if [ -n "${KUBERNETES_SERVICE_HOST:-}" ] && [ -n "$sfx" ]; then sfx=".$sfx"; else sfx=; fi',
    `printf 'resolver%s valid=${RESOLVER_VALID};\\nmap "" $${DNS_SUFFIX_VARIABLE} {\\n    default "%s";\\n}\\n' "\${ns:- ${FALLBACK_NAMESERVER}}" "$sfx" > "$f" || exit 1`,
    `exec ${NGINX_ARGV.map(shellQuote).join(' ')}`,
  ].join('; ');
  return {
    command: ['/bin/sh', '-c', script],
    comment: `Writes ${resolverFilePath(tempDir)} (the nameservers of /etc/resolv.conf; under Kubernetes its first search domain for upstream names without a dot), then runs nginx as PID 1 (exec) in the foreground, logging errors to stderr.`,
  };
}
