// The adopted container's checks and their timing: the manifest's probes first (port, scheme, every timing field), the HEALTHCHECK where the manifest has none; nothing invented without saying so.
import { Change } from './_changes';
import { probePort } from './_ports';
import { startupBudgetSeconds } from '../../health/_startup-budget';
import { checkUrl, DockerImage, K8sContainer, ProbeFacts } from '../read';

const lit = (s: string) => JSON.stringify(s);
const secs = (s: number) => `Duration.seconds(${Math.max(1, Math.round(s))})`;

/** The props, imports, notes and refusals the checks give the statement. */
export interface ProbeCarry {
  /** `[key, expression]` in statement order; a key starting with `//` is a comment line placed before the next prop. */
  readonly props: Array<[string, string]>;
  readonly imports: string[];
  readonly notes: string[];
  /** Why the container cannot be adopted (each with the fix); empty when it can. */
  readonly refusals: string[];
  /** Each timing field the statement writes with another value than the original, in the round trip's field names. */
  readonly changes: Change[];
}

const PROBE_FIELD: Record<string, string> = { liveness: 'livenessProbe', readiness: 'readinessProbe', startup: 'startupProbe' };

/**
 * The service port of an adopted container: the first containerPort (the manifest's order is kept: the other ports
 * follow as additionalPorts), else the first EXPOSE, else the one port its network probes use, else the HEALTHCHECK
 * URL's port. A probe on another port checks it there (the check's `port`, an additional port).
 */
export function servicePort(image: DockerImage, c: K8sContainer): { port?: number; name?: string } {
  const used = new Set([c.liveness, c.readiness, c.startup].flatMap((p) => {
    if (!p || p.kind === 'exec' || p.kind === 'none') return [];
    const n = probePort(p, c);
    return n === undefined ? [] : [n];
  }));
  const hc = image.healthcheck && !image.healthcheck.none ? image.healthcheck : undefined;
  const tcp = c.ports.find((p) => p.protocol.toUpperCase() === 'TCP')?.containerPort ?? image.exposes.find((e) => e.protocol === 'tcp')?.port;
  const port = tcp ?? (used.size > 0 ? [...used][0] : hc ? checkUrl(hc.argv)?.port : undefined);
  return { port, name: c.ports.find((p) => p.containerPort === port)?.name };
}

/**
 * Refusals for what the model cannot express of a probe: a port name the container does not have, a `host`, and an
 * HTTPS scheme (the model's checks are plain HTTP). A port other than the service port is carried (the check's
 * `port`, declared in additionalPorts by carryPorts).
 */
function unsupported(which: string, p: ProbeFacts | undefined, c: K8sContainer): string[] {
  if (!p || p.kind === 'exec' || p.kind === 'none') return [];
  const out: string[] = [];
  const at = `${c.file}:${p.portLine ?? p.line} ${PROBE_FIELD[which]}`;
  const pp = probePort(p, c);
  if (pp === undefined && typeof p.port === 'string') {
    out.push(`${at}.${p.kind}.port names ${p.port}, which is none of the container's ports; fix: name one of the container's ports (or give the number)`);
  }
  if (p.host !== undefined) {
    out.push(`${c.file}:${p.line} ${PROBE_FIELD[which]}.${p.kind}.host is ${p.host}: the model's probes go to the pod IP (host is never written); fix: probe the pod itself, or keep this container's files as they are`);
  }
  if (p.kind === 'httpGet' && p.scheme !== undefined && p.scheme.toUpperCase() === 'HTTPS') {
    out.push(`${c.file}:${p.line} ${PROBE_FIELD[which]}.httpGet.scheme is HTTPS: the model's checks are plain HTTP (its servers serve HTTP; TLS ends in front of them); fix: probe a plain-HTTP health port, or keep this container's files as they are`);
  }
  return out;
}

/**
 * The HealthCheck expression of a manifest probe; `port` is written when the probe checks another port than the
 * service port (a health port of its own, declared in additionalPorts).
 */
