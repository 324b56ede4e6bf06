// The Compose renderer: one service per container, its healthcheck the shared Docker rendering.
import { relativeFrom } from './_common';
import { ComposeHealthcheck } from '../health/_docker-healthcheck';
import { ServiceModel } from '../service/_model';
import { rendered } from '../service/_rendered';

/** One Compose service with its dependencies (container names). */
export interface ComposeEntry {
  readonly model: ServiceModel;
  readonly dependsOn: string[];
}

/** One service of the Compose document. */
export interface ComposeService {
  readonly build: { readonly context: string; readonly dockerfile?: string; readonly target: string };
  readonly user: string;
  readonly read_only: boolean;
  readonly tmpfs: readonly string[];
  readonly cap_drop: readonly string[];
  readonly security_opt: readonly string[];
  /** Absent for a service without a port, as `ports`. */
  readonly expose?: readonly string[];
  /** What `docker compose stop` waits after SIGTERM (shutdownGracePeriod + 5 s). */
  readonly stop_grace_period?: string;
  readonly ports?: ReadonlyArray<{ readonly target: number; readonly published: number; readonly host_ip: string; readonly protocol: string }>;
  readonly healthcheck: ComposeHealthcheck;
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
}

/** Compose interpolates `$NAME` in every string; `$$` is a literal `$`. */
function esc(value: string): string {
  return value.replace(/\$/g, '$$$$');
}

/**
 * The Compose document: one service per container (built from its directory's final stage),
 * run as the image's numeric user with a read-only root filesystem, a tmpfs at each writable path,
 * no capabilities and no privilege escalation (the Kubernetes securityContext), the port published on
 * 127.0.0.1 when `publish`, and `depends_on` with `condition: service_healthy`. Every string that can
 * hold a `$` is escaped.
 */
export function renderCompose(file: string, entries: ComposeEntry[], publish: boolean): { readonly services: Record<string, ComposeService> } {
  const services: Record<string, ComposeService> = {};
  for (const { model: m, dependsOn } of entries) {
    const hc = rendered(m).docker.compose;
    // A service without a port (a worker) exposes and publishes nothing.
    const l = m.listen;
    const ports = l.kind === 'none' ? {} : {
      expose: [String(l.port)],
      ...(publish ? { ports: [{ target: l.port, published: l.port, host_ip: '127.0.0.1', protocol: 'tcp' }] } : {}),
    };
    services[m.name] = {
      build: {
        context: esc(relativeFrom(file, m.directory)),
        // The container's own Dockerfile when it shares its directory with another container.
        ...(m.dockerfilePath === `${m.directory}/Dockerfile` ? {} : { dockerfile: esc(m.dockerfilePath.slice(m.directory.length + 1)) }),
        target: m.stageName,
      },
      user: `${m.user.uid}:${m.user.gid}`,
      read_only: true,
      tmpfs: m.writablePaths.map(esc),
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      ...ports,
      healthcheck: { ...hc, test: hc.test.map(esc) },
      // What docker compose stop waits after SIGTERM before SIGKILL: the app's shutdown budget plus 5 s.
      ...(m.podGracePeriodSeconds === undefined ? {} : { stop_grace_period: `${m.podGracePeriodSeconds}s` }),
      ...(dependsOn.length > 0 ? { depends_on: Object.fromEntries(dependsOn.map((d) => [d, { condition: 'service_healthy' }])) } : {}),
    };
  }
  return { services };
}
