/**
 * Rules on a Kubernetes container alone (its paired image, when known, only grades them): missing probes,
 * identical liveness and readiness, probe ports, localhost, a timeout longer than the period.
 */
import { Finding, finding } from './_finding';
import { commandOf } from './_image';
import { DockerImage, K8sContainer, K8sService, ProbeFacts, ipv4Only, selects } from '../read';

/** The container's name in messages: `<Kind>/<workload>/<container>`. */
export function containerLabel(c: K8sContainer): string {
  return c.kind === 'PodSpec' ? c.name : `${c.kind}/${c.workload}/${c.name}`;
}

function handler(p: ProbeFacts): string {
  return JSON.stringify([p.kind, p.path ?? null, p.port ?? null, p.host ?? null, p.command ?? null, p.service ?? null]);
}

/**
 * A path named for the dependencies it checks (`/health/deps`, `/healthz/deep`), or Spring Boot's aggregate
 * `/actuator/health` (database, broker and other indicators; its `/liveness` group is the process only).
 */
export const DEPENDENCY_PATH = /(^|\/)healthz?\/(deps|dependencies|deep|full|all|db|database)(\/|$|\?)|^\/actuator\/health\/?(\?|$)/i;

/**
 * Identical liveness and readiness handlers, only where the checker sees the harm: a path named for the
 * dependencies it checks, used as liveness (a dependency outage restarts every replica). The same simple endpoint
 * for both is the Kubernetes docs' "common pattern" and is not reported, whatever the thresholds; nor is tcpSocket
 * (a port cannot check a dependency).
 */
function identicalProbes(c: K8sContainer): Finding[] {
  const l = c.liveness;
  const r = c.readiness;
  if (!l || !r || handler(l) !== handler(r) || l.kind !== 'httpGet') return [];
  const path = l.path ?? '/';
  if (!DEPENDENCY_PATH.test(path)) return [];
  const window = (p: ProbeFacts) => p.periodSeconds * p.failureThreshold;
  const timing = `periodSeconds x failureThreshold: liveness ${window(l)}s, readiness ${window(r)}s`;
  return [finding('PC013', c.file, l.pathLine ?? l.line, containerLabel(c),
    `livenessProbe and readinessProbe both check GET ${path}, a path named for the dependencies it checks (${timing}): ${window(l) <= window(r)
      ? 'a dependency outage fails liveness as soon as readiness and restarts every replica'
      : 'a dependency outage longer than the liveness window restarts every replica'}`)];
}

/**
 * A folder of examples, documentation or contributed extras: what it deploys demonstrates the project (`examples/`,
 * `docs/`, `documentation/`, `demo/`, `contrib/`: the conventional folder of community-contributed, unmaintained
 * extras beside the project's own deployment).
 */
const DEMO_TREE = /(^|\/)(examples?|docs?|documentation|demos?|contrib)(\/|$)/i;

/**
 * Port names for monitoring and probing (`metrics`, `healthz`, `pprof`): what a Service routing to them carries is
 * scrapes and checks, not the clients' traffic a readinessProbe gates.
 */
export const MONITORING_PORT = /^(metrics|[\w-]*-metrics|metrics-[\w-]*|http-metrics|healthz?|[\w-]*-health|health-[\w-]*|probes?|liveness|readiness|pprof|profiling|debug)$/i;

/**
 * Whether a Service routes clients' traffic to the container, so that a readinessProbe gates something. Evidence
 * first: when Services read in the same run select the pod (selector labels in its template labels), the container
 * takes traffic when one of them targets a port of the container (by number or name) that is not a monitoring port
 * (neither the Service port's nor the container port's name is `metrics`, `healthz`, ...). Without a selecting
 * Service (none read, or it is elsewhere) the container's own ports decide: any port not named for monitoring.
 */
