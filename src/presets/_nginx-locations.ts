// The static frontend's nginx extensions: reverse-proxy locations, gzip, cache headers and the escape hatch, validated and rendered.
import { checkInteger, checkKnownKeys, checkNoControl, fail } from '../_validate';
import { DNS_SUFFIX_VARIABLE, RESOLVER_TIMEOUT, RESOLVER_VALID, resolverFilePath } from './_nginx-start';
import { NginxProxy } from './nginx-proxy';
import { Duration } from '../duration';
import { ContainerService } from '../service/container-service';

/** A validated proxy route. */
export interface ResolvedProxy {
  /** The path as given, for messages. */
  readonly path: string;
  /** Exact: the path itself; prefix: the path without its trailing `/`. */
  readonly match: string;
  readonly exact: boolean;
  /**
   * What replaces `match` in the path the upstream sees: undefined keeps the path unchanged, `''` removes the
   * prefix (`stripPrefix`), `/orders` puts that prefix in its place (`upstreamPath`).
   */
  readonly replacement?: string;
  readonly host: string;
  /** The host has no dot: under Kubernetes it gets the namespace domain (`$pc_dns_suffix`). */
  readonly qualify: boolean;
  readonly port: number;
  readonly connectTimeoutSeconds: number;
  readonly sendTimeoutSeconds: number;
  readonly readTimeoutSeconds: number;
  /** `client_max_body_size` in nginx's size syntax (`1m`, `512k`, bytes). */
  readonly maxBodySize: string;
  readonly webSocket: boolean;
  /** The upstream service (Compose depends on it) and its container name, for messages. */
  readonly service: ContainerService;
  readonly serviceName: string;
}

/** Every key of `NginxProxy` (a route given as a variable or from JavaScript is not checked by the compiler). */
const NGINX_PROXY_KEYS: Record<keyof NginxProxy, true> = {
  path: true,
  exact: true,
  stripPrefix: true,
  upstreamPath: true,
  service: true,
  host: true,
  connectTimeout: true,
  sendTimeout: true,
  readTimeout: true,
  maxBodySize: true,
  webSocket: true,
};

const HOST_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const PATH_RE = /^(\/[A-Za-z0-9._~-]+)+\/?$/;

/** A proxy timeout: a Duration of whole seconds from 1 to `max`. */
function proxySeconds(path: string, d: Duration | undefined, max: number): number {
  const value = d ?? Duration.seconds(60);
  if (!(value instanceof Duration)) fail(path, 'a Duration', value);
  const ms = value.toMilliseconds();
  if (ms % 1000 !== 0) fail(path, 'whole seconds', value.toString());
  return checkInteger(path, ms / 1000, 1, max);
}

/** A byte count in nginx's size syntax: `g`, `m`, `k` when it divides evenly, else bytes. */
function nginxSize(bytes: number): string {
  for (const [unit, n] of [['g', 1024 ** 3], ['m', 1024 ** 2], ['k', 1024]] as const) {
    if (bytes > 0 && bytes % n === 0) return `${bytes / n}${unit}`;
  }
  return String(bytes);
}

/** The nginx locations of a route: `= <path>` for an exact one; `= <prefix>` and `^~ <prefix>/` for a prefix. */
export function locationsOf(p: Pick<ResolvedProxy, 'match' | 'exact'>): string[] {
  return p.exact ? [`= ${p.match}`] : [`= ${p.match}`, `^~ ${p.match}/`];
}

/**
 * Validates the proxy routes of a frontend. The upstream port is read from the upstream's model.
 * @param self the frontend (a proxy to itself is refused)
 * @param reserved exact paths nginx already answers (the health-check locations), which a proxy may not capture
 */
