// The alignment report renderer: per container, Docker's and Kubernetes' view of each setting, and what it means in time.
import { healthTimeline } from './_timeline';
import { HealthCheckKind } from '../health/health-check-kind';
import { StartPeriodMapping } from '../health/start-period-mapping';
import { UNPRIVILEGED_PORT_SYSCTL } from '../kubernetes/_probes';
import { ProbeSpec } from '../kubernetes/container-probe-set';
import { ServiceModel } from '../service/_model';
import { rendered } from '../service/_rendered';

/** A markdown table cell: `|` and line breaks escaped, code in backticks. */
function code(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return '`' + s.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ') + '`';
}

function handler(probe: ProbeSpec): string {
  if (probe.httpGet) return `httpGet ${code(probe.httpGet.path)} on port ${code(probe.httpGet.port)}`;
  if (probe.tcpSocket) return `tcpSocket on port ${code(probe.tcpSocket.port)}`;
  if (probe.grpc) return `grpc ${probe.grpc.service ? `service ${code(probe.grpc.service)}` : 'whole server'} on port ${code(probe.grpc.port)}`;
  return `exec ${code(probe.exec?.command)}`;
}

function table(rows: string[][]): string[] {
  return [rows[0], rows[0].map(() => '---'), ...rows.slice(1)].map((r) => `| ${r.join(' | ')} |`);
}

/** The section of one container. */
function section(m: ServiceModel): string[] {
  const t = m.timing;
  const dh = rendered(m).docker;
  // No Docker check (noDockerHealthcheck): every Docker cell says so; only the kubelet's probes check the container.
  const none = 'none (`noDockerHealthcheck`)';
  const dk = (f: (d: NonNullable<typeof dh>) => string) => (dh === undefined ? none : f(dh));
  const { container: c } = rendered(m).kubernetes;
  const sp = c.startupProbe;
  const tl = healthTimeline(m);
  const startup = m.mapping === StartPeriodMapping.STARTUP_PROBE;
  const s = (n: number) => `${n} s`;
  const l = m.liveness;
  const docker = l.kind === HealthCheckKind.HTTP_GET ? `GET ${code(l.path)} on ${l.host}:${l.port}`
    : l.kind === HealthCheckKind.TCP_SOCKET ? `TCP ${l.host}:${l.port}`
      : l.kind === HealthCheckKind.GRPC ? `gRPC health ${l.service ? `service ${code(l.service)}` : '(whole server)'} on ${l.host}:${l.port}` : 'exec';
  const listen = m.listen;
  const settings = table([
    ['setting', 'Docker (`HEALTHCHECK`, Compose `healthcheck`)', 'Kubernetes'],
    ['liveness check', dh === undefined ? `none: ${code('HEALTHCHECK NONE')}, Compose ${code('healthcheck: { disable: true }')} (\`noDockerHealthcheck\`); only the kubelet's probes check it` : `${docker}: ${code(dh.compose.test)}`, `${handler(c.livenessProbe)}${startup ? ' (startupProbe too)' : ''}`],
    ['readiness check', 'none (Docker has one check)', c.readinessProbe ? handler(c.readinessProbe) : 'none (no port: no Service sends it traffic; Ready once started)'],
    ['interval', dk((d) => `${code(d.flag.interval)}, ${code(`interval: ${d.compose.interval}`)}`), `livenessProbe ${code(`periodSeconds: ${t.intervalSeconds}`)}`],
    ['timeout', dk((d) => `${code(d.flag.timeout)}, ${code(`timeout: ${d.compose.timeout}`)}`), `${code(`timeoutSeconds: ${t.timeoutSeconds}`)}${sp ? ` (startupProbe: ${sp.timeoutSeconds})` : ''}`],
    ['retries', dk((d) => `${code(d.flag.retries)}, ${code(`retries: ${t.retries}`)}`), `livenessProbe ${code(`failureThreshold: ${t.retries}`)}`],
    ['readiness timing', 'none (no readiness in Docker)', c.readinessProbe
      ? `readinessProbe ${code(`periodSeconds: ${c.readinessProbe.periodSeconds}`)}, ${code(`timeoutSeconds: ${c.readinessProbe.timeoutSeconds}`)}, ${code(`failureThreshold: ${c.readinessProbe.failureThreshold}`)}, ${code(`successThreshold: ${c.readinessProbe.successThreshold}`)} (\`readinessTiming\`)`
      : 'no readinessProbe'],
    ['start period', dk((d) => `${code(d.flag.startPeriod)}, ${code(`start_period: ${d.compose.start_period}`)}: failures do not count`),
      sp ? `startupProbe ${code(`failureThreshold: ${sp.failureThreshold}`)}, ${code(`periodSeconds: ${sp.periodSeconds}`)}: a ${s(tl.kubeStartupBudget)} budget, (failureThreshold - 1) x periodSeconds` : code(`initialDelaySeconds: ${t.startPeriodSeconds}`)],
    ['start interval', dk((d) => (d.flag.startInterval !== undefined ? `${code(d.flag.startInterval)}, ${code(`start_interval: ${d.compose.start_interval}`)}` : `not written (${t.startIntervalSeconds} s in the model; Engine >= 25 only, \`dockerStartInterval\`)`)),
      startup ? `startupProbe ${code(`periodSeconds: ${t.startIntervalSeconds}`)}` : 'not used'],
    listen.kind === 'none'
      ? ['port', 'none (`noPort`): no `EXPOSE`, no Compose `ports`', 'no `ports`']
      : ['port', `${code(`EXPOSE ${listen.port}/tcp`)}, Compose ${code(`127.0.0.1:${listen.port}:${listen.port}`)}`, `${code(`containerPort: ${listen.port}`)} named ${code(listen.name)}`],
    ...m.additionalPorts.map((p) => ['additional port', `${code(`EXPOSE ${p.port}/${p.protocol.toLowerCase()}`)}, Compose ${code(`expose: ${p.protocol === 'TCP' ? p.port : `${p.port}/udp`}`)} (not published)`,
      `${code(`containerPort: ${p.port}`)} named ${code(p.name)}${p.protocol === 'TCP' ? '' : ` (${p.protocol})`}`]),
    // lowPortSysctl: how the non-root process binds a port below 1024, in each output.
    ...(m.unprivilegedPortStart === undefined ? [] : [['port below 1024', `Compose ${code(`sysctls: {${UNPRIVILEGED_PORT_SYSCTL}: "${m.unprivilegedPortStart}"}`)} (Docker Engine 20.10+ sets 0 already), ECS ${code('systemControls')}; no capability, not root`,
      `pod ${code(`securityContext.sysctls: [{name: ${UNPRIVILEGED_PORT_SYSCTL}, value: "${m.unprivilegedPortStart}"}]`)} (a safe sysctl since Kubernetes 1.22; not with hostNetwork; Trivy KSV-0117 flags the port)`]]),
    ['user', `${code(`USER ${m.user.uid}:${m.user.gid}`)}, Compose ${code(`user: ${m.user.uid}:${m.user.gid}`)}`, `${code(`runAsUser: ${m.user.uid}`)}, ${code(`runAsGroup: ${m.user.gid}`)}, ${code('runAsNonRoot: true')}`],
    ['writable paths', `Compose ${code('read_only: true')}, ${code(`tmpfs: ${JSON.stringify(m.writablePaths)}`)}`, `${code('readOnlyRootFilesystem: true')}, emptyDir at ${m.writablePaths.map((p) => code(p)).join(', ')}`],
  ]);
  const times = table([
    ['what it means in time', 'Docker / Compose', 'Kubernetes'],
    ['first check after the container starts', dk(() => s(tl.dockerFirstCheck)), startup ? `startupProbe at about 0 s, then every ${s(t.startIntervalSeconds)}` : `livenessProbe at ${s(t.startPeriodSeconds)} (initialDelaySeconds)`],
    ['healthy at the earliest (the app answers at once); Compose `depends_on` waits this long', dk(() => s(tl.dockerFirstCheck)), startup ? 'started at the first startupProbe success (about 0 s), then ready at the first readinessProbe success' : `ready at the first readinessProbe success (after ${s(t.startPeriodSeconds)})`],
    ['startup budget: an app that never answers', dk(() => `unhealthy at ${s(tl.dockerUnhealthyIfNeverUp)} (start period, then ${t.retries} counted failures); not restarted, \`depends_on: service_healthy\` fails`), `restarted no earlier than ${s(tl.kubeStartupBudget)} (${tl.kubeStartupBudgetText}); up to one period + about 2 s later (the kubelet's first probe waits until it has seen the container running and for its next tick)`],
    ['time to detect a dead process (checks fail at once)', dk(() => `unhealthy within ${s(tl.dockerDetectDead)} (${t.retries} x ${s(t.intervalSeconds)})`), `restart within ${s(tl.kubeDetectDead)} (${t.retries} x ${s(t.intervalSeconds)}), then the termination grace period`],
    ['worst case before a restart (hung process, every check times out)', dk(() => `unhealthy within ${s(tl.dockerDetectHung)} (${t.retries} x (${s(t.intervalSeconds)} + ${s(t.timeoutSeconds)})); Docker does not restart`), `restart within ${s(tl.kubeDetectHung)} (${t.retries} x ${s(t.intervalSeconds)} + ${s(t.timeoutSeconds)}), then the termination grace period`],
    ['readiness fails (e.g. a dependency is down)', 'nothing (no readiness in Docker)', c.readinessProbe
      ? `out of the Service endpoints within ${s(tl.kubeNotReady)} (${m.readinessTiming.failureThreshold} x ${s(m.readinessTiming.periodSeconds)}; ${s(tl.kubeNotReady + m.readinessTiming.timeoutSeconds)} when checks time out); not restarted`
      : 'no readinessProbe (no port): Ready once started'],
  ]);
  const chart = [
    '```mermaid',
    'gantt',
    `  title ${m.name}: an app that never answers (seconds after the container starts)`,
    '  dateFormat X',
    '  axisFormat %s',
    // Only durations and `after <id>`: a bare number start is read as milliseconds under `dateFormat X`
    // by mermaid 11 (test/report-mermaid.test.ts parses the chart with mermaid and checks each bar).
    // No Docker check (noDockerHealthcheck): no Docker section.
    ...(dh === undefined ? [] : [
      '  section Docker',
      `  start period (failures ignored) : dockerStart, 0, ${t.startPeriodSeconds}s`,
      `  ${t.retries} counted failures : dockerFailures, after dockerStart, ${tl.dockerUnhealthyIfNeverUp - t.startPeriodSeconds}s`,
      '  unhealthy : milestone, dockerUnhealthy, after dockerFailures, 0s',
    ]),
    '  section Kubernetes',
    `  ${startup ? 'startupProbe budget' : 'initialDelaySeconds then liveness failures'} : kubeStartup, 0, ${tl.kubeStartupBudget}s`,
    '  restart : milestone, kubeRestart, after kubeStartup, 0s',
    '```',
  ];
  return [`## ${m.name}`, '', `From \`${m.directory}/Dockerfile\` and \`${m.kubernetesFile}\`.`, '', ...settings, '', ...times, '', ...chart, ''];
}

/** The alignment report of the models, as markdown. */
export function renderReport(marker: string | undefined, models: ServiceModel[]): string {
  const lines = [
    ...(marker ? [`<!-- ${marker} -->`, ''] : []),
    '# Health settings: Docker and Kubernetes side by side',
    '',
    'Each setting as Docker (the image `HEALTHCHECK`, and Compose) sees it and as Kubernetes (the probes) sees it,',
    'all from one model. Kubernetes ignores the image `HEALTHCHECK`; Docker has no readiness check; Docker marks a',
    'container unhealthy but does not restart it, the kubelet restarts it. Times assume checks that fail at once',
    'unless they say otherwise; the termination grace period (30 s by default) comes on top of a restart.',
    '',
  ];
  for (const m of models) lines.push(...section(m));
  return lines.join('\n');
}
