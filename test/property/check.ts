/**
 * What must hold for every valid model: the files parse and validate, and what they say, read back,
 * equals the model.
 */
import * as YAML from 'yaml';
import { CheckTool, HttpScheme, StartPeriodMapping } from '../../src';
import { lintDockerfile, lintPodFragment } from '../lint';
import { dockerfileErrors, only, parseDockerfile, validatePodFragment } from '../util';
import { CheckModel, CommonModel, Rendered, shellWords } from './model';

function fail(msg: string, detail: unknown): never {
  throw new Error(`${msg}: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`);
}
function eq(what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) fail(what, { actual, expected });
}

/** The Docker check command read back: tool, timeout, URL and headers, or the argv. */
interface DockerCheck {
  tool: string;
  timeout?: number;
  url?: string;
  headers: Array<[string, string]>;
  insecure: boolean;
  argv: string[];
}

function readDockerCheck(argv: string[]): DockerCheck {
  if (argv[0] === '/bin/sh' && argv[1] === '-c') {
    const line = argv[2];
    if (!line.endsWith(' || exit 1')) fail('shell check must end with || exit 1', line);
    const words = shellWords(line.slice(0, -' || exit 1'.length));
    const tool = words[0];
    const headers: Array<[string, string]> = [];
    let timeout: number | undefined;
    let insecure = false;
    for (let i = 1; i < words.length - 1; i++) {
      const w = words[i];
      if (w === '-H' || w === '--header') {
        const h = words[++i];
        const idx = h.indexOf(': ');
        headers.push([h.slice(0, idx), h.slice(idx + 2)]);
      } else if (w === '--max-time' || w === '-T') {
        timeout = Number(words[++i]);
      } else if (w === '--insecure' || w === '--no-check-certificate') {
        insecure = true;
      } else if (w === '-o' || w === '-O') {
        if (words[++i] !== '/dev/null') fail('output must go to /dev/null', words[i]);
      }
    }
    return { tool, timeout, url: words[words.length - 1], headers, insecure, argv };
  }
  if (argv[0] === 'python3' && argv[1] === '-c') {
    const script = argv[2];
    const url = /urllib\.request\.Request\(("(?:[^"\\]|\\.)*")/.exec(script);
    const hdrs = /headers=(\{.*\})\)$/m.exec(script);
    const timeout = /timeout=(\d+)/.exec(script);
    return {
      tool: 'python3',
      timeout: timeout ? Number(timeout[1]) : undefined,
      url: url ? JSON.parse(url[1]) : undefined,
      headers: hdrs ? Object.entries(JSON.parse(hdrs[1])) : [],
      insecure: script.includes('_create_unverified_context'),
      argv,
    };
  }
  return { tool: 'exec', headers: [], insecure: false, argv };
}

function expectedHandler(c: CheckModel, portName: string) {
  if (c.kind === 'httpGet') {
    const httpHeaders = Object.entries(c.headers).map(([name, value]) => ({ name, value }));
    return { httpGet: { path: c.path, port: portName, scheme: c.scheme, httpHeaders } };
  }
  if (c.kind === 'tcpSocket') return { tcpSocket: { port: portName } };
  return { exec: { command: c.command } };
}

