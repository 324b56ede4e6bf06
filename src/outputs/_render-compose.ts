// The Compose renderer: one service per container, its healthcheck the shared Docker rendering.
import { relativeFrom } from './_common';
import { ComposeHealthcheck } from '../health/_docker-healthcheck';
import { ServiceModel } from '../service/_model';
import { rendered } from '../service/_rendered';

/** One Compose service: the container's model, what it waits for, and its environment. */
export interface ComposeEntry {
  readonly model: ServiceModel;
  /** Service name to `depends_on` condition (`service_healthy`, `service_started`). */
  readonly dependsOn: ReadonlyMap<string, string>;
  /** Environment variables (name to literal value). */
  readonly environment?: Readonly<Record<string, string>>;
}

/** One service of the Compose document. */
export interface ComposeService {
  readonly build: { readonly context: string; readonly dockerfile?: string; readonly target: string };
  readonly environment?: Readonly<Record<string, string>>;
  readonly user: string;
  readonly read_only: boolean;
  readonly tmpfs: readonly string[];
  readonly cap_drop: readonly string[];
  readonly security_opt: readonly string[];
  /**
   * `net.ipv4.ip_unprivileged_port_start` with `lowPortSysctl` (Docker Engine 20.10+ sets it to 0 in a container with
   * its own network namespace already; written so the file says what the app needs). Absent without it.
   */
  readonly sysctls?: Readonly<Record<string, string>>;
  /** Absent for a service without a port, as `ports`. */
  readonly expose?: readonly string[];
  /** What `docker compose stop` waits after SIGTERM (shutdownGracePeriod + 5 s). */
  readonly stop_grace_period?: string;
  readonly ports?: ReadonlyArray<{ readonly target: number; readonly published: number; readonly host_ip: string; readonly protocol: string }>;
  /** The image's HEALTHCHECK; `disable: true` for a container without one (`noDockerHealthcheck`). */
  readonly healthcheck: ComposeHealthcheck | { readonly disable: true };
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
}

/** Compose interpolates `$NAME` in every string; `$$` is a literal `$`. */
function esc(value: string): string {
  return value.replace(/\$/g, '$$$$');
}

/** Plain data with every string value escaped (`esc`); keys are not interpolated and stay as they are. */
function escData(value: unknown): unknown {
  if (typeof value === 'string') return esc(value);
  if (Array.isArray(value)) return value.map(escData);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escData(v)]));
  return value;
}

/** The long `depends_on` form, by service name in sorted order. */
function dependsOnMap(dependsOn: ReadonlyMap<string, string>): Record<string, { readonly condition: string }> {
  return Object.fromEntries([...dependsOn].sort(([a], [b]) => (a < b ? -1 : 1)).map(([d, condition]) => [d, { condition }]));
}

/**
 * The Compose document: one service per container (built from its directory's final stage),
 * run as the image's numeric user with a read-only root filesystem, a tmpfs at each writable path,
 * no capabilities and no privilege escalation (the Kubernetes securityContext), `sysctls` with `lowPortSysctl`, the port published on
 * 127.0.0.1 when `publish`, its environment, and `depends_on` with each edge's condition; then the extra services
 * as given. Every string that can hold a `$` is escaped.
 */
export function renderCompose(
  file: string,
  entries: readonly ComposeEntry[],
  publish: boolean,
  extras: Readonly<Record<string, unknown>> = {},
): { readonly services: Record<string, unknown> } {
  const services: Record<string, unknown> = {};
  for (const { model: m, dependsOn, environment } of entries) {
    const { docker, kubernetes: { sysctls } } = rendered(m);
    const hc = docker?.compose;
    // The service port is exposed and published; the additional ports are exposed only (reached by other services, not
    // the host); a service without any port exposes and publishes nothing.
    const l = m.listen;
    const expose = [...(l.kind === 'none' ? [] : [String(l.port)]), ...m.additionalPorts.map((p) => (p.protocol === 'TCP' ? String(p.port) : `${p.port}/udp`))];
    const ports = {
      ...(expose.length === 0 ? {} : { expose }),
      ...(publish && l.kind === 'port' ? { ports: [{ target: l.port, published: l.port, host_ip: '127.0.0.1', protocol: 'tcp' }] } : {}),
    };
    const service: ComposeService = {
      build: {
        context: esc(relativeFrom(file, m.directory)),
        // The container's own Dockerfile when it shares its directory with another container.
        ...(m.dockerfilePath === `${m.directory}/Dockerfile` ? {} : { dockerfile: esc(m.dockerfilePath.slice(m.directory.length + 1)) }),
        target: m.stageName,
      },
      ...(environment === undefined ? {} : { environment: Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, esc(v)])) }),
      user: `${m.user.uid}:${m.user.gid}`,
      read_only: true,
      tmpfs: m.writablePaths.map(esc),
      cap_drop: ['ALL'],
      // The bare form: the daemon (moby parseSecurityOpt, to v29) takes it whole; `no-new-privileges:true` works too but
      // logs "Security options with `:` as a separator are deprecated" at every container start (seen under real Compose).
      security_opt: ['no-new-privileges'],
      // lowPortSysctl: the non-root process binds its port below 1024 through the namespaced sysctl (never a capability).
      ...(sysctls.length === 0 ? {} : { sysctls: Object.fromEntries(sysctls.map((s) => [s.name, s.value])) }),
      ...ports,
      // No Docker check (noDockerHealthcheck): disabled here as in the image (HEALTHCHECK NONE), written explicitly.
      healthcheck: hc === undefined ? { disable: true } : { ...hc, test: hc.test.map(esc) },
      // What docker compose stop waits after SIGTERM before SIGKILL: the app's shutdown budget plus 5 s.
      ...(m.podGracePeriodSeconds === undefined ? {} : { stop_grace_period: `${m.podGracePeriodSeconds}s` }),
      ...(dependsOn.size > 0 ? { depends_on: dependsOnMap(dependsOn) } : {}),
    };
    services[m.name] = service;
  }
  for (const [name, spec] of Object.entries(extras)) services[name] = escData(spec);
  return { services };
}
