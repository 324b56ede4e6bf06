/**
 * The alignment checker's findings and its rule table (ids are stable; docs/check.md documents each).
 */

/**
 * How bad a finding is. `error`: breaks at deploy or run time (the pod does not start, a probe cannot pass, the
 * check cannot run); `projen-containers check` exits 1. `warning`: a risk worth acting on. `info`: shown with
 * --verbose only (one summary line by default).
 */
export type Severity = 'error' | 'warning' | 'info';

/** One rule: a stable id, its severity, a short title and the fix it suggests. */
export interface Rule {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly fix: string;
}

/** A disagreement found at a line of a file (1-based), with the rule it breaks. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  /** The file, relative to the working directory the checker ran in. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** The Kubernetes container (or the Dockerfile's image) the finding is about. */
  readonly subject: string;
  readonly message: string;
  readonly fix: string;
  /** The same finding on other copies of the container (kustomize overlays, rendered copies): `file:line` each. */
  readonly also?: string[];
}

const rule = (id: string, severity: Severity, title: string, fix: string): Rule => ({ id, severity, title, fix });

/** Every rule, by id. */
export const RULES: Record<string, Rule> = Object.fromEntries([
  rule('PC001', 'warning', 'containerPort and EXPOSE disagree', 'Use one port for EXPOSE and containerPort (the port the process listens on).'),
  rule('PC002', 'error', 'the HEALTHCHECK URL port is not the container port', 'Point the HEALTHCHECK URL at the port the image EXPOSEs and the container declares.'),
  rule('PC003', 'error', 'a probe names a port the container does not declare', 'Reference a declared containerPort by its name, or use the port number (the kubelet probes a number whether declared or not).'),
  rule('PC004', 'warning', 'the HEALTHCHECK path and the livenessProbe path differ', 'Check the same endpoint in the HEALTHCHECK and the livenessProbe.'),
  rule('PC005', 'info', 'HEALTHCHECK --interval differs from livenessProbe periodSeconds', 'Set livenessProbe.periodSeconds to the --interval (or the other way round).'),
  rule('PC006', 'info', 'HEALTHCHECK --timeout differs from livenessProbe timeoutSeconds', 'Set livenessProbe.timeoutSeconds to the --timeout (or the other way round).'),
  rule('PC007', 'info', 'HEALTHCHECK --retries differs from livenessProbe failureThreshold', 'Set livenessProbe.failureThreshold to the --retries (or the other way round).'),
  rule('PC008', 'warning', 'the startup budget is shorter than the HEALTHCHECK start period', 'Make the startup budget (initialDelaySeconds + periodSeconds x (failureThreshold - 1) of the startupProbe, else of the livenessProbe) at least the --start-period: add a startupProbe with failureThreshold ceil(start period / periodSeconds) + 1.'),
  rule('PC009', 'error', 'runAsNonRoot cannot verify the image USER', 'Use a numeric non-root USER uid:gid in the Dockerfile, or set runAsUser.'),
  rule('PC010', 'warning', 'runAsUser differs from the image USER uid', 'Use the same uid in USER and runAsUser, so file ownership in the image matches.'),
  rule('PC011', 'error', 'read-only root filesystem, but the image writes to a path without a volume', 'Mount an emptyDir at the path, or move the writes under a mounted directory.'),
  rule('PC012', 'warning', 'a livenessProbe or readinessProbe is missing on a container that serves (declares a containerPort; not a demo workload: an image not built here, in an examples or docs folder); no readinessProbe is needed where no Service routes traffic to it', 'Add the probe (the image HEALTHCHECK is ignored by Kubernetes).'),
  rule('PC013', 'warning', 'identical livenessProbe and readinessProbe on a path named for the dependencies it checks', 'Give liveness its own endpoint that checks the process only (readiness may check dependencies).'),
  rule('PC014', 'error', 'the HEALTHCHECK tool is not in the image', 'Install the tool in the final stage or use one the base image has (busybox wget on Alpine, python3 on python images).'),
  rule('PC015', 'info', 'cannot tell whether the HEALTHCHECK tool is in the image', 'Install the tool explicitly in the final stage, so the Dockerfile shows it is there.'),
  rule('PC016', 'info', 'shell-form HEALTHCHECK CMD', 'Use the exec form: HEALTHCHECK CMD ["executable", "arg", ...] (hadolint DL3025).'),
  rule('PC017', 'warning', 'localhost in a health check, and the server listens on IPv4 only (else info)', 'Use 127.0.0.1: localhost may resolve to ::1 first, where an IPv4-only server does not listen.'),
  rule('PC018', 'info', 'the image has no HEALTHCHECK, and Compose runs it without another check while an autoheal-style restarter acts on its health (never an image Kubernetes runs: its probes check it)', 'Add a HEALTHCHECK (or a Compose healthcheck:), matching the livenessProbe.'),
  rule('PC019', 'info', 'a container looks built here but is not paired (several Dockerfiles answer equally, only a far one does, or its Dockerfile cannot be read)', 'Pair it: --pair <Kind/workload/container>=<Dockerfile>, a --map file, a build file naming the image (Compose build:, skaffold, docker build -t), or a Dockerfile in a directory named like the image.'),
  rule('PC020', 'warning', 'a probe timeoutSeconds is longer than its periodSeconds', 'Make timeoutSeconds at most periodSeconds: a probe still waiting when the next one is due delays every later check.'),
  rule('PC021', 'warning', 'a named USER and runAsUser disagree (info when the name\'s uid is not known)', 'Use a numeric USER uid:gid in the Dockerfile equal to runAsUser, so the kubelet and the image agree on the account.'),
  rule('PC022', 'warning', 'an image VOLUME the pod does not mount', 'Mount a volume (emptyDir or a PersistentVolumeClaim) at the path: Kubernetes ignores VOLUME, so the data goes to the container layer and is lost on restart.'),
  rule('PC023', 'error', 'the process binds a loopback address (127.0.0.1, localhost, ::1) and the kubelet probes it over the network', 'Bind 0.0.0.0 (or :: for IPv6) in the command: the kubelet sends httpGet, tcpSocket and grpc probes to the pod IP, which a loopback bind never answers.'),
  // PC030-PC039: Compose, the third side (docs/check.md).
  rule('PC030', 'error', 'the Compose healthcheck runs a tool the image does not have (info when it cannot tell)', 'Install the tool in the stage Compose builds, or call one the image has (the HEALTHCHECK\'s own command).'),
  rule('PC031', 'warning', 'the Compose healthcheck and the image HEALTHCHECK check different endpoints', 'Check one endpoint (port and path) in both, or drop the Compose test: the image\'s HEALTHCHECK then runs.'),
  rule('PC032', 'warning', 'the Compose healthcheck checks an endpoint none of the probes of the same image checks (it differs from the livenessProbe, the readinessProbe and the startupProbe)', 'Check one endpoint (port and path) in Compose and the livenessProbe.'),
  rule('PC033', 'error', 'depends_on service_healthy on a service with no healthcheck (warning when its image, or its base, is not known here, or the dependency is not required)', 'Give the service a healthcheck (in Compose, or a HEALTHCHECK in its image), or use condition: service_started.'),
  rule('PC034', 'error', 'the Compose healthcheck requests a port the image does not EXPOSE (warning when EXPOSE is not fully known)', 'Point the healthcheck at the port the process listens on (the one the image EXPOSEs).'),
  rule('PC035', 'warning', 'the Compose start_period is longer than the startup budget of a container of the same image', 'Give the startupProbe a budget (initialDelaySeconds + periodSeconds x (failureThreshold - 1)) at least the start period Compose allows, or shorten start_period to the start the app needs.'),
].map((r) => [r.id, r]));

/** A finding of rule `id` (its fix from the table; its severity from the table unless the rule grades the case). */
export function finding(id: string, file: string, line: number, subject: string, message: string, severity?: Severity): Finding {
  const r = RULES[id];
  if (!r) throw new Error(`unknown rule ${id}`);
  return { rule: id, severity: severity ?? r.severity, file, line, subject, message, fix: r.fix };
}
