// The Kubernetes renderer: the container's probes, port, securityContext and writable mounts as typed ContainerProbeSet data.
import {
  ContainerProbeSet,
  EmptyDirVolumeSpec,
  ExecActionSpec,
  GrpcActionSpec,
  HttpGetActionSpec,
  ProbeSpec,
  SysctlSpec,
  TcpSocketActionSpec,
} from './container-probe-set';
import { Listen, ResolvedPort } from '../container/_listen';
import { portNameOf } from '../container/_ports';
import { ResolvedUser } from '../container/_user';
import { ResolvedReadinessTiming } from '../health/_readiness-timing';
import { ResolvedCheck } from '../health/_resolved';
import { ResolvedTiming } from '../health/_timing';
import { HealthCheckKind } from '../health/health-check-kind';
import { StartPeriodMapping } from '../health/start-period-mapping';

/** What the Kubernetes fragment needs of a container. */
export interface ProbeModel {
  readonly name: string;
  /** A named port (`ports`, and the port the probes refer to), or none (a worker: no `ports`, exec probes only). */
  readonly listen: Listen;
  /** The other declared ports (`additionalPorts`): `ports` after the service port; a check may use a TCP one. */
  readonly additionalPorts: readonly ResolvedPort[];
  /**
   * The pod sysctl `net.ipv4.ip_unprivileged_port_start` (`lowPortSysctl`): the lowest port, below 1024, that the
   * non-root process binds; undefined: not written (every port is from 1024).
   */
  readonly unprivilegedPortStart?: number;
  readonly user: ResolvedUser;
  readonly liveness: ResolvedCheck;
  /** Undefined: no readinessProbe (only a service without a port). */
  readonly readiness?: ResolvedCheck;
  readonly timing: ResolvedTiming;
  readonly mapping: StartPeriodMapping;
  /** startupProbe.failureThreshold: `ceil(startPeriod / startInterval) + 1`, the smallest whose startup budget covers the start period (`health/_startup-budget.ts`). */
  readonly startupFailureThreshold: number;
  readonly writablePaths: readonly string[];
  /** readinessProbe.successThreshold. */
  readonly readinessSuccessThreshold: number;
  /** The readinessProbe's own period, timeout and thresholds. */
  readonly readinessTiming: ResolvedReadinessTiming;
  /** The pod's terminationGracePeriodSeconds (shutdownGracePeriod + 5 s); undefined: not written. */
  readonly podGracePeriodSeconds?: number;
  /** Probe-level terminationGracePeriodSeconds of the liveness and startup probes; undefined: the pod's. */
  readonly probeGracePeriodSeconds?: number;
}

/** The container entry of the PodSpec fragment: the probe set without the pod-level volumes. */
export type KubeContainer = Omit<ContainerProbeSet, 'volumes'>;

/** The sysctl that lets a non-root process bind ports from its value up (a "safe", namespaced sysctl since Kubernetes 1.22). */
export const UNPRIVILEGED_PORT_SYSCTL = 'net.ipv4.ip_unprivileged_port_start';

/** The PodSpec fragment of one container: the container, its emptyDir volumes and the pod sysctls it needs. */
export interface PodSpecFragment {
  readonly container: KubeContainer;
  readonly volumes: readonly EmptyDirVolumeSpec[];
  /** The pod `securityContext.sysctls` (`lowPortSysctl`); empty: none written. */
  readonly sysctls: readonly SysctlSpec[];
}

/** One probe handler; exactly one field is set. */
interface ProbeHandler {
  readonly httpGet?: HttpGetActionSpec;
  readonly tcpSocket?: TcpSocketActionSpec;
  readonly grpc?: GrpcActionSpec;
  readonly exec?: ExecActionSpec;
}

/**
 * The probe handler: an exec check as it is, the others on the named port of the check (the service port, or one
 * of `additionalPorts`). `host` is never written: the kubelet probes the pod IP from outside.
 */
export function probeHandler(check: ResolvedCheck, listen: Listen, additional: readonly ResolvedPort[]): ProbeHandler {
  if (check.kind === HealthCheckKind.EXEC) return { exec: { command: [...check.command] } };
  // The model gives a container that listens on no port exec checks only, and a check a declared port (resolveService).
  const name = portNameOf(listen, additional, check.port);
  if (listen.kind === 'none' || name === undefined) throw new Error(`a ${check.kind} check needs a declared port (${check.port})`);
  switch (check.kind) {
    case HealthCheckKind.TCP_SOCKET:
      return { tcpSocket: { port: name } };
    case HealthCheckKind.GRPC:
      // GRPCAction.port is a number: a named port is not accepted.
      return { grpc: { port: check.port, service: check.service } };
    default:
      return {
        httpGet: {
          path: check.path,
          port: name,
          scheme: check.scheme,
          httpHeaders: check.headers.map(([header, value]) => ({ name: header, value })),
        },
      };
  }
}