export function resolveProxies(
  path: string,
  proxies: readonly NginxProxy[] | undefined,
  self: ContainerService,
  reserved: readonly string[],
): ResolvedProxy[] {
  const out: ResolvedProxy[] = [];
  (proxies ?? []).forEach((p, i) => {
    const at = `${path}.proxies[${i}]`;
    checkKnownKeys(at, p, NGINX_PROXY_KEYS, 'NginxProxy');
    if (typeof p?.path !== 'string' || !PATH_RE.test(p.path) || p.path.split('/').some((s) => s === '.' || s === '..')) {
      fail(`${at}.path`, 'a request path like /api or /api/orders/: / then segments of [A-Za-z0-9._~-] (no . or ..), an optional trailing / (/ itself serves the static files)', p?.path);
    }
    for (const flag of ['exact', 'stripPrefix', 'webSocket'] as const) {
      if (p[flag] !== undefined && typeof p[flag] !== 'boolean') fail(`${at}.${flag}`, 'true or false', p[flag]);
    }
    const exact = p.exact ?? false;
    const match = exact ? p.path : p.path.replace(/\/$/, '');
    const locations = locationsOf({ match, exact });
    const clash = out.find((o) => locationsOf(o).some((l) => locations.includes(l)));
    if (clash) fail(`${at}.path`, `a path no other proxy of this frontend has (${clash.path}${clash.exact ? ', exact' : ''} is written as location ${locationsOf(clash).join(' and ')})`, p.path);
    const captured = reserved.find((r) => r === match || (!exact && r.startsWith(`${match}/`)));
    if (captured) fail(`${at}.path`, `a path that does not capture the frontend's own health-check path ${captured}`, p.path);
    if (!(p.service instanceof ContainerService)) fail(`${at}.service`, 'a ContainerService (e.g. the FastApiBackend)', p.service);
    if (p.service === self) fail(`${at}.service`, 'another container than the frontend itself', p.service.name);
    if (p.service.project !== self.project) fail(`${at}.service`, 'a container service of the same project', p.service.name);
    const listen = p.service._model.listen;
    if (listen.kind === 'none') fail(`${at}.service`, 'a container with a port (a service without a port answers no requests)', p.service.name);
    const host = p.host ?? p.service.name;
    if (typeof host !== 'string' || !HOST_RE.test(host) || host.length > 253) fail(`${at}.host`, 'a lowercase DNS name (the Compose service or Kubernetes Service name)', host);
    if (p.upstreamPath !== undefined && (typeof p.upstreamPath !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(p.upstreamPath) || p.upstreamPath.split('/').some((s) => s === '.' || s === '..'))) {
      fail(`${at}.upstreamPath`, 'a path like /orders: / then segments of [A-Za-z0-9._~-] (no . or ..), no trailing / (stripPrefix: true removes the prefix instead)', p.upstreamPath);
    }
    if (p.upstreamPath !== undefined && p.stripPrefix) fail(`${at}.upstreamPath`, 'unset when stripPrefix is true (stripPrefix removes the path; upstreamPath replaces it)', p.upstreamPath);
    const maxBody = p.maxBodySize ?? 1024 * 1024;
    checkInteger(`${at}.maxBodySize`, maxBody, 0, 1024 ** 4);
    out.push({
      path: p.path,
      match,
      exact,
      replacement: p.upstreamPath ?? (p.stripPrefix ? '' : undefined),
      host,
      qualify: !host.includes('.'),
      port: listen.port,
      connectTimeoutSeconds: proxySeconds(`${at}.connectTimeout`, p.connectTimeout, 75),
      sendTimeoutSeconds: proxySeconds(`${at}.sendTimeout`, p.sendTimeout, 3600),
      readTimeoutSeconds: proxySeconds(`${at}.readTimeout`, p.readTimeout, 3600),
      maxBodySize: nginxSize(maxBody),
      webSocket: p.webSocket ?? false,
      service: p.service,
      serviceName: p.service.name,
    });
  });
  return out;
}

