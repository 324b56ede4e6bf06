/**
 * Rules on a Kubernetes container alone (its paired image, when known, only grades them): missing probes,
 * identical liveness and readiness, probe ports, localhost, a timeout longer than the period.
 */
import { Finding, finding } from './_finding';
import { commandOf } from './_image';
import { DockerImage, K8sContainer, ProbeFacts, ipv4Only } from '../read';

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
/** A readiness endpoint by its name (`/ready`, `/readyz`, `/health/readiness`): it may check dependencies. */
export const READINESS_PATH = /(^|\/)(ready|readyz|readiness)(\/|$|\?)/i;

/**
 * Identical liveness and readiness handlers, where they can harm (the Kubernetes docs call the same endpoint with a
 * higher liveness failureThreshold "a common pattern"): a warning when the path is named for dependencies (a
 * dependency outage restarts every replica); info for a readiness path (`/ready`: it may check dependencies, its name
 * alone does not show it), and for any other endpoint where liveness fails no later than readiness (the container is
 * restarted before it is seen not-ready). Nothing for the docs' pattern on another path, nor for tcpSocket (a port
 * cannot check a dependency).
 */
function identicalProbes(c: K8sContainer): Finding[] {
  const l = c.liveness;
  const r = c.readiness;
  if (!l || !r || handler(l) !== handler(r) || l.kind === 'tcpSocket' || l.kind === 'none') return [];
  const subject = containerLabel(c);
  const what = l.kind === 'httpGet' ? `GET ${l.path}` : l.kind === 'exec' ? `exec ${JSON.stringify(l.command)}` : `${l.kind} service ${JSON.stringify(l.service ?? '')}`;
  const window = (p: ProbeFacts) => p.periodSeconds * p.failureThreshold;
  const asQuick = window(l) <= window(r);
  const timing = `periodSeconds x failureThreshold: liveness ${window(l)}s, readiness ${window(r)}s`;
  const path = l.kind === 'httpGet' ? l.path ?? '/' : undefined;
  if (path !== undefined && (DEPENDENCY_PATH.test(path) || READINESS_PATH.test(path))) {
    // A readiness name alone does not show dependency checks (bank-of-anthos's `/ready` answers ok): info.
    const strong = DEPENDENCY_PATH.test(path);
    return [finding('PC013', c.file, l.pathLine ?? l.line, subject,
      `livenessProbe and readinessProbe both check ${what}, a path that suggests it checks dependencies (${timing}): ${asQuick
        ? 'a dependency outage fails liveness as soon as readiness and restarts every replica'
        : 'a dependency outage longer than the liveness window restarts every replica'}`, strong ? 'warning' : 'info')];
  }
  if (asQuick) {
    return [finding('PC013', c.file, r.line, subject,
      `livenessProbe and readinessProbe both check ${what}, and liveness fails as soon as readiness (${timing}): the container is restarted before it is seen not-ready`)];
  }
  return [];
}

/** A folder of examples or documentation: what it deploys demonstrates the project (`examples/`, `docs/`, `demo/`). */
const DEMO_TREE = /(^|\/)(examples?|docs?|demos?)(\/|$)/i;

export function probeRules(c: K8sContainer, image?: DockerImage): Finding[] {
  const out: Finding[] = [];
  const subject = containerLabel(c);
  if (!c.runsToCompletion) {
    // A worker (no ports, checked by an exec livenessProbe, as the library writes it) needs no readinessProbe.
    const worker = c.ports.length === 0 && c.liveness?.kind === 'exec';
    const missing = ([['livenessProbe', c.liveness], ['readinessProbe', c.readiness]] as const)
      .filter(([f, p]) => !p && !(f === 'readinessProbe' && worker)).map(([f]) => f);
    if (missing.length > 0) {
      // A container without a port (a worker, a sidecar) takes no traffic: readiness gates nothing. A third-party image
      // (no Dockerfile here builds it) in an examples or docs tree is a demo workload of the project, not its own.
      const serves = c.ports.length > 0;
      const demo = !image && DEMO_TREE.test(c.file.split(/[\\/]/).slice(0, -1).join('/'));
      out.push(finding('PC012', c.file, c.line, subject,
        `container ${c.name} has no ${missing.join(' and no ')}${serves ? '' : ' (it declares no containerPort)'}${serves && demo ? ' (a demo workload: its image is not built here, in an examples or docs folder)' : ''}`,
        serves && !demo ? 'warning' : 'info'));
    }
  }
  out.push(...identicalProbes(c));
  const names = c.ports.map((p) => p.name).filter((n): n is string => n !== undefined);
  const numbers = c.ports.map((p) => p.containerPort);
  const v4 = image ? ipv4Only(commandOf(image)) : false;
  for (const [field, p] of [['startupProbe', c.startup], ['livenessProbe', c.liveness], ['readinessProbe', c.readiness]] as const) {
    if (!p) continue;
    // A port from a variable (`${PORT:-9003}`, envsubst templates) is not known.
    if (p.port !== undefined && !/[${]/.test(String(p.port)) && (p.kind === 'httpGet' || p.kind === 'tcpSocket' || p.kind === 'grpc')) {
      const named = typeof p.port === 'string' && !/^\d+$/.test(p.port);
      const ok = named ? names.includes(p.port as string) : numbers.length === 0 || numbers.includes(Number(p.port));
      if (!ok) {
        // A named port that does not exist cannot be probed; a number is probed whether declared or not.
        out.push(finding('PC003', c.file, p.portLine ?? p.line, subject,
          `${field} port ${JSON.stringify(p.port)} is not a declared containerPort (${c.ports.map((x) => (x.name ? `${x.name}=${x.containerPort}` : String(x.containerPort))).join(', ') || 'none'})${named ? ': the probe cannot resolve it' : ''}`,
          named ? 'error' : 'info'));
      }
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