/**
 * The volume name of a writable path, prefixed with the container's name so that it cannot meet a volume of another
 * container of the pod (a sidecar's `tmp`): `backend` + `/tmp` -> `backend-tmp`, `frontend` + `/var/cache/nginx` ->
 * `frontend-var-cache-nginx`; an RFC 1123 label of at most 63 characters.
 */
export function volumeName(container: string, path: string): string {
  const name = path.replace(/^\/+|\/+$/g, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase().replace(/^-+|-+$/g, '');
  return `${container}-${name || 'root'}`.slice(0, 63).replace(/-+$/, '');
}

/**
 * The PodSpec fragment: the container (named port, startup/liveness/readiness probes, securityContext,
 * writable mounts) and its emptyDir volumes. Every probe field is written explicitly.
 */
export function podSpecFragment(m: ProbeModel): PodSpecFragment {
  const t = m.timing;
  const delay = m.mapping === StartPeriodMapping.INITIAL_DELAY ? t.startPeriodSeconds : 0;
  // Only liveness and startup probes take a probe-level grace period (readiness never kills the container).
  const grace = m.probeGracePeriodSeconds === undefined ? {} : { terminationGracePeriodSeconds: m.probeGracePeriodSeconds };
  const probe = (check: ResolvedCheck, successThreshold: number, withGrace: boolean): ProbeSpec => ({
    ...probeHandler(check, m.listen, m.additionalPorts),
    initialDelaySeconds: delay,
    periodSeconds: t.intervalSeconds,
    timeoutSeconds: t.timeoutSeconds,
    successThreshold,
    failureThreshold: t.retries,
    ...(withGrace ? grace : {}),
  });
  const startupProbe: ProbeSpec | undefined = m.mapping !== StartPeriodMapping.STARTUP_PROBE ? undefined : {
    ...probeHandler(m.liveness, m.listen, m.additionalPorts),
    initialDelaySeconds: 0,
    periodSeconds: t.startIntervalSeconds,
    // A startup check may not outlast its period; Docker uses --timeout here, capped the same way.
    timeoutSeconds: Math.min(t.timeoutSeconds, t.startIntervalSeconds),
    successThreshold: 1,
    failureThreshold: m.startupFailureThreshold,
    ...grace,
  };
  const r = m.readinessTiming;
  // The readinessProbe has its own timing (readinessTiming); a service without a port has none unless given.
  const readinessProbe: ProbeSpec | undefined = m.readiness === undefined ? undefined : {
    ...probeHandler(m.readiness, m.listen, m.additionalPorts),
    initialDelaySeconds: delay,
    periodSeconds: r.periodSeconds,
    timeoutSeconds: r.timeoutSeconds,
    successThreshold: r.successThreshold,
    failureThreshold: r.failureThreshold,
  };
  // The service port first, then the additional ports; a worker without any has no `ports` at all.
  const l = m.listen;
  const ports = [
    ...(l.kind === 'none' ? [] : [{ name: l.name, containerPort: l.port, protocol: 'TCP' }]),
    ...m.additionalPorts.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })),
  ];
  const container = {
    name: m.name,
    ...(ports.length === 0 ? {} : { ports }),
    ...(startupProbe === undefined ? {} : { startupProbe }),
    livenessProbe: probe(m.liveness, 1, true),
    ...(readinessProbe === undefined ? {} : { readinessProbe }),
    securityContext: {
      runAsUser: m.user.uid,
      runAsGroup: m.user.gid,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: m.writablePaths.map((p) => ({ name: volumeName(m.name, p), mountPath: p })),
  } as KubeContainer;
  // A port below 1024 (lowPortSysctl): the pod sysctl lets the non-root process bind from it up; sysctl values are strings.
  const sysctls = m.unprivilegedPortStart === undefined ? [] : [{ name: UNPRIVILEGED_PORT_SYSCTL, value: String(m.unprivilegedPortStart) }];
  return { container, volumes: m.writablePaths.map((p) => ({ name: volumeName(m.name, p), emptyDir: {} })), sysctls };
}

/** A deep copy of the fragment as the public probe set (callers may change it without touching the model). */
export function probeSet(f: PodSpecFragment): ContainerProbeSet {
  // A service without a port has an empty `ports` here (the snippet leaves the field out).
  return structuredClone({ ...f.container, ports: f.container.ports ?? [], volumes: [...f.volumes], sysctls: [...f.sysctls] });
}