/** Directives no extra line may set: the model writes them (port, user, pid, temp paths). */
const OWNED = /^\s*(listen|user|pid|client_body_temp_path|proxy_temp_path|fastcgi_temp_path|uwsgi_temp_path|scgi_temp_path|root)\b/;

/**
 * Validates escape-hatch lines: one nginx line each, no control characters, braces balanced over the whole list,
 * and none of the directives the model owns.
 */
export function checkExtraLines(path: string, lines: readonly string[] | undefined): string[] {
  const out = [...(lines ?? [])];
  let depth = 0;
  out.forEach((l, i) => {
    checkNoControl(`${path}[${i}]`, l);
    const m = OWNED.exec(l);
    if (m && depth === 0) fail(`${path}[${i}]`, `a directive other than ${m[1]} (the model writes it: port, user, pid, temp paths and root come from the frontend's options${m[1] === 'listen' ? '; for an IPv6 listen set ipv6: true' : ''})`, l);
    if (l.includes('#')) fail(`${path}[${i}]`, 'a line without # (comments would swallow the rest of the line)', l);
    const t = l.trim();
    if (t !== '' && !/[;{}]$/.test(t)) fail(`${path}[${i}]`, 'a directive ending in ; or a block line ending in { or }', l);
    for (const ch of l) {
      if (ch === '{') depth++;
      if (ch === '}') depth--;
      if (depth < 0) fail(`${path}[${i}]`, 'lines whose braces balance (a } here closes a block opened before this list)', l);
    }
  });
  if (depth !== 0) fail(path, 'lines whose braces balance', `${depth} unclosed {`);
  return out;
}

/** The gzip directives: compressed text answers for clients that accept them (text/html is always included). */
export function gzipLines(indent: string): string[] {
  return [
    `${indent}# Compressed text answers (text/html is always included); Vary: Accept-Encoding for caches.`,
    `${indent}gzip on;`,
    `${indent}gzip_vary on;`,
    `${indent}gzip_proxied any;`,
    `${indent}gzip_min_length 1024;`,
    `${indent}gzip_types text/css text/plain text/xml application/javascript application/json application/xml image/svg+xml application/manifest+json;`,
  ];
}

/** A regular expression matching the path `text` literally (of the path characters, only `.` is special). */
function literal(text: string): string {
  return text.replace(/[.]/g, '\\.');
}

/**
 * The `http` block lines the proxies need: the resolver file the start command writes (upstream names resolved per
 * request), and the WebSocket `Connection` map when a proxy passes upgrades.
 */
export function proxyHttpLines(proxies: readonly ResolvedProxy[], tempDir: string, indent: string): string[] {
  if (proxies.length === 0) return [];
  const i2 = `${indent}    `;
  const lines = [
    `${indent}# Proxy upstreams are resolved when a request needs them (proxy_pass through a variable), not when nginx starts:`,
    `${indent}# nginx starts before they exist and answers 502 on their paths until they resolve. The start command writes`,
    `${indent}# this file from /etc/resolv.conf: the resolver (its nameservers, answers kept ${RESOLVER_VALID}) and $${DNS_SUFFIX_VARIABLE}`,
    `${indent}# (under Kubernetes the first search domain, for upstream names without a dot; nginx applies no search domains).`,
    `${indent}include ${resolverFilePath(tempDir)};`,
    `${indent}resolver_timeout ${RESOLVER_TIMEOUT};`,
  ];
  if (proxies.some((p) => p.webSocket)) {
    lines.push(
      '',
      `${indent}# WebSocket upgrades (proxies with webSocket: true): Connection: upgrade when the client asks for one, else close.`,
      `${indent}map $http_upgrade $pc_connection_upgrade {`,
      `${i2}default upgrade;`,
      `${i2}'' close;`,
      `${indent}}`,
    );
  }
  return lines;
}

