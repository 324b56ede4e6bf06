/**
 * The Compose e2e: real Docker Compose (tools/compose.sh) on both examples' Compose files. Run by
 * test/e2e/compose/run.sh once Compose, the machine's engine and the stand-in images are ready. Steps through the
 * harness (test/harness/); ends with `e2e:compose: N passed, M failed` (test-reports/e2e-compose.json).
 *
 * - examples/fullstack: its committed compose.yaml, and the same model synthesized with the Debian-family frontend
 *   (the Alpine one cannot be built here; test/e2e/NOTES.md), whose compose.yaml must be identical.
 * - examples/services: its model with a ComposeFile over all five services (api depends on server, worker on api);
 *   `config` takes the whole file, `up` the three that build here (api, worker, server; web and grpc are Alpine).
 *
 * The images are built by the machine's engine (its BuildKit, `--network host` so that `npm ci` and `apt-get` reach
 * their registries, the build section's context, dockerfile and target as `docker compose config` resolves them) and
 * tagged as Compose names them (`<project>-<service>`). Compose itself runs against a private dockerd (vfs, no default
 * bridge, no iptables) started in a network namespace of its own (unshare --net): the user-defined bridge network
 * Compose creates, its addresses, its DNS and the published ports on 127.0.0.1 all live in that namespace. The images
 * are copied in with `docker save | docker load`; `up --no-build --wait` starts them. The two projects run at once
 * (each on its own network): one's image build and load, then its `up`, overlap the other's wait for health checks.
 */
import { spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Project } from 'projen';
import * as YAML from 'yaml';
import { declareFullstack } from '../../../examples/fullstack/declare';
import { declareServices } from '../../../examples/services/declare';
import { ComposeFile } from '../../../src';
import { Suite } from '../../harness';

const root = path.resolve(__dirname, '..', '..', '..');
const work = process.env.COMPOSE_WORK ?? '';
const composeBin = process.env.COMPOSE_BIN ?? '';
if (!work || !composeBin) throw new Error('COMPOSE_WORK and COMPOSE_BIN must be set (test/e2e/compose/run.sh)');
const suite = new Suite('e2e:compose');
const socket = path.join(work, 'docker.sock');
/** The machine's engine (builds) and the private one (Compose). */
const hostEnv = { ...process.env };
const privateEnv = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: path.dirname(path.dirname(composeBin)) };
/** BuildKit of Debian's docker client, as test/e2e/e2e.ts builds (the generated Dockerfiles use RUN --mount). */
const buildDocker = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