export function checkRendered(m: CommonModel, r: Rendered): void {
  // 1. The Dockerfile parses with zero dockerfile-utils errors and passes the DESIGN.md rules.
  eq('dockerfile-utils errors', dockerfileErrors(r.dockerfile), []);
  eq('Dockerfile lint', lintDockerfile(r.dockerfile), []);
  const stages = parseDockerfile(r.dockerfile);
  const prod = stages[stages.length - 1];
  eq('final stage name', prod.name, 'production');

  // 2. HEALTHCHECK flags and command, read back, equal the model.
  const hc = only(prod, 'HEALTHCHECK');
  const t = m.timing;
  const flags: Record<string, string> = { 'interval': `${t.interval}s`, 'timeout': `${t.timeout}s`, 'start-period': `${t.startPeriod}s` };
  if (m.startIntervalFlag) flags['start-interval'] = `${t.startInterval}s`;
  flags.retries = String(t.retries);
  eq('HEALTHCHECK flags', hc.flags, flags);
  const check = readDockerCheck(hc.json!);
  const live = m.liveness;
  if (live.kind === 'exec') {
    eq('exec check argv', check.argv, live.command);
  } else {
    eq('check tool', check.tool, m.tool === CheckTool.PYTHON ? 'python3' : m.tool);
    eq('check tool timeout', check.timeout, t.timeout);
    if (live.kind === 'httpGet') {
      const scheme = live.scheme === HttpScheme.HTTPS ? 'https' : 'http';
      eq('check URL', check.url, `${scheme}://127.0.0.1:${m.port}${live.path}`);
      eq('check headers', check.headers, Object.entries(live.headers));
      eq('check skips TLS verification like the kubelet', check.insecure, live.scheme === HttpScheme.HTTPS || m.tool === CheckTool.PYTHON);
    } else {
      if (!hc.json![2].includes(`("127.0.0.1", ${m.port})`)) fail('tcp check target', hc.json![2]);
    }
  }

  // 3. USER, EXPOSE and labels equal the model.
  eq('USER', only(prod, 'USER').args, [`${m.user.uid}:${m.user.gid}`]);
  eq('EXPOSE', only(prod, 'EXPOSE').args, [`${m.port}/tcp`]);
  const labels = only(prod, 'LABEL').properties;
  // dockerfile-ast keeps `\$` (it does not expand variables); Docker reads it as `$`.
  const readLabel = (k: string) => labels[`org.opencontainers.image.${k}`].replace(/\\\$/g, '$');
  for (const k of ['title', 'description', 'vendor', 'licenses'] as const) eq(`label ${k}`, readLabel(k), m.labels[k]);

  // 4. The snippet reads the same as YAML 1.1 (kubectl) and 1.2, validates against the Kubernetes schema,
  // passes the rules, and its probes equal the model.
  eq('YAML 1.1 reading', YAML.parse(r.snippetText, { version: '1.1' }), r.snippet);
  validatePodFragment(r.snippet);
  const lint = lintPodFragment(r.snippet).filter((v) => v !== 'pod-probes-identical' || JSON.stringify(m.liveness) !== JSON.stringify(m.readiness));
  eq('snippet lint', lint, []);
  const c = r.snippet.containers[0];
  eq('ports', c.ports, [{ name: m.portName, containerPort: m.port, protocol: 'TCP' }]);
  const delay = m.mapping === StartPeriodMapping.INITIAL_DELAY ? t.startPeriod : 0;
  const timingFields = {
    initialDelaySeconds: delay,
    periodSeconds: t.interval,
    timeoutSeconds: t.timeout,
    successThreshold: 1,
    failureThreshold: t.retries,
  };
  eq('livenessProbe', c.livenessProbe, { ...expectedHandler(m.liveness, m.portName), ...timingFields });
  // The readinessProbe has its own timing (readinessTiming defaults: 5 s, 3 s, 3).
  eq('readinessProbe', c.readinessProbe, { ...expectedHandler(m.readiness, m.portName), initialDelaySeconds: delay, periodSeconds: 5, timeoutSeconds: 3, successThreshold: 1, failureThreshold: 3 });
  if (m.mapping === StartPeriodMapping.STARTUP_PROBE) {
    eq('startupProbe', c.startupProbe, {
      ...expectedHandler(m.liveness, m.portName),
      initialDelaySeconds: 0,
      periodSeconds: t.startInterval,
      timeoutSeconds: Math.min(t.timeout, t.startInterval),
      successThreshold: 1,
      // The smallest count whose budget, periodSeconds x (failureThreshold - 1), covers the start period.
      failureThreshold: Math.ceil(t.startPeriod / t.startInterval) + 1,
    });
    // The startup budget covers the start period, and one failure less would not.
    if (c.startupProbe.periodSeconds * (c.startupProbe.failureThreshold - 1) < t.startPeriod) fail('startup budget', c.startupProbe);
    if (c.startupProbe.periodSeconds * (c.startupProbe.failureThreshold - 2) >= t.startPeriod) fail('startup budget one failure too long', c.startupProbe);
  } else if (c.startupProbe !== undefined) {
    fail('no startupProbe with INITIAL_DELAY', c.startupProbe);
  }
  eq('runAsUser/runAsGroup', [c.securityContext.runAsUser, c.securityContext.runAsGroup], [m.user.uid, m.user.gid]);
  eq('mounts', c.volumeMounts.map((v: any) => v.mountPath), m.writablePaths);

  // 5. nginx.conf agrees: listen on the port, pid and temp paths in the first writable path.
  if (r.nginxConf !== undefined) {
    const listens = r.nginxConf.match(/^\s*listen\s+(\S+);$/gm)?.map((l) => l.trim());
    eq('nginx listen', listens, [`listen ${m.port};`]);
    if (/^\s*user\s/m.test(r.nginxConf)) fail('nginx user directive', r.nginxConf);
    eq('nginx pid', /^pid (\S+);$/m.exec(r.nginxConf)?.[1], `${m.writablePaths[0]}/nginx.pid`);
    if (m.readiness.kind === 'httpGet' && m.readiness.path !== '/' && JSON.stringify(m.readiness) !== JSON.stringify(m.liveness)) {
      if (!r.nginxConf.includes(`location = ${m.readiness.path.split('?')[0]} {`)) fail('nginx readiness location', m.readiness.path);
    }
  }
}
