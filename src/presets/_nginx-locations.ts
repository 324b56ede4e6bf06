// The static frontend's nginx extensions: reverse-proxy locations, gzip, cache headers and the escape hatch, validated and rendered.
import { checkInteger, checkNoControl, fail } from '../_validate';
import { NginxProxy } from './nginx-proxy';
import { Duration } from '../duration';
import { ContainerService } from '../service/container-service';

/** A validated proxy location. */
export interface ResolvedProxy {
  readonly path: string;
  readonly host: string;
  readonly port: number;
  readonly readTimeoutSeconds: number;
  /** The container name of the upstream service, for messages. */
  readonly serviceName: string;
}

const HOST_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * Validates the proxy locations of a frontend. The upstream port is read from the upstream's model.
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
    if (typeof p?.path !== 'string' || !/^\/([A-Za-z0-9._~-]+\/)+$/.test(p.path)) {
      fail(`${at}.path`, 'a location prefix like /api/: / then [A-Za-z0-9._~/-], ending in / (/ itself serves the static files)', p?.path);
    }
    if (out.some((o) => o.path === p.path)) fail(`${at}.path`, 'a prefix no other proxy of this frontend has', p.path);
    const captured = reserved.find((r) => r.startsWith(p.path));
    if (captured) fail(`${at}.path`, `a prefix that does not capture the frontend's own health-check path ${captured}`, p.path);
    if (!(p.service instanceof ContainerService)) fail(`${at}.service`, 'a ContainerService (e.g. the FastApiBackend)', p.service);
    if (p.service === self) fail(`${at}.service`, 'another container than the frontend itself', p.service.name);
    if (p.service.project !== self.project) fail(`${at}.service`, 'a container service of the same project', p.service.name);
    const listen = p.service._model.listen;
    if (listen.kind === 'none') fail(`${at}.service`, 'a container with a port (a service without a port answers no requests)', p.service.name);
    const port = listen.port;
    const host = p.host ?? p.service.name;
    if (typeof host !== 'string' || !HOST_RE.test(host)) fail(`${at}.host`, 'a lowercase DNS name (the Compose service or Kubernetes Service name)', host);
    const timeout = p.readTimeout ?? Duration.seconds(60);
    if (!(timeout instanceof Duration)) fail(`${at}.readTimeout`, 'a Duration', timeout);
    const ms = timeout.toMilliseconds();
    if (ms % 1000 !== 0) fail(`${at}.readTimeout`, 'whole seconds', timeout.toString());
    out.push({ path: p.path, host, port, readTimeoutSeconds: checkInteger(`${at}.readTimeout`, ms / 1000, 1, 3600), serviceName: p.service.name });
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
    if (m && depth === 0) fail(`${path}[${i}]`, `a directive other than ${m[1]} (the model writes it: port, user, pid, temp paths and root come from the frontend's options)`, l);
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

/** The proxy location of one upstream. */
export function proxyLines(p: ResolvedProxy, indent: string): string[] {
  const i2 = `${indent}    `;
  return [
    `${indent}# Reverse proxy to ${p.serviceName} (its Compose service / Kubernetes Service name and model port); the path is passed on unchanged.`,
    `${indent}location ^~ ${p.path} {`,
    `${i2}proxy_pass http://${p.host}:${p.port};`,
    `${i2}proxy_http_version 1.1;`,
    `${i2}proxy_set_header Connection "";`,
    `${i2}proxy_set_header Host $host;`,
    `${i2}proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`,
    `${i2}proxy_set_header X-Forwarded-Proto $scheme;`,
    `${i2}proxy_set_header X-Forwarded-Host $host;`,
    `${i2}proxy_read_timeout ${p.readTimeoutSeconds}s;`,
    `${indent}}`,
  ];
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