/** The locations of one proxy route (index `n`: its upstream variable is `$pc_upstream_<n>`). */
export function proxyLines(p: ResolvedProxy, n: number, indent: string): string[] {
  const i2 = `${indent}    `;
  const variable = `$pc_upstream_${n}`;
  // $pc_dns_suffix without braces: the variable name ends at the `:` (and no `}` inside the location block).
  const upstream = `${p.host}${p.qualify ? `$${DNS_SUFFIX_VARIABLE}` : ''}:${p.port}`;
  const what = p.exact ? `${p.match} exactly` : `${p.match} and everything under ${p.match}/`;
  const how = p.replacement === undefined ? 'the path unchanged' : p.replacement === '' ? `the path without ${p.match}` : `${p.match} replaced by ${p.replacement}`;
  const lines = [
    `${indent}# Reverse proxy to ${p.serviceName} (its Compose service / Kubernetes Service name and model port): ${what}, ${how}, never a redirect.`,
  ];
  for (const location of locationsOf(p)) {
    const rewrite = p.replacement === undefined
      ? []
      : location.startsWith('=')
        ? [`${i2}rewrite ^ ${p.replacement || '/'} break;`]
        : [`${i2}rewrite ^${literal(p.match)}(/.*)$ ${p.replacement}$1 break;`];
    lines.push(
      `${indent}location ${location} {`,
      `${i2}set ${variable} ${upstream};`,
      ...rewrite,
      `${i2}proxy_pass http://${variable};`,
      `${i2}proxy_http_version 1.1;`,
      ...(p.webSocket
        ? [`${i2}proxy_set_header Upgrade $http_upgrade;`, `${i2}proxy_set_header Connection $pc_connection_upgrade;`]
        : [`${i2}proxy_set_header Connection "";`]),
      `${i2}proxy_set_header Host $host;`,
      `${i2}proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`,
      `${i2}proxy_set_header X-Forwarded-Proto $scheme;`,
      `${i2}proxy_set_header X-Forwarded-Host $host;`,
      `${i2}proxy_connect_timeout ${p.connectTimeoutSeconds}s;`,
      `${i2}proxy_send_timeout ${p.sendTimeoutSeconds}s;`,
      `${i2}proxy_read_timeout ${p.readTimeoutSeconds}s;`,
      `${i2}client_max_body_size ${p.maxBodySize};`,
      `${indent}}`,
    );
  }
  return lines;
}

/**
 * The static-file locations: hashed assets cached for a year (immutable), index.html never cached, and the
 * single-page-app fallback for navigations only: a missing path with a file extension is a 404, not index.html.
 */
export function staticLines(indent: string, assetsPath: string, spaFallback: boolean): string[] {
  const i2 = `${indent}    `;
  const lines = [
    `${indent}# Hashed build assets (${assetsPath}): their names change with their content, so caches keep them a year.`,
    `${indent}location ^~ ${assetsPath} {`,
    `${i2}add_header Cache-Control "public, max-age=31536000, immutable" always;`,
    `${i2}try_files $uri =404;`,
    `${indent}}`,
    '',
    `${indent}# index.html names the current assets: revalidated on every load, never served stale.`,
    `${indent}location = /index.html {`,
    `${i2}add_header Cache-Control "no-cache" always;`,
    `${indent}}`,
    '',
    `${indent}# A path with a file extension is a file: a missing one is a 404 (never index.html with status 200).`,
    `${indent}location ~ \\.[A-Za-z0-9]+$ {`,
    `${i2}try_files $uri =404;`,
    `${indent}}`,
    '',
  ];
  if (spaFallback) {
    lines.push(
      `${indent}# Single-page app: navigations (paths without an extension) get index.html, so client-side routes load.`,
      `${indent}location / {`,
      `${i2}try_files $uri $uri/ /index.html;`,
      `${indent}}`,
    );
  } else {
    lines.push(`${indent}# Static files only: unknown paths get 404.`, `${indent}location / {`, `${i2}try_files $uri $uri/ =404;`, `${indent}}`);
  }
  return lines;
}