export function checkExpr(p: ProbeFacts, c: K8sContainer, servicePortNumber: number | undefined): string | undefined {
  const n = p.kind === 'exec' || p.kind === 'none' ? undefined : probePort(p, c);
  const port = n !== undefined && n !== servicePortNumber ? `port: ${n}` : undefined;
  if (p.kind === 'httpGet') {
    const headers = p.headers && p.headers.length > 0 ? `headers: { ${p.headers.map((h) => h.split(/: (.*)/s)).map(([k, v]) => `${lit(k)}: ${lit(v ?? '')}`).join(', ')} }` : undefined;
    return `HealthCheck.httpGet({ ${[`path: ${lit(p.path ?? '/')}`, port, headers].filter((x) => x !== undefined).join(', ')} })`;
  }
  if (p.kind === 'tcpSocket') return port ? `HealthCheck.tcpSocket({ ${port} })` : 'HealthCheck.tcpSocket()';
  if (p.kind === 'exec' && p.command) return `HealthCheck.exec([${p.command.map(lit).join(', ')}])`;
  if (p.kind === 'grpc') {
    const opts = [port, p.service ? `service: ${lit(p.service)}` : undefined].filter((x) => x !== undefined);
    return opts.length > 0 ? `HealthCheck.grpc({ ${opts.join(', ')} })` : 'HealthCheck.grpc()';
  }
  return undefined;
}

/**
 * The checks and timing of an adopted container. Kubernetes runs the manifest's probes, so they win: liveness
 * interval, timeout and retries from the livenessProbe (a different HEALTHCHECK flag is named), the startupProbe's
 * whole budget including its `initialDelaySeconds`, the readinessProbe's own timing. A container the manifest
 * does not probe gets the HEALTHCHECK's route (named), else a TCP check on its port with a comment saying the
 * original had none (never a route the app may not serve).
 */
