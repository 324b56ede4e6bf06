// The nginx.conf renderer of StaticFrontend: non-root nginx on the model port, writable paths under the first writable path.
import { gzipLines, proxyHttpLines, proxyLines, ResolvedProxy, staticLines } from './_nginx-locations';
import { ResolvedCheck } from '../health/_resolved';
import { HealthCheckKind } from '../health/health-check-kind';

/** What nginx.conf needs of the model. */
export interface NginxConfModel {
  readonly port: number;
  /** Listen on the IPv6 wildcard too (the model's `ipv6`). */
  readonly ipv6: boolean;
  /** Writable directory for the pid file and temp paths (the first writable path). */
  readonly tempDir: string;
  readonly root: string;
  readonly readiness: ResolvedCheck;
  readonly liveness: ResolvedCheck;
  readonly spaFallback: boolean;
  /** Reverse-proxy locations to other containers. */
  readonly proxies: readonly ResolvedProxy[];
  readonly gzip: boolean;
  /** The hashed-assets prefix (cached for a year), e.g. `/assets/`. */
  readonly assetsPath: string;
  /** Escape hatch: lines added to the `http` block and to the `server` block. */
  readonly extraHttp: readonly string[];
  readonly extraServer: readonly string[];
}

/**
 * A main nginx.conf for a non-root user: no `user` directive, pid and every *_temp_path under a
 * writable directory, `listen` on the model's port; so it also runs with a read-only root filesystem.
 */
export function renderNginxConf(marker: string | undefined, m: NginxConfModel): string {
  const t = m.tempDir === '/' ? '' : m.tempDir;
  const lines: string[] = [];
  if (marker) lines.push(`# ${marker}`, '');
  lines.push(
    '# Main configuration for nginx running as a non-root user (https://nginx.org/en/docs/switch_to_non_root.html):',
    '# no `user` directive (the image USER applies), pid and temp files under a writable directory.',
    'worker_processes auto;',
    `pid ${t}/nginx.pid;`,
    'error_log stderr warn;',
    '',
    'events {',
    '    worker_connections 1024;',
    '}',
    '',
    'http {',
    '    include /etc/nginx/mime.types;',
    '    default_type application/octet-stream;',
    '    access_log /dev/stdout;',
    '    server_tokens off;',
    '    sendfile on;',
    '    keepalive_timeout 65;',
    '',
    `    # Temp files go to ${m.tempDir} (an emptyDir in Kubernetes, a tmpfs with docker run --read-only).`,
    `    client_body_temp_path ${t}/client_temp;`,
    `    proxy_temp_path ${t}/proxy_temp;`,
    `    fastcgi_temp_path ${t}/fastcgi_temp;`,
    `    uwsgi_temp_path ${t}/uwsgi_temp;`,
    `    scgi_temp_path ${t}/scgi_temp;`,
    '',
  );
  if (m.proxies.length > 0) lines.push(...proxyHttpLines(m.proxies, m.tempDir, '    '), '');
  if (m.gzip) lines.push(...gzipLines('    '), '');
  if (m.extraHttp.length > 0) lines.push('    # Added by the extraHttpDirectives option.', ...m.extraHttp.map((l) => `    ${l}`), '');
  lines.push(
    '    server {',
    '        # The one port of the model: EXPOSE, the HEALTHCHECK URL, containerPort and the probes use it too.',
    `        listen ${m.port};`,
    ...(m.ipv6 ? ['        # ipv6: the same port on the IPv6 wildcard too (dual-stack pods and hosts).', `        listen [::]:${m.port};`] : []),
    '        server_name _;',
    `        root ${m.root};`,
    '        index index.html;',
    '        # Redirects (e.g. a directory without its trailing slash) stay relative: no internal port in Location.',
    '        absolute_redirect off;',
  );
  const readyPath = m.readiness.kind === HealthCheckKind.HTTP_GET ? m.readiness.path.split('?')[0] : undefined;
  const livePath = m.liveness.kind === HealthCheckKind.HTTP_GET ? m.liveness.path.split('?')[0] : undefined;
  if (livePath !== undefined && livePath !== '/') {
    lines.push(
      '',
      '        # Liveness probe and HEALTHCHECK: answered by nginx itself, so it checks the process only.',
      `        location = ${livePath} {`,
      '            access_log off;',
      '            default_type text/plain;',
      '            return 200 "ok\\n";',
      '        }',
    );
  }
  if (readyPath !== undefined && readyPath !== '/' && readyPath !== livePath) {
    lines.push(
      '',
      '        # Readiness probe: 200 only while the app\'s index.html is in place, else 503.',
      `        location = ${readyPath} {`,
      '            access_log off;',
      '            try_files /index.html =503;',
      '        }',
    );
  }
  m.proxies.forEach((p, n) => lines.push('', ...proxyLines(p, n, '        ')));
  lines.push('', ...staticLines('        ', m.assetsPath, m.spaFallback));
  if (m.extraServer.length > 0) lines.push('', '        # Added by the extraServerDirectives option.', ...m.extraServer.map((l) => `        ${l}`));
  lines.push('    }', '}');
  return lines.join('\n') + '\n';
}