export function takesTraffic(c: K8sContainer, services: readonly K8sService[]): boolean {
  const mine = (target: number | string) => c.ports.find((p) => (typeof target === 'number' ? p.containerPort === target : p.name === target));
  const selecting = services.filter((s) => selects(s, c.podLabels));
  if (selecting.length > 0) {
    return selecting.some((s) => s.ports.some((sp) => {
      const port = mine(sp.target);
      return port !== undefined && !MONITORING_PORT.test(sp.name ?? '') && !MONITORING_PORT.test(port.name ?? '');
    }));
  }
  return c.ports.some((p) => !MONITORING_PORT.test(p.name ?? ''));
}

/**
 * PC012 and the container's own probe rules. A missing probe is reported on a container that serves (declares a
 * containerPort) and is the project's own (not a demo workload: an image not built here, or built from a Dockerfile
 * of a tree not deployed (`imageDeployed` false), in an examples, docs or contrib folder); a missing readinessProbe only when a Service routes traffic to it (`takesTraffic`): a controller with a
 * livenessProbe and only a metrics port needs none. Jobs and CronJobs are not expected to have probes.
 */
export function probeRules(c: K8sContainer, image?: DockerImage, services: readonly K8sService[] = [], imageDeployed = true): Finding[] {
  const out: Finding[] = [];
  const subject = containerLabel(c);
  // Not the project's own: an image not built here, or built from a Dockerfile of a tree not deployed (a test
  // image, `deploy/tests/images/echo`, that an example borrows as its backend).
  const demo = (!image || !imageDeployed) && DEMO_TREE.test(c.file.split(/[\\/]/).slice(0, -1).join('/'));
  if (!c.runsToCompletion && c.ports.length > 0 && !demo) {
    const missing = [
      ...(c.liveness ? [] : ['livenessProbe']),
      ...(c.readiness || (c.liveness && !takesTraffic(c, services)) ? [] : ['readinessProbe']),
    ];
    if (missing.length > 0) {
      out.push(finding('PC012', c.file, c.line, subject, `container ${c.name} has no ${missing.join(' and no ')}`));
    }
  }
  out.push(...identicalProbes(c));
  const names = c.ports.map((p) => p.name).filter((n): n is string => n !== undefined);
  const v4 = image ? ipv4Only(commandOf(image)) : false;
  for (const [field, p] of [['startupProbe', c.startup], ['livenessProbe', c.liveness], ['readinessProbe', c.readiness]] as const) {
    if (!p) continue;
    // A port from a variable (`${PORT:-9003}`, envsubst templates) is not known. A named port must be one the
    // container declares (the kubelet resolves it there); a number is probed whether declared or not.
    if (typeof p.port === 'string' && !/^\d+$/.test(p.port) && !/[${]/.test(p.port) && (p.kind === 'httpGet' || p.kind === 'tcpSocket' || p.kind === 'grpc')
      && !names.includes(p.port)) {
      out.push(finding('PC003', c.file, p.portLine ?? p.line, subject,
        `${field} port ${JSON.stringify(p.port)} is not a declared containerPort (${c.ports.map((x) => (x.name ? `${x.name}=${x.containerPort}` : String(x.containerPort))).join(', ') || 'none'}): the probe cannot resolve it`));
    }
    if (p.host?.toLowerCase() === 'localhost' || (p.command ?? []).some((w) => /\blocalhost\b/i.test(w))) {
      out.push(finding('PC017', c.file, p.line, subject, v4
        ? `${field} uses localhost and the server binds IPv4 only (${commandOf(image!).join(' ')}): localhost may resolve to ::1 first`
        : `${field} uses localhost; it may resolve to ::1 first (fine when the server also listens on IPv6)`, v4 ? 'warning' : 'info'));
    }
    if (p.timeoutSeconds > p.periodSeconds) {
      out.push(finding('PC020', c.file, p.lines.timeoutSeconds ?? p.line, subject,
        `${field}.timeoutSeconds ${p.timeoutSeconds} is longer than its periodSeconds ${p.periodSeconds}${p.lines.periodSeconds === undefined ? ' (Kubernetes default)' : ''}: a hung check delays the next ones, so failures are detected later than periodSeconds x failureThreshold`));
    }
  }
  return out;
}