export function carryProbes(image: DockerImage, c: K8sContainer, port: number | undefined): ProbeCarry {
  const props: Array<[string, string]> = [];
  const imports = new Set<string>(['HealthCheck']);
  const notes: string[] = [];
  const changes: Change[] = [];
  const change = (field: string, old: string | number, now: string | number) => changes.push({ field, old: String(old), new: String(now) });
  const refusals = [
    ...unsupported('liveness', c.liveness, c),
    ...unsupported('readiness', c.readiness, c),
    ...unsupported('startup', c.startup, c),
  ];
  const hc = image.healthcheck && !image.healthcheck.none ? image.healthcheck : undefined;
  const url = hc ? checkUrl(hc.argv) : undefined;
  const live = c.liveness && c.liveness.kind !== 'none' ? c.liveness : undefined;

  // The liveness check.
  if (live) {
    props.push(['healthCheck', checkExpr(live, c, port)!]);
  } else if (url?.path !== undefined) {
    props.push([`// ${c.file}: the manifest has no livenessProbe; the HEALTHCHECK's GET ${url.path} (${image.file}:${hc!.line}) becomes the livenessProbe and startupProbe (the model writes both). Set healthCheck to choose another.`, '']);
    props.push(['healthCheck', `HealthCheck.httpGet({ path: ${lit(url.path)} })`]);
    notes.push(`livenessProbe and startupProbe: none in ${c.file}; now GET ${url.path}, the HEALTHCHECK's route`);
  } else if (!/distroless|chainguard|scratch/.test(image.base)) {
    // No probe: nothing restarts the container. `true` always passes, as no probe does (a TCP check could restart an
    // app that never listens); the user chooses a real one.
    props.push([`// ${c.file}: the original has no livenessProbe${hc ? '' : ' and no HEALTHCHECK'}; the model writes one: \`true\` always passes, as having no probe does. Set healthCheck to ${port !== undefined ? "the app's own health route (or HealthCheck.tcpSocket())" : 'a check of the worker (e.g. the age of a heartbeat file it touches)'}.`, '']);
    props.push(['healthCheck', 'HealthCheck.exec(["true"])']);
    notes.push(`livenessProbe and startupProbe: none in ${c.file}; now exec true, which always passes (choose with healthCheck)`);
  } else if (port !== undefined) {
    props.push([`// ${c.file}: the original has no livenessProbe${hc ? '' : ' and no HEALTHCHECK'}; the image has no \`true\` program: a TCP check on the port assumes no route. Set healthCheck to the app's own health route, or keep this TCP check.`, '']);
    props.push(['healthCheck', 'HealthCheck.tcpSocket()']);
    notes.push(`livenessProbe and startupProbe: none in ${c.file}; now a TCP check on port ${port} (choose with healthCheck)`);
  } else {
    refusals.push(`${c.file}:${c.line} ${c.name}: no livenessProbe, no HEALTHCHECK route and no port to check, on an image without a shell: the model needs a check; fix: give healthCheck: HealthCheck.exec([...]) with a program of the image that tells whether the process is alive`);
  }

  // The readiness check.
  const ready = c.readiness && c.readiness.kind !== 'none' ? c.readiness : undefined;
  if (ready) {
    props.push(['readinessCheck', checkExpr(ready, c, port)!]);
  } else if (port !== undefined) {
    props.push([`// ${c.file}: the original has no readinessProbe (Ready once started); a TCP check on the port is the closest. Set readinessCheck to the app's own readiness route to choose another.`, '']);
    props.push(['readinessCheck', 'HealthCheck.tcpSocket()']);
    notes.push(`readinessProbe: none in ${c.file}; now a TCP check on port ${port} (choose with readinessCheck)`);
  }

  // The HEALTHCHECK runs the liveness check (one check feeds both): a HEALTHCHECK that asked another endpoint is named.
  if (live && hc) {
    const target = live.kind === 'httpGet' ? `GET ${live.path ?? '/'} on port ${probePort(live, c) ?? port}` : `${live.kind}`;
    const was = url ? `GET ${url.path ?? '/'} on port ${url.port}` : JSON.stringify(hc.argv);
    if (was !== target) {
      notes.push(`${image.file}:${hc.line} HEALTHCHECK checked ${was}; it now runs the livenessProbe's check (${target}, ${c.file}:${live.line})`);
      change('HEALTHCHECK.check', was, target);
    }
  }
  // The model's startupProbe runs the liveness check: a startupProbe of the manifest that checks otherwise is named.
  const startupProbe = c.startup && c.startup.kind !== 'none' ? c.startup : undefined;
  if (startupProbe && live) {
    const fields = (p: ProbeFacts): Record<string, string> => ({
      handler: p.kind,
      ...(p.kind === 'httpGet' ? { path: p.path ?? '/', scheme: (p.scheme ?? 'HTTP').toUpperCase(), headers: (p.headers ?? []).join(', ') || '(none)' } : {}),
      ...(p.kind === 'exec' ? {} : { port: String(probePort(p, c) ?? p.port) }),
      ...(p.kind === 'exec' ? { command: JSON.stringify(p.command ?? []) } : {}),
      ...(p.kind === 'grpc' ? { service: p.service ?? '' } : {}),
    });
    const was = fields(startupProbe);
    const now = fields(live);
    const of = (f: Record<string, string>, k: string) => f[k] ?? '(none)';
    const differ = Object.keys({ ...was, ...now }).filter((k) => of(was, k) !== of(now, k));
    if (differ.length > 0) {
      notes.push(`${c.file}:${startupProbe.line} startupProbe checks ${differ.map((k) => `${k} ${of(was, k)}`).join(', ')}; the model's startupProbe runs the liveness check (${differ.map((k) => `${k} ${of(now, k)}`).join(', ')})`);
      for (const k of differ) change(`startupProbe.${k}`, of(was, k), of(now, k));
    }
  }
  // Liveness timing: the manifest's probe, else the HEALTHCHECK's flags.
  const timing: string[] = [];
  const pick = (field: string, k8s: number | undefined, docker: number | undefined, flag: string): number | undefined => {
    if (k8s !== undefined && docker !== undefined && hc && hc.flags[flag] !== undefined && k8s !== docker) {
      const unit = flag === 'retries' ? '' : 's';
      notes.push(`${image.file}:${hc.line} HEALTHCHECK --${flag}: ${docker}${unit} becomes ${k8s}${unit}, the livenessProbe's ${field} (${c.file}; one timing feeds both)`);
      change(`HEALTHCHECK.${flag}`, `${docker}${unit}`, `${k8s}${unit}`);
    }
    return k8s ?? docker;
  };
  let interval = pick('periodSeconds', live?.periodSeconds, hc?.interval, 'interval');
  const timeout = pick('timeoutSeconds', live?.timeoutSeconds, hc?.timeout, 'timeout');
  if (interval !== undefined && timeout !== undefined && timeout > interval) {
    // The model keeps a check inside its interval; the kubelet runs one probe at a time, so a check taking its whole
    // timeout already spaced probes that far apart: the interval becomes the timeout, the timeout stays.
    notes.push(`${live ? `${c.file}:${live.line} livenessProbe periodSeconds` : `${image.file}:${hc!.line} HEALTHCHECK --interval`} ${interval}s becomes ${timeout}s, the timeout (the model keeps a check within its interval)`);
    change(live ? 'livenessProbe.periodSeconds' : 'HEALTHCHECK.interval', live ? interval : `${interval}s`, live ? timeout : `${timeout}s`);
    interval = timeout;
  }
  if (interval !== undefined) timing.push(`interval: ${secs(interval)}`);
  if (timeout !== undefined) timing.push(`timeout: ${secs(timeout)}`);
  // The start period: the startupProbe's whole budget (initialDelaySeconds included), else the livenessProbe's
  // initialDelaySeconds (mapped back to initialDelaySeconds), else the HEALTHCHECK's --start-period.
  const startup = c.startup && c.startup.kind !== 'none' ? c.startup : undefined;
  let startPeriod: number | undefined;
  let initialDelay = false;
  if (startup) {
    startPeriod = startupBudgetSeconds(startup);
    if (live && live.initialDelaySeconds > 0) {
      notes.push(`${c.file}:${live.line} livenessProbe initialDelaySeconds ${live.initialDelaySeconds} becomes 0: the startupProbe already holds the livenessProbe back until the app has started`);
      change('livenessProbe.initialDelaySeconds', live.initialDelaySeconds, 0);
    }
    if (startup.initialDelaySeconds > 0) {
      notes.push(`${c.file}:${startup.line} startupProbe initialDelaySeconds ${startup.initialDelaySeconds}, failureThreshold ${startup.failureThreshold}: becomes initialDelaySeconds 0 with a failureThreshold giving the same ${startPeriod} s budget (probes start at once; the container has as long to start)`);
      change('startupProbe.initialDelaySeconds', startup.initialDelaySeconds, 0);
      change('startupProbe.failureThreshold', startup.failureThreshold, `the threshold of a ${startPeriod} s budget`);
    }
  } else if (live && live.initialDelaySeconds > 0) {
    startPeriod = live.initialDelaySeconds;
    initialDelay = true;
  } else if (hc?.startPeriod) {
    startPeriod = hc.startPeriod;
  }
  if (live && !startup && !initialDelay) {
    notes.push(`startupProbe: none in ${c.file}; the model adds one with the liveness check${startPeriod ? ` and a ${startPeriod} s start period (the HEALTHCHECK's)` : " and the construct's default start period"}, which only gives a slow start more time (set timing.startPeriod to choose)`);
  }
  if (hc && startPeriod !== undefined && (hc.startPeriod ?? 0) !== startPeriod) {
    notes.push(`${image.file}:${hc.line} HEALTHCHECK --start-period: ${hc.startPeriod ?? 0}s becomes ${startPeriod}s, the manifest's ${initialDelay ? 'livenessProbe initialDelaySeconds' : 'startupProbe budget'} (one start period feeds both)`);
    change('HEALTHCHECK.startPeriod', `${hc.startPeriod ?? 0}s`, `${startPeriod}s`);
  }
  if (hc && !hc.startPeriod && startPeriod === undefined) {
    notes.push(`${image.file}:${hc.line} HEALTHCHECK has no --start-period; the construct writes its default start period (set timing.startPeriod to choose)`);
    change('HEALTHCHECK.startPeriod', '0s', "the construct's default");
  }
  if (startPeriod) timing.push(`startPeriod: ${secs(startPeriod)}`);
  const startInterval = startup?.periodSeconds ?? hc?.startInterval;
  if (startInterval) timing.push(`startInterval: ${secs(startInterval)}`);
  // The model's startupProbe takes the liveness timeout within its own period (kubernetes/_probes.ts): another
  // timeoutSeconds of the manifest's startupProbe is named.
  if (startup && timeout !== undefined) {
    const written = Math.min(timeout, startInterval ?? startup.periodSeconds);
    if (startup.timeoutSeconds !== written) {
      notes.push(`${c.file}:${startup.line} startupProbe timeoutSeconds ${startup.timeoutSeconds} becomes ${written}: the model's startupProbe takes the liveness timeout, within its periodSeconds`);
      change('startupProbe.timeoutSeconds', startup.timeoutSeconds, written);
    }
  }
  const retries = pick('failureThreshold', live?.failureThreshold, hc?.retries, 'retries');
  if (retries !== undefined) timing.push(`retries: ${retries}`);
  if (timing.length > 0) props.push(['timing', `{ ${timing.join(', ')} }`]);
  if (initialDelay) {
    imports.add('StartPeriodMapping');
    props.push(['startPeriodMapping', 'StartPeriodMapping.INITIAL_DELAY']);
  }
  if (hc?.startInterval !== undefined) props.push(['dockerStartInterval', 'true']);

  // The readinessProbe's own timing, as the manifest has it.
  if (ready) {
    const period = Math.max(ready.periodSeconds, ready.timeoutSeconds);
    if (period !== ready.periodSeconds) {
      notes.push(`${c.file}:${ready.line} readinessProbe periodSeconds ${ready.periodSeconds}s becomes ${period}s, its timeoutSeconds (the model keeps a check within its period)`);
      change('readinessProbe.periodSeconds', ready.periodSeconds, period);
    }
    const r = [`period: ${secs(period)}`, `timeout: ${secs(ready.timeoutSeconds)}`, `failureThreshold: ${ready.failureThreshold}`, `successThreshold: ${ready.successThreshold}`];
    // Written when it differs from the model's default (5 s, 3 s, 3, 1).
    if (r.join() !== 'period: Duration.seconds(5),timeout: Duration.seconds(3),failureThreshold: 3,successThreshold: 1') props.push(['readinessTiming', `{ ${r.join(', ')} }`]);
    const delay = initialDelay ? startPeriod ?? 0 : 0;
    if (ready.initialDelaySeconds !== delay) {
      notes.push(`${c.file}:${ready.line} readinessProbe initialDelaySeconds ${ready.initialDelaySeconds} becomes ${delay}${startup || !initialDelay ? ' (the startupProbe holds readiness back until the app has started)' : ' (the livenessProbe\'s delay)'}`);
      change('readinessProbe.initialDelaySeconds', ready.initialDelaySeconds, delay);
    }
  }
  const grace = live?.terminationGracePeriodSeconds ?? startup?.terminationGracePeriodSeconds;
  if (grace !== undefined) props.push(['probeTerminationGracePeriod', secs(grace)]);
  if (timing.length > 0 || ready || grace !== undefined) imports.add('Duration');
  return { props, imports: [...imports], notes, refusals, changes };
}
