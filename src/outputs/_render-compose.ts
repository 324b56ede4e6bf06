import { relativeFrom } from './_common';
import { ServiceModel } from '../service/_service';

/** One Compose service with its dependencies (container names). */
export interface ComposeEntry {
  readonly model: ServiceModel;
  readonly dependsOn: string[];
}

/** Compose interpolates `$NAME` in every string; `$$` is a literal `$`. */
function escapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$');
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v)]));
  }
  return value;
}

/** The Compose `healthcheck` of the model: the image's HEALTHCHECK, every value written. */
export function composeHealthcheck(m: ServiceModel): Record<string, unknown> {
  const t = m.timing;
  return {
    test: ['CMD', ...m.checkCommand],
    interval: `${t.intervalSeconds}s`,
    timeout: `${t.timeoutSeconds}s`,
    start_period: `${t.startPeriodSeconds}s`,
    // Compose refuses start_interval on engines before 25, as docker build refuses --start-interval.
    ...(m.startIntervalFlag ? { start_interval: `${t.startIntervalSeconds}s` } : {}),
    retries: t.retries,
  };
}

/**
 * The Compose document: one service per container (built from its directory's final stage),
 * run as the image's numeric user with a read-only root filesystem, a tmpfs at each writable path,
 * no capabilities and no privilege escalation (the Kubernetes securityContext), the port published on
 * 127.0.0.1 when `publish`, and `depends_on` with `condition: service_healthy`.
 */
export function renderCompose(file: string, entries: ComposeEntry[], publish: boolean): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const { model: m, dependsOn } of entries) {
    const s: Record<string, unknown> = {
      build: {
        context: relativeFrom(file, m.directory),
        // The container's own Dockerfile when it shares its directory with another container.
        ...(m.dockerfilePath === `${m.directory}/Dockerfile` ? {} : { dockerfile: m.dockerfilePath.slice(m.directory.length + 1) }),
        target: m.stageName,
      },
      user: `${m.user.uid}:${m.user.gid}`,
      read_only: true,
      tmpfs: [...m.writablePaths],
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
    };
    // A service without a port (a worker) exposes and publishes nothing.
    if (m.port !== undefined) s.expose = [String(m.port)];
    if (publish && m.port !== undefined) s.ports = [{ target: m.port, published: m.port, host_ip: '127.0.0.1', protocol: 'tcp' }];
    s.healthcheck = composeHealthcheck(m);
    // What docker compose stop waits after SIGTERM before SIGKILL: the app's shutdown budget plus 5 s.
    if (m.podGracePeriodSeconds !== undefined) s.stop_grace_period = `${m.podGracePeriodSeconds}s`;
    if (dependsOn.length > 0) {
      s.depends_on = Object.fromEntries(dependsOn.map((d) => [d, { condition: 'service_healthy' }]));
    }
    services[m.name] = s;
  }
  return escapeDollars({ services }) as Record<string, unknown>;
}