type RunOptions = { allowFail?: boolean; input?: Buffer | string };
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, opts: RunOptions = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', input: opts.input, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${(r.stderr || r.stdout || '').split('\n').slice(-25).join('\n')}`);
  }
  return r;
}
/** `run` without blocking: resolves when the command exits 0, rejects with its last output otherwise. */
function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out.split('\n').slice(-25).join('\n')}`))));
  });
}
/** `docker compose ...` on the private engine (Compose as a CLI plugin from tools/compose.sh's config folder). */
const compose = (project: Project0, args: string[], allowFail = false) =>
  run('docker', ['compose', '-f', project.file, '-p', project.name, ...args], privateEnv, { allowFail });
const docker = (args: string[], allowFail = false) => run('docker', args, privateEnv, { allowFail }).stdout.trim();

interface Project0 {
  /** Compose project name (`-p`). */
  readonly name: string;
  /** The Compose file. */
  readonly file: string;
}

/** Copies an example's own files (not the ones projen generates, not node_modules/dist) into `dir`. */
function copyExampleSources(example: string, dir: string): void {
  const generated = new Set<string>(JSON.parse(fs.readFileSync(path.join(example, '.projen', 'files.json'), 'utf8')).files);
  fs.cpSync(example, dir, {
    recursive: true,
    filter: (p) => {
      const rel = path.relative(example, p);
      return rel === '' || (!generated.has(rel) && !/(^|[/\\])(node_modules|dist|\.projen)([/\\]|$)/.test(rel));
    },
  });
}

/** The body of a generated file below its projen marker line. */
const body = (f: string) => fs.readFileSync(f, 'utf8').split('\n').slice(1).join('\n');

/** Seconds (float) of an RFC 3339 timestamp with nanoseconds. */
const secs = (t: string) => {
  const m = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) throw new Error(`not a timestamp: ${t}`);
  return Date.parse(`${m[1]}${m[3]}`) / 1000 + Number(m[2] ?? 0);
};
/** A Go duration as Compose config prints it (`30s`, `1m30s`, `500ms`) in seconds. */
function duration(d: string | undefined, fallback: number): number {
  if (d === undefined) return fallback;
  let total = 0;
  for (const [, n, u] of d.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) total += Number(n) * ({ h: 3600, m: 60, s: 1, ms: 0.001 } as any)[u];
  return total;
}

interface Container {
  readonly name: string;
  readonly startedAt: number;
  readonly status: string;
  /** End of the first passing check, seconds; undefined when none passed. */
  readonly firstHealthy?: number;
  readonly checks: number;
}
function inspect(project: Project0, service: string): Container {
  const id = compose(project, ['ps', '-a', '-q', service]).stdout.trim();
  if (!id) throw new Error(`no container for service ${service}`);
  const s = JSON.parse(docker(['inspect', id]))[0];
  const log: any[] = s.State.Health?.Log ?? [];
  const ok = log.find((l) => l.ExitCode === 0);
  return { name: s.Name.replace(/^\//, ''), startedAt: secs(s.State.StartedAt), status: s.State.Health?.Status ?? 'none', firstHealthy: ok ? secs(ok.End) : undefined, checks: log.length };
}

/** Builds a service's image on the machine's engine as Compose would (context, dockerfile, target), tagged `<project>-<service>`. */
function buildImage(project: Project0, service: string, build: any): string {
  const tag = `${project.name}-${service}`;
  const file = build.dockerfile ? ['-f', path.resolve(build.context, build.dockerfile)] : [];
  run(buildDocker, ['build', '--network', 'host', ...(build.target ? ['--target', build.target] : []), ...file, '-t', tag, build.context], { ...hostEnv, DOCKER_BUILDKIT: '1' });
  return tag;
}

let dockerd: ReturnType<typeof spawn> | undefined;
/** Size of the private engine's log once it answered: the warnings after it are about what Compose asked for. */
let logStart = 0;
const stopDockerd = () => {
  if (dockerd?.pid && dockerd.exitCode === null) {
    dockerd.kill('SIGTERM');
  }
};
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    stopDockerd();
    process.exit(1);
  });
}

/** Starts dockerd in a new network namespace (its pid is dockerd's: unshare and sh exec into it). */
async function startPrivateEngine(): Promise<string> {
  const data = path.join(work, 'engine');
  const log = fs.openSync(path.join(work, 'dockerd.log'), 'w');
  dockerd = spawn('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'dockerd', 'dockerd',
    '--storage-driver=vfs', '--bridge=none', '--iptables=false', '--ip6tables=false',
    '-H', `unix://${socket}`, '--data-root', path.join(data, 'data'), '--exec-root', path.join(data, 'exec'), '--pidfile', path.join(data, 'dockerd.pid')],
  { stdio: ['ignore', log, log], detached: true });
  fs.writeFileSync(path.join(work, 'dockerd.pid'), String(dockerd.pid));
  for (let i = 0; i < 60; i++) {
    if (dockerd.exitCode !== null) break;
    if (run('docker', ['info'], privateEnv, { allowFail: true }).status === 0) {
      // The engine's own start-up warnings (e.g. containerd's config version) are not about the Compose files.
      logStart = fs.statSync(path.join(work, 'dockerd.log')).size;
      return `dockerd ${docker(['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})'])}, pid ${dockerd.pid}, in a network namespace of its own`;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`the private dockerd did not answer: ${fs.readFileSync(path.join(work, 'dockerd.log'), 'utf8').split('\n').slice(-15).join('\n')}`);
}

interface Edge { readonly dependant: string; readonly dependency: string }

/**
 * `config`, then images, then `up --wait` of `services` and the checks: health in the model's bounds, dependency
 * order, `down`. `extra` runs the project's own network checks while it is up.
 */
async function runProject(label: string, project: Project0, services: string[], extra: (config: any) => void): Promise<void> {
  let config: any;
  suite.step(`${label}: docker compose config (${path.basename(project.file)})`, () => {
    config = JSON.parse(compose(project, ['config', '--format', 'json']).stdout);
    const names = Object.keys(config.services);
    return `accepted; services ${names.join(', ')}`;
  });
  if (!config) return;
  const tags: string[] = [];
  const built = suite.step(`${label}: images built from the file's build sections (${services.join(', ')}) and loaded into the private engine`, () => {
    const t0 = Date.now();
    for (const s of services) tags.push(buildImage(project, s, config.services[s].build));
    const t1 = Date.now();
    const saved = spawnSync('docker', ['save', ...tags], { env: hostEnv, maxBuffer: 4 * 1024 * 1024 * 1024 });
    if (saved.status !== 0) throw new Error(`docker save exited ${saved.status}: ${saved.stderr}`);
    run('docker', ['load', '-q'], privateEnv, { input: saved.stdout as any });
    return `built in ${((t1 - t0) / 1000).toFixed(0)} s; ${(saved.stdout.length / 1e6).toFixed(0)} MB loaded in ${((Date.now() - t1) / 1000).toFixed(0)} s`;
  });
  if (!built) return;
  try {
    const up = Date.now();
    // Asynchronous: the other project's steps run while this one waits for its services' health checks.
    await suite.stepAsync(`${label}: docker compose up --no-build --wait ${services.join(' ')}`, async () => {
      await runAsync('docker', ['compose', '-f', project.file, '-p', project.name, 'up', '--no-build', '--wait', '--wait-timeout', '240', ...services], privateEnv);
      return `all healthy after ${((Date.now() - up) / 1000).toFixed(1)} s; network ${docker(['network', 'ls', '--filter', `label=com.docker.compose.project=${project.name}`, '--format', '{{.Name}} ({{.Driver}})'])}`;
    });
    const containers = new Map(services.map((s) => [s, inspect(project, s)]));
    for (const s of services) {
      const c = containers.get(s)!;
      const hc = config.services[s].healthcheck ?? {};
      // Engine 20.10 (no start_interval): the first check runs one interval after the start, then every interval.
      // The app is up within the first interval, so the first check passes: healthy at interval (+ the check's own
      // time); one failed check (a slow start) moves it one interval on, which the bound allows. Not later.
      const interval = duration(hc.interval, 30);
      const timeout = duration(hc.timeout, 30);
      const startPeriod = duration(hc.start_period, 0);
      suite.step(`${label}: ${s} healthy in the model's timing (interval ${interval} s, timeout ${timeout} s, start_period ${startPeriod} s)`, () => {
        if (c.status !== 'healthy' || c.firstHealthy === undefined) throw new Error(`${c.name} is ${c.status} after ${c.checks} checks`);
        return suite.within(`${label} ${s} healthy after start`, c.firstHealthy - c.startedAt, interval - 0.5, Math.max(startPeriod, interval) + interval + timeout, 's');
      });
    }
    const edges: Edge[] = services.flatMap((s) => Object.entries(config.services[s].depends_on ?? {})
      .filter(([d, v]: [string, any]) => services.includes(d) && v.condition === 'service_healthy').map(([d]) => ({ dependant: s, dependency: d })));
    for (const e of edges) {
      suite.step(`${label}: ${e.dependant} started only once ${e.dependency} was healthy (depends_on service_healthy)`, () => {
        const dep = containers.get(e.dependency)!;
        const c = containers.get(e.dependant)!;
        if (dep.firstHealthy === undefined) throw new Error(`${e.dependency} never healthy`);
        const gap = c.startedAt - dep.firstHealthy;
        if (gap < 0) throw new Error(`${e.dependant} started ${(-gap).toFixed(1)} s before ${e.dependency}'s first passing check ended`);
        return `${e.dependant} started ${gap.toFixed(1)} s after ${e.dependency}'s first passing check (${(dep.firstHealthy - dep.startedAt).toFixed(1)} s after its start)`;
      });
    }
    extra(config);
    // Stopped one at a time, dependants first (as `down` does), each on its stop signal: one that needs the
    // timeout's SIGKILL (exit 137) would also lose its in-flight requests under Kubernetes.
    const stopTimeout = 10;
    for (const s of [...services].reverse()) {
      suite.step(`${label}: ${s} stops on its stop signal (docker compose stop, not killed after ${stopTimeout} s)`, () => {
        const t0 = Date.now();
        compose(project, ['stop', '--timeout', String(stopTimeout), s]);
        const took = (Date.now() - t0) / 1000;
        const st = JSON.parse(docker(['inspect', inspect(project, s).name]))[0];
        const signal = st.Config.StopSignal ?? 'SIGTERM';
        if (st.State.ExitCode === 137 || took >= stopTimeout) throw new Error(`exit code ${st.State.ExitCode} after ${took.toFixed(1)} s: ${signal} did not stop it; killed after the timeout`);
        return `exit code ${st.State.ExitCode} after ${took.toFixed(1)} s on ${signal}`;
      });
    }
  } finally {
    // No --rmi: removing vfs images takes minutes on a loaded machine; they go with the private engine's data root.
    suite.step(`${label}: docker compose down --volumes`, () => {
      const t0 = Date.now();
      compose(project, ['down', '--volumes', '--timeout', '10']);
      const left = docker(['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${project.name}`]);
      if (left) throw new Error(`containers left: ${left}`);
      const nets = docker(['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project.name}`]);
      if (nets) throw new Error(`networks left: ${nets}`);
      return `containers and network removed in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    });
    run('docker', ['rmi', ...tags], hostEnv, { allowFail: true });
  }
}

/** GET from inside a service's container (`docker compose exec`), with the image's own client. */
function execGet(project: Project0, service: string, argv: string[]): string {
  return compose(project, ['exec', '-T', service, ...argv]).stdout.trim();
}

async function main(): Promise<number> {
  const fullstackDir = path.join(work, 'fullstack');
  const servicesDir = path.join(work, 'services');
  const example = path.join(root, 'examples', 'fullstack');
  suite.step('fullstack and services models synthesized in the work folder (fullstack with its Debian-family frontend)', () => {
    copyExampleSources(example, fullstackDir);
    const fs1 = new Project({ name: 'e2e-compose-fullstack', outdir: fullstackDir });
    declareFullstack(fs1, { frontend: { nginxImage: 'nginx:1.27-bookworm', nodeImage: 'node:22-bookworm-slim' } });
    fs1.synth();
    copyExampleSources(path.join(root, 'examples', 'services'), servicesDir);
    const sv = new Project({ name: 'e2e-compose-services', outdir: servicesDir });
    const { api, worker, server, web, grpc } = declareServices(sv);
    new ComposeFile(sv, 'compose', {
      services: [api, worker, server, web, grpc],
      dependencies: [{ service: api, dependsOn: server }, { service: worker, dependsOn: api }],
      // server and web both listen on 8080: unpublished, they still reach each other by name.
      publishPorts: false,
    });
    sv.synth();
    return `${fullstackDir}, ${servicesDir}`;
  });
  suite.step('fullstack: the Debian-family variant\'s compose.yaml is the committed examples/fullstack/compose.yaml', () => {
    if (body(path.join(fullstackDir, 'compose.yaml')) !== body(path.join(example, 'compose.yaml'))) throw new Error('they differ');
    return 'identical below the projen marker';
  });
  suite.step('examples/fullstack/compose.yaml (committed): docker compose config', () => {
    const r = run('docker', ['compose', '-f', path.join(example, 'compose.yaml'), 'config', '--quiet'], privateEnv);
    return `accepted${r.stderr.trim() ? `; stderr: ${r.stderr.trim()}` : ''}`;
  });
  await suite.stepAsync('private engine started (unshare --net)', startPrivateEngine);

  const fullstack: Project0 = { name: 'pc-compose-fullstack', file: path.join(fullstackDir, 'compose.yaml') };
  // Both projects at once (their own networks on the private engine): most of each `up --wait` is waiting.
  const fullstackRun = runProject('fullstack', fullstack, ['backend', 'frontend'], () => {
    suite.step('fullstack: the frontend\'s proxied /api/ answers from the backend over the Compose network', () => {
      const out = execGet(fullstack, 'frontend', ['wget', '-q', '-O', '-', 'http://127.0.0.1:8080/api/v1/health']);
      if (JSON.stringify(JSON.parse(out)) !== JSON.stringify({ status: 'healthy' })) throw new Error(`body ${out}`);
      // The request reached the backend from the frontend's address on the project's network.
      const ip = docker(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', inspect(fullstack, 'frontend').name]);
      const logs = compose(fullstack, ['logs', '--no-log-prefix', 'backend']).stdout;
      if (!logs.split('\n').some((l) => l.includes(`${ip}:`) && l.includes('/api/v1/health'))) throw new Error(`no request from the frontend (${ip}) in the backend's log:\n${logs.split('\n').slice(-8).join('\n')}`);
      return `GET 127.0.0.1:8080/api/v1/health in the frontend -> ${out}; the backend logged it from the frontend's address ${ip}`;
    });
    suite.step('fullstack: the published ports answer on 127.0.0.1 of the engine\'s namespace only', () => {
      const res: string[] = [];
      for (const [port, p] of [[8000, '/api/v1/health'], [8080, '/']] as const) {
        const r = run('nsenter', ['--target', String(dockerd!.pid), '--net', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}${p}`], hostEnv, { allowFail: true });
        if (r.stdout.trim() !== '200') throw new Error(`127.0.0.1:${port}${p} gave ${r.stdout}${r.stderr}`);
        res.push(`${port}${p} 200`);
      }
      return res.join(', ');
    });
  });

  const services: Project0 = { name: 'pc-compose-services', file: path.join(servicesDir, 'compose.yaml') };
  const servicesRun = runProject('services', services, ['server', 'api', 'worker'], (config) => {
    suite.step('services: api reaches server by its service name over the Compose network', () => {
      const snippet = YAML.parse(fs.readFileSync(path.join(servicesDir, 'k8s', 'server.yaml'), 'utf8'));
      const c = snippet.containers[0];
      const url = `http://server:${c.ports[0].containerPort}${c.livenessProbe.httpGet.path}`;
      const out = execGet(services, 'api', ['node', '-e', `fetch(${JSON.stringify(url)}).then((r) => console.log(r.status))`]);
      if (out !== '200') throw new Error(`${url} gave ${out}`);
      return `GET ${url} from api -> 200 (${Object.keys(config.networks ?? {}).join(', ')})`;
    });
  });
  await Promise.all([fullstackRun, servicesRun]);
  suite.step('the engine logged no warning about a setting of the Compose files', () => {
    const warnings = fs.readFileSync(path.join(work, 'dockerd.log')).subarray(logStart).toString('utf8').split('\n')
      .filter((l) => /level=warning/.test(l) && /(Security options|deprecated|not supported|ignored|discarded)/i.test(l));
    if (warnings.length) throw new Error(`${warnings.length} warnings, e.g. ${[...new Set(warnings.map((w) => w.replace(/^.*msg="(.*?)".*$/, '$1')))].join(' | ')}`);
    return 'none';
  });
  await suite.stepAsync('private engine stopped by its pid', async () => {
    const d = dockerd;
    if (!d?.pid) return 'not started';
    if (d.exitCode !== null) return `dockerd (pid ${d.pid}) had exited (${d.exitCode})`;
    const exited = new Promise<boolean>((resolve) => d.once('exit', () => resolve(true)));
    stopDockerd();
    const ok = await Promise.race([exited, new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))]);
    if (!ok) throw new Error(`dockerd (pid ${d.pid}) still runs 30 s after SIGTERM`);
    return `dockerd (pid ${d.pid}) exited`;
  });
  return suite.finish();
}

main().then((code) => {
  process.exitCode = code;
}, (e) => {
  stopDockerd();
  console.error(e);
  process.exitCode = 1;
});
