/**
 * The engine tests: the task's validation steps, health transitions and a fault, on a real Docker
 * engine, with the example's generated files. Run by test/e2e/run.sh after the engine and the
 * stand-in base images are up. Steps through the harness (test/harness/): prints each step with its measurement,
 * writes test-reports/e2e.json and ends with `e2e: N passed, M failed`.
 *
 * Services: examples/fullstack's backend and frontend (its Debian-family variant; it runs in the backend's
 * network namespace, where a DNS stub answers `backend`, and proxies /api/ to it; a second frontend runs alone with
 * `--network none`: it must start, turn healthy and answer 502 on /api/), and examples/services' `api` (NodeService, Debian), `worker` (the
 * api's code with its own Dockerfile.worker: no port, exec checks) and `server` (GoService, distroless: no shell, no `id`). The services
 * example's `web` and `grpc` are Alpine-based and cannot be built here (no Alpine packages).
 *
 * Containers run with `--network none`: the HEALTHCHECK runs inside, and the probe requests come from a
 * host process entered into the container's network namespace (nsenter --net), which has only loopback.
 * Images `backend-test`, `frontend-test`, `api-test` and `server-test` are left in the engine.
 *
 * Last, adoption (adoption.ts): three multi-stage apps of test/e2e/adoption/ (Go, Node, Python), each through
 * `check --emit-projenrc` and `--round-trip`, its statement synthesized in a copy of the app, the generated Dockerfile
 * built and run until healthy, its probes answered; their images and containers are removed.
 */
import { spawn, spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import * as YAML from 'yaml';
import { declareFullstack } from '../../examples/fullstack/declare';
import { Dockerfile, DockerfileStage, Instruction, RunMount } from '../../src';
import { Suite } from '../harness';
import { runAdoption } from './adoption';
import { docker, env, fetchFromNetns, fetchTextFromNetns, seconds, sleep } from './engine';
import { only, parseDockerfile, ParsedStage, stage } from '../util';

const root = path.resolve(__dirname, '..', '..');
const example = path.join(root, 'examples', 'fullstack');
const servicesExample = path.join(root, 'examples', 'services');
const suite = new Suite('e2e');
const prefix = 'pc-e2e';

const step = (name: string, fn: () => string): void => {
  suite.step(name, fn);
};

function expectEqual(what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * lowPortSysctl on the engine: the Debian-family frontend declared with `port: 80, lowPortSysctl: true`, built, and run
 * with the flags its generated Compose service writes (`user`, `read_only`, `tmpfs`, `cap_drop`, `security_opt`,
 * `sysctls`) and `--network none`: nginx, non-root with no capabilities, must bind 80 and answer `GET /`; with the
 * sysctl at 1024 (Docker's own default is 0, so it is set explicitly) it must fail to bind. Removes what it creates.
 */
function lowPortFrontend(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-lowport-'));
  const tag = 'pc-e2e-frontend-lowport';
  const names = [`${prefix}-lowport-80`, `${prefix}-lowport-1024`];
  try {
    const src = path.join(example, 'frontend');
    fs.cpSync(src, path.join(dir, 'frontend'), { recursive: true, filter: (p) => !/node_modules|[/\\]dist([/\\]|$)/.test(path.relative(src, p)) });
    for (const f of ['Dockerfile', 'nginx.conf', '.dockerignore']) fs.rmSync(path.join(dir, 'frontend', f), { force: true });
    const project = new Project({ name: 'e2e', outdir: dir });
    declareFullstack(project, { frontend: { nginxImage: 'nginx:1.27-bookworm', nodeImage: 'node:22-bookworm-slim', port: 80, lowPortSysctl: true } });
    project.synth();
    const svc = YAML.parse(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).services.frontend;
    expectEqual('compose sysctls', svc.sysctls, { 'net.ipv4.ip_unprivileged_port_start': '80' });
    docker(['build', '--network', 'host', '--target', 'production', '-t', tag, path.join(dir, 'frontend')]);
    const flags = (sysctl: string) => ['--network', 'none', '--user', svc.user, ...(svc.read_only ? ['--read-only'] : []),
      ...svc.tmpfs.flatMap((t: string) => ['--tmpfs', t]), ...svc.cap_drop.flatMap((c: string) => ['--cap-drop', c]),
      ...svc.security_opt.flatMap((o: string) => ['--security-opt', o]), '--sysctl', `net.ipv4.ip_unprivileged_port_start=${sysctl}`];
    for (const n of names) docker(['rm', '-f', n], { allowFail: true });
    docker(['run', '-d', '--name', names[0], ...flags('80'), tag]);
    docker(['run', '-d', '--name', names[1], ...flags('1024'), tag]);
    const pid = docker(['inspect', names[0], '--format', '{{.State.Pid}}']);
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      try {
        status = fetchTextFromNetns(pid, 'http://127.0.0.1:80/').status;
      } catch {
        spawnSync('sleep', ['0.25']);
      }
    }
    if (status !== 200) throw new Error(`GET http://127.0.0.1:80/ with the sysctl at 80: HTTP ${status}; ${docker(['logs', '--tail', '5', names[0]], { allowFail: true })}`);
    const caps = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^(Uid|CapEff):.*$/gm)!.map((l) => l.replace(/\s+/g, ' ')).join('; ');
    if (!/CapEff: 0+$/.test(caps) || !/Uid: 1000 /.test(caps)) throw new Error(`PID 1: ${caps}`);
    let state = '';
    for (let i = 0; i < 40 && state !== 'exited'; i++, spawnSync('sleep', ['0.25'])) state = docker(['inspect', names[1], '--format', '{{.State.Status}}']);
    // nginx writes the error to stderr, which docker() leaves out.
    const logs = spawnSync('docker', ['logs', names[1]], { env, encoding: 'utf8' });
    const log = `${logs.stdout}\n${logs.stderr}`.split('\n').find((l) => /bind\(\) to .*:80 failed/.test(l));
    if (state !== 'exited' || !log) throw new Error(`with the sysctl at 1024: ${state}, ${log ?? 'no bind error in the log'}`);
    return `sysctl 80: GET :80 HTTP ${status}, PID 1 ${caps}; sysctl 1024: exited, ${log.replace(/^.*\[emerg\] \S+ /, '')}`;
  } finally {
    for (const n of names) docker(['rm', '-f', n], { allowFail: true });
    docker(['rmi', '-f', tag], { allowFail: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The Debian-family variant of the example's frontend: examples/fullstack's model (its backend included: the frontend
 * proxies /api/ to it), with the Debian images of the stand-ins instead of Alpine (no Alpine packages can be fetched here).
 */
function synthDebianFrontend(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-frontend-'));
  const src = path.join(example, 'frontend');
  fs.cpSync(src, path.join(dir, 'frontend'), {
    recursive: true,
    filter: (p) => !/node_modules|[/\\]dist([/\\]|$)/.test(path.relative(src, p)),
  });
  for (const f of ['Dockerfile', 'nginx.conf', '.dockerignore']) fs.rmSync(path.join(dir, 'frontend', f), { force: true });
  const project = new Project({ name: 'e2e', outdir: dir });
  declareFullstack(project, { frontend: { nginxImage: 'nginx:1.27-bookworm', nodeImage: 'node:22-bookworm-slim' } });
  project.synth();
  return path.join(dir, 'frontend');
}

function instructionsBut(stages: ParsedStage[], skip: (s: ParsedStage, i: number) => boolean): string[] {
  return stages.flatMap((s) => s.instructions.filter((_, i) => !skip(s, i)).map((i) => i.raw.getTextContent()));
}

interface Service {
  readonly tag: string;
  readonly context: string;
  readonly dockerfile: string;
  readonly snippet: any;
  /**
   * What `docker run --rm <tag> id` must start with; when absent, `uid=<runAsUser>(name) gid=<runAsGroup>(name)`
   * from the snippet. Not run when `noShell`.
   */
  readonly idOutput?: string;
  /** The image has no shell and no `id` (distroless): asserts that /bin/sh cannot run instead. */
  readonly noShell?: boolean;
  /** `docker run` options and command of the fault container: the app must not answer on the checked port. */
  readonly faultArgs: string[];
  readonly faultCmd: string[];
  /** The port the fault container's app listens on instead (its /healthz must answer there). */
  readonly faultPort?: number;
  /** The Dockerfile's file name in the context, when not `Dockerfile` (`docker build -f`). */
  readonly dockerfileName?: string;
  /**
   * `docker run` network options of the healthy container: `--network none` unless set. The frontend joins the
   * backend's network namespace (its proxy upstream `backend` resolves to 127.0.0.1 there).
   */
  readonly network?: () => string[];
}

/** A service of examples/services, from its generated Dockerfile and k8s snippet. */
function exampleService(name: string, directory: string = name, dockerfileName: string = 'Dockerfile'): Service {
  const snippet = YAML.parse(fs.readFileSync(path.join(servicesExample, 'k8s', `${name}.yaml`), 'utf8'));
  const dockerfile = fs.readFileSync(path.join(servicesExample, directory, dockerfileName), 'utf8');
  if (snippet.containers[0].ports === undefined) {
    // A worker: no port; the fault container runs but never touches its heartbeat file.
    return {
      tag: `${name}-test`,
      context: path.join(servicesExample, directory),
      dockerfile,
      dockerfileName,
      snippet,
      faultArgs: [],
      faultCmd: ['sleep', '100000'],
    };
  }
  const portOf = (s: any) => s.containers[0].ports[0].containerPort as number;
  const hcArgs = only(stage(parseDockerfile(dockerfile), 'production'), 'HEALTHCHECK').json!.join(' ');
  if (!hcArgs.includes(`:${portOf(snippet)}/`)) throw new Error(`${name}: the HEALTHCHECK does not check port ${portOf(snippet)}: ${hcArgs}`);
  // The app honours PORT: moved to the next port, it runs but the checked port no longer answers.
  const faultPort = portOf(snippet) + 1;
  return {
    tag: `${name}-test`,
    context: path.join(servicesExample, name),
    dockerfile,
    snippet,
    noShell: stage(parseDockerfile(dockerfile), 'production').from.startsWith('gcr.io/distroless/'),
    faultArgs: ['-e', `PORT=${faultPort}`],
    faultCmd: [],
    faultPort,
  };
}

/**
 * The DNS stub (test/dns-stub.ts) on 127.0.0.1:53 in the network namespace of process `pid` (nsenter --net): it
 * answers `backend` with 127.0.0.1. Returns the process, stopped by its pid at the end.
 */
function startDnsStub(pid: string): ReturnType<typeof spawn> {
  const tsNode = path.join(root, 'node_modules', 'ts-node', 'dist', 'bin.js');
  const child = spawn('nsenter', ['--target', pid, '--net', '--', process.execPath, tsNode, '--transpile-only', '--project', path.join(root, 'projenrc', 'tsconfig.json'),
    path.join(root, 'test', 'dns-stub.ts'), '127.0.0.1', 'backend'], { stdio: ['ignore', 'inherit', 'inherit'] });
  // Stopped at the end of the run; also when the run stops early.
  process.on('exit', () => child.exitCode === null && child.kill('SIGTERM'));
  return child;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const backendDockerfile = fs.readFileSync(path.join(example, 'backend', 'Dockerfile'), 'utf8');
  const frontendAlpine = fs.readFileSync(path.join(example, 'frontend', 'Dockerfile'), 'utf8');

  let frontendDir = '';
  step('frontend Debian variant is the same model (only base images and account/package tools differ)', () => {
    frontendDir = synthDebianFrontend();
    const variant = fs.readFileSync(path.join(frontendDir, 'Dockerfile'), 'utf8');
    const familySpecific = (s: ParsedStage, i: number) => i === 0 || (s.name === 'production' && s.instructions[i].keyword === 'RUN');
    expectEqual('other instructions', instructionsBut(parseDockerfile(variant), familySpecific), instructionsBut(parseDockerfile(frontendAlpine), familySpecific));
    // Below the projen marker line (which names the .projenrc that wrote the file).
    const body = (f: string) => fs.readFileSync(f, 'utf8').split('\n').slice(1).join('\n');
    expectEqual('nginx.conf', body(path.join(frontendDir, 'nginx.conf')), body(path.join(example, 'frontend', 'nginx.conf')));
    return 'Dockerfile differs only in FROM and the account RUN; nginx.conf identical';
  });

  // A service runs in the behaviour phase only when its image checks all passed.
  const runnable: Service[] = [];
  // nginx resolves its proxy upstream per request with the nameservers of /etc/resolv.conf (never /etc/hosts): in the
  // backend's network namespace (this engine has no bridge, so no Docker DNS) a DNS stub on 127.0.0.1:53 answers
  // `backend` with 127.0.0.1, and the frontend gets a resolv.conf naming it.
  const resolvConf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-dns-')), 'resolv.conf');
  fs.writeFileSync(resolvConf, 'nameserver 127.0.0.1\n');
  step('RUN --mount=type=secret (BuildKit): the secret is readable in its RUN and in no layer, history or config of the image', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-secret-'));
    const project = new Project({ name: 'e2e-secret', outdir: path.join(dir, 'context') });
    new Dockerfile(project, 'Dockerfile', {
      stages: [
        new DockerfileStage({ name: 'production', from: 'debian:bookworm-slim', comment: 'Reads a build secret.' }).add(
          Instruction.run('The secret is a file during this RUN only; only its length is kept.', ['wc -c < /run/secrets/e2e_token > /token-length'], {
            mounts: [RunMount.secret({ id: 'e2e_token', required: true })],
          }),
          Instruction.user('Non-root.', 1000, 1000),
        ),
      ],
    });
    project.synth();
    // Outside the build context, as a user keeps a token.
    const value = `pc-e2e-secret-${randomBytes(16).toString('hex')}`;
    fs.writeFileSync(path.join(dir, 'token'), value);
    const tag = `${prefix}-secret:1`;
    try {
      // --network none: the engine has no bridge (BuildKit's default RUN network would need one).
      docker(['build', '--network', 'none', '--secret', `id=e2e_token,src=${path.join(dir, 'token')}`, '-t', tag, path.join(dir, 'context')]);
      expectEqual('length seen by the RUN', docker(['run', '--rm', '--network', 'none', tag, 'cat', '/token-length']), String(value.length));
      // docker save: every layer tar, the image config (history included) and the manifest.
      const saved = spawnSync('docker', ['save', tag], { env, maxBuffer: 1024 * 1024 * 1024 });
      if (saved.status !== 0) throw new Error(`docker save exited ${saved.status}`);
      if (saved.stdout.includes(value)) throw new Error('the secret is in the saved image');
      return `readable during the RUN (${value.length} bytes); absent from all ${(saved.stdout.length / 1e6).toFixed(1)} MB of docker save`;
    } finally {
      docker(['rmi', tag], { allowFail: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const services: Service[] = [
    {
      tag: 'backend-test',
      context: path.join(example, 'backend'),
      dockerfile: backendDockerfile,
      snippet: YAML.parse(fs.readFileSync(path.join(example, 'k8s', 'backend.yaml'), 'utf8')),
      idOutput: 'uid=1000(appuser) gid=1000(appuser)',
      // The app runs, but not on the checked port.
      faultArgs: [],
      faultCmd: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8001'],
    },
    {
      tag: 'frontend-test',
      context: frontendDir,
      dockerfile: frontendDir ? fs.readFileSync(path.join(frontendDir, 'Dockerfile'), 'utf8') : frontendAlpine,
      snippet: YAML.parse(fs.readFileSync(path.join(example, 'k8s', 'frontend.yaml'), 'utf8')),
      idOutput: 'uid=1000(appuser) gid=1000(appgroup)',
      // In the backend's network namespace, where the DNS stub answers the proxy upstream `backend` with 127.0.0.1.
      network: () => [...(runnable.some((r) => r.tag === 'backend-test') ? ['--network', `container:${prefix}-backend-test`] : ['--network', 'none']), '-v', `${resolvConf}:/etc/resolv.conf:ro`],
      // No server at all.
      faultArgs: [],
      faultCmd: ['sleep', '100000'],
    },
    // NodeService on node:22-bookworm-slim, and GoService on distroless (both from examples/services).
    exampleService('api'),
    // The worker beside the api, from the same directory (api/Dockerfile.worker): no port, exec checks.
    exampleService('worker', 'api', 'Dockerfile.worker'),
    exampleService('server'),
  ];

  for (const s of services) {
    const before = suite.steps.length;
    const prod = stage(parseDockerfile(s.dockerfile), 'production');
    const hc = only(prod, 'HEALTHCHECK');
    const labels = only(prod, 'LABEL').properties;

    step(`docker build --target production${s.dockerfileName ? ` -f ${s.dockerfileName}` : ''} -t ${s.tag} ${path.relative(root, s.context)}`, () => {
      const start = Date.now();
      const file = s.dockerfileName ? ['-f', path.join(s.context, s.dockerfileName)] : [];
      docker(['build', '--network', 'host', '--target', 'production', ...file, '-t', s.tag, s.context]);
      return `built in ${seconds(Date.now() - start)}`;
    });

    const sc = s.snippet.containers[0].securityContext;
    if (s.noShell) {
      step(`${s.tag} has no shell: docker run --rm --entrypoint /bin/sh ${s.tag} -c true fails`, () => {
        const r = spawnSync('docker', ['run', '--rm', '--network', 'none', '--entrypoint', '/bin/sh', s.tag, '-c', 'true'], { env, encoding: 'utf8' });
        if (r.status === 0) throw new Error('/bin/sh ran');
        const reason = /stat \/bin\/sh: no such file or directory/.exec(r.stderr);
        if (!reason) throw new Error(`failed, but not for a missing /bin/sh (exit ${r.status}): ${r.stderr.trim()}`);
        return `exit ${r.status}: ${reason[0]}`;
      });
    } else {
      step(`docker run --rm ${s.tag} id`, () => {
        const out = docker(['run', '--rm', '--network', 'none', s.tag, 'id']);
        if (s.idOutput !== undefined) {
          if (!out.startsWith(s.idOutput)) throw new Error(`expected ${s.idOutput}, got ${out}`);
        } else if (!new RegExp(`^uid=${sc.runAsUser}\\(\\w+\\) gid=${sc.runAsGroup}\\(\\w+\\)`).test(out)) {
          throw new Error(`expected uid=${sc.runAsUser}(name) gid=${sc.runAsGroup}(name) (the snippet's runAsUser/runAsGroup), got ${out}`);
        }
        return out;
      });
    }

    step(`docker inspect ${s.tag} --format='{{.Config.Healthcheck}}' equals the model`, () => {
      const h = JSON.parse(docker(['inspect', s.tag, '--format', '{{json .Config.Healthcheck}}']));
      const ns = (flag: string) => Number(hc.flags[flag].replace(/s$/, '')) * 1e9;
      expectEqual('Test', h.Test, ['CMD', ...hc.json!]);
      expectEqual('Interval', h.Interval, ns('interval'));
      expectEqual('Timeout', h.Timeout, ns('timeout'));
      expectEqual('StartPeriod', h.StartPeriod, ns('start-period'));
      expectEqual('Retries', h.Retries, Number(hc.flags.retries));
      return docker(['inspect', s.tag, '--format', '{{.Config.Healthcheck}}']);
    });

    step(`${s.tag} carries the OCI labels`, () => {
      const l = JSON.parse(docker(['inspect', s.tag, '--format', '{{json .Config.Labels}}']));
      for (const [k, v] of Object.entries(labels)) expectEqual(k, l[k], v.replace(/\\\$/g, '$'));
      return Object.keys(labels).map((k) => `${k.replace('org.opencontainers.image.', '')}=${l[k]}`).join(', ');
    });

    step(`${s.tag} USER, EXPOSE and the probe snippet agree`, () => {
      const cfg = JSON.parse(docker(['inspect', s.tag, '--format', '{{json .Config}}']));
      const c = s.snippet.containers[0];
      expectEqual('User', cfg.User, `${c.securityContext.runAsUser}:${c.securityContext.runAsGroup}`);
      if (c.ports === undefined) {
        // A worker: no EXPOSE (the node base image has none either).
        if (cfg.ExposedPorts && Object.keys(cfg.ExposedPorts).length > 0) throw new Error(`ExposedPorts ${Object.keys(cfg.ExposedPorts)} on a service without a port`);
        return `User ${cfg.User}, no ExposedPorts, no containerPort`;
      }
      // EXPOSE only adds: a base image's own EXPOSE (nginx's 80) stays in the metadata.
      const exposed = Object.keys(cfg.ExposedPorts);
      if (!exposed.includes(`${c.ports[0].containerPort}/tcp`)) throw new Error(`ExposedPorts ${exposed} lacks ${c.ports[0].containerPort}/tcp`);
      return `User ${cfg.User}, ExposedPorts ${exposed.join(',')} (containerPort ${c.ports[0].containerPort})`;
    });
    if (suite.steps.slice(before).every((r) => r.ok)) runnable.push(s);
    else console.log(`skip ${s.tag}: an image check failed, so it is not run below`);
  }

  // Behaviour: all four containers at once, each with a read-only root and tmpfs only at the snippet's mounts.
  const runArgs = (s: Service) => [
    '--read-only',
    ...s.snippet.containers[0].volumeMounts.flatMap((m: any) => ['--tmpfs', `${m.mountPath}:rw,mode=1777`]),
  ];
  const healthyName = (s: Service) => `${prefix}-${s.tag}`;
  const faultName = (s: Service) => `${prefix}-${s.tag}-fault`;
  for (const s of services) {
    for (const n of [healthyName(s), faultName(s)]) docker(['rm', '-f', n], { allowFail: true });
  }
  const started = new Map<string, number>();
  // The frontend alone, as the issue ran it: `docker run --network none --read-only --tmpfs /tmp frontend-test`, no
  // backend anywhere. nginx must start (its upstream is resolved per request), turn healthy, and answer 502 on /api/.
  const alone = runnable.find((s) => s.tag === 'frontend-test');
  const aloneName = `${prefix}-frontend-test-alone`;
  docker(['rm', '-f', aloneName], { allowFail: true });
  let dnsStub: ReturnType<typeof spawn> | undefined;
  for (const s of runnable) {
    docker(['run', '-d', '--name', healthyName(s), ...(s.network ? s.network() : ['--network', 'none']), ...runArgs(s), s.tag]);
    started.set(healthyName(s), Date.now());
    if (s.tag === 'backend-test') dnsStub = startDnsStub(docker(['inspect', healthyName(s), '--format', '{{.State.Pid}}']));
    docker(['run', '-d', '--name', faultName(s), '--network', 'none', ...runArgs(s), ...s.faultArgs, s.tag, ...s.faultCmd]);
    started.set(faultName(s), Date.now());
  }
  if (alone) {
    docker(['run', '-d', '--name', aloneName, '--network', 'none', '--read-only', '--tmpfs', '/tmp', alone.tag]);
    started.set(aloneName, Date.now());
  }

  const status = (name: string) => docker(['inspect', name, '--format', '{{if .State.Health}}{{.State.Health.Status}}{{end}}|{{.State.Status}}'], { allowFail: true });
  /** Polls every container at once; each result is the time from its start to `want`, or the error. */
  async function watch(targets: Array<{ name: string; want: string; limitMs: number }>): Promise<Map<string, number | Error>> {
    const done = new Map<string, number | Error>();
    while (done.size < targets.length) {
      for (const t of targets) {
        if (done.has(t.name)) continue;
        const elapsed = Date.now() - started.get(t.name)!;
        const [health, state] = status(t.name).split('|');
        const logs = () => docker(['logs', '--tail', '20', t.name], { allowFail: true });
        if (health === t.want) done.set(t.name, elapsed);
        else if (state !== 'running') done.set(t.name, new Error(`${t.name} is ${state}: ${logs()}`));
        else if (health === 'unhealthy' && t.want === 'healthy') done.set(t.name, new Error(`${t.name} turned unhealthy: ${logs()}`));
        else if (elapsed > t.limitMs) done.set(t.name, new Error(`${t.name} not ${t.want} within ${seconds(t.limitMs)} (now ${health || 'no health'})`));
      }
      await sleep(250);
    }
    return done;
  }
  /** Docker's bounds from the HEALTHCHECK flags: first success, and the worst case to unhealthy. */
  const bounds = (s: Service) => {
    const hcFlags = only(stage(parseDockerfile(s.dockerfile), 'production'), 'HEALTHCHECK').flags;
    const f = (k: string) => Number(hcFlags[k].replace(/s$/, ''));
    return {
      healthy: (f('start-period') + f('interval') + f('timeout')) * 1000,
      unhealthy: (f('start-period') + f('interval') * f('retries') + f('timeout')) * 1000,
    };
  };
  const transitions = await watch([
    ...runnable.flatMap((s) => [
      { name: healthyName(s), want: 'healthy', limitMs: bounds(s).healthy + 5000 },
      { name: faultName(s), want: 'unhealthy', limitMs: bounds(s).unhealthy + 5000 },
    ]),
    ...(alone ? [{ name: aloneName, want: 'healthy', limitMs: bounds(alone).healthy + 5000 }] : []),
  ]);

  for (const s of runnable) {
    const bound = bounds(s);
    const c = s.snippet.containers[0];
    const healthy = transitions.get(healthyName(s));
    step(`${s.tag} (read-only root, tmpfs ${c.volumeMounts.map((m: any) => m.mountPath).join(',')}) turns healthy`, () => {
      if (healthy === undefined || healthy instanceof Error) throw healthy ?? new Error('not watched');
      return `after ${seconds(healthy)} (bound start period + interval + timeout = ${seconds(bound.healthy)})`;
    });

    for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const probe = c[kind];
      if (!probe) continue;
      if (probe.exec) {
        // The kubelet runs an exec probe inside the container (the runtime's exec), as docker exec does.
        step(`${s.tag} answers its ${kind} as the kubelet would (exec ${probe.exec.command.join(' ')} in the container)`, () => {
          const r = spawnSync('docker', ['exec', healthyName(s), ...probe.exec.command], { env, encoding: 'utf8', timeout: probe.timeoutSeconds * 1000 + 5000 });
          if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
          return 'exit 0';
        });
        continue;
      }
      const g = probe.httpGet;
      const port = c.ports.find((p: any) => p.name === g.port || p.containerPort === g.port).containerPort;
      const url = `${g.scheme.toLowerCase()}://127.0.0.1:${port}${g.path}`;
      const headers = Object.fromEntries((g.httpHeaders ?? []).map((h: any) => [h.name, h.value]));
      // The kubelet probes from outside the container: a host process (node) entered into the
      // container's network namespace only (nsenter --net), which has just a loopback interface.
      const pid = docker(['inspect', healthyName(s), '--format', '{{.State.Pid}}']);
      step(`${s.tag} answers its ${kind} as the kubelet would (GET ${url} from outside the container)`, () => {
        const code = fetchFromNetns(pid, url, headers, probe.timeoutSeconds * 1000);
        if (!(code >= 200 && code < 400)) throw new Error(`HTTP ${code}`);
        return `HTTP ${code}`;
      });
    }

    if (s.tag === 'frontend-test') {
      // The frontend's nginx proxies /api/ to the backend (upstream `backend`, port from the backend's model).
      const pid = docker(['inspect', healthyName(s), '--format', '{{.State.Pid}}']);
      const port = c.ports[0].containerPort;
      step(`${s.tag}: STOPSIGNAL SIGQUIT (nginx's graceful shutdown) in the image; PID 1 is nginx (the start command execs it)`, () => {
        expectEqual('Config.StopSignal', docker(['inspect', s.tag, '--format', '{{.Config.StopSignal}}']), 'SIGQUIT');
        const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        if (comm !== 'nginx') throw new Error(`PID 1 is ${comm}, not nginx`);
        const resolver = docker(['exec', healthyName(s), 'cat', '/tmp/nginx-resolver.conf']);
        if (!resolver.startsWith('resolver 127.0.0.1 valid=10s;')) throw new Error(`/tmp/nginx-resolver.conf: ${resolver}`);
        return `StopSignal SIGQUIT; PID 1 ${comm}; /tmp/nginx-resolver.conf: ${resolver.split('\n')[0]}`;
      });
      const aloneHealthy = transitions.get(aloneName);
      step(`${s.tag} alone (docker run --network none --read-only --tmpfs /tmp, no backend anywhere) starts and turns healthy`, () => {
        if (aloneHealthy === undefined || aloneHealthy instanceof Error) throw aloneHealthy ?? new Error('not watched');
        return `after ${seconds(aloneHealthy)} (bound ${seconds(bound.healthy)})`;
      });
      step(`${s.tag} alone: GET /api/v1/health answers 502 (the upstream does not resolve), the site still serves`, () => {
        const alonePid = docker(['inspect', aloneName, '--format', '{{.State.Pid}}']);
        // The lookup fails within resolver_timeout (5 s).
        const api = fetchTextFromNetns(alonePid, `http://127.0.0.1:${port}/api/v1/health`, 15_000);
        if (api.status !== 502) throw new Error(`/api/v1/health: HTTP ${api.status}: ${api.body}`);
        const site = fetchTextFromNetns(alonePid, `http://127.0.0.1:${port}/`);
        if (site.status !== 200) throw new Error(`/: HTTP ${site.status}`);
        const log = docker(['logs', '--tail', '5', aloneName], { allowFail: true }).split('\n').find((l) => /could not be resolved|resolving/.test(l));
        return `/api/v1/health HTTP ${api.status}; / HTTP ${site.status}${log ? `; nginx: ${log.replace(/^.*\[(error|crit)\] \S+ /, '')}` : ''}`;
      });
      step(`${s.tag} proxies GET /api/v1/health to the backend container and returns its answer`, () => {
        // As long as the 502 step allows: the first request resolves `backend` (resolver_timeout 5 s), and on a loaded
        // fresh machine (Go builds beside it) that plus the backend's answer took longer than the default 5 s.
        // The stub answers `backend`; gone, every lookup fails and nginx answers 502 (as CI once saw).
        if (!dnsStub || dnsStub.exitCode !== null) throw new Error(`the DNS stub is not running (exit code ${dnsStub?.exitCode}); nginx cannot resolve backend`);
        const r = fetchTextFromNetns(pid, `http://127.0.0.1:${port}/api/v1/health`, 15_000);
        if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.body}`);
        expectEqual('body (the backend\'s answer)', JSON.parse(r.body), { status: 'healthy' });
        return `HTTP ${r.status} ${r.body.trim()}`;
      });
      step('frontend with port 80 and lowPortSysctl (the Compose service\'s flags, sysctl 80): non-root nginx with no capabilities binds 80 and answers; at 1024 it cannot bind', lowPortFrontend);
      step(`${s.tag}: a missing asset is a 404, a navigation gets index.html (no-cache)`, () => {
        const missing = fetchTextFromNetns(pid, `http://127.0.0.1:${port}/assets/missing-0123abcd.js`);
        if (missing.status !== 404) throw new Error(`/assets/missing-0123abcd.js: HTTP ${missing.status}`);
        const nav = fetchTextFromNetns(pid, `http://127.0.0.1:${port}/some/client/route`);
        if (nav.status !== 200 || !/<html/i.test(nav.body)) throw new Error(`/some/client/route: HTTP ${nav.status}`);
        expectEqual('Cache-Control of index.html', nav.cacheControl, 'no-cache');
        return `missing asset HTTP ${missing.status}; navigation HTTP ${nav.status} with Cache-Control ${nav.cacheControl}`;
      });
    }

    // The user the kernel runs the app as, read on the host (works without `id` in the image).
    step(`${s.tag}: PID 1 runs as the snippet's runAsUser:runAsGroup (/proc/<pid>/status on the host)`, () => {
      const sc = c.securityContext;
      const pid = docker(['inspect', healthyName(s), '--format', '{{.State.Pid}}']);
      const st = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const ids = (k: string) => /^(\S+):\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/m.exec(st.split('\n').find((l) => l.startsWith(`${k}:`)) ?? '')?.slice(2).map(Number);
      expectEqual('Uid (real, effective, saved, filesystem)', ids('Uid'), Array(4).fill(sc.runAsUser));
      expectEqual('Gid (real, effective, saved, filesystem)', ids('Gid'), Array(4).fill(sc.runAsGroup));
      return `host pid ${pid}: Uid ${ids('Uid')!.join(' ')}, Gid ${ids('Gid')!.join(' ')}`;
    });

    const fault = transitions.get(faultName(s));
    const how = s.faultPort ? `moved to port ${s.faultPort} (${s.faultArgs.join(' ')})` : 'not answering';
    const what = c.ports ? `${c.ports[0].containerPort} does not answer` : 'no heartbeat';
    step(`${s.tag} with its app ${how}: ${what}, turns unhealthy within the bound`, () => {
      if (fault === undefined || fault instanceof Error) throw fault ?? new Error('not watched');
      const within = suite.within(`${s.tag}: unhealthy after the app stopped answering`, fault / 1000, 0, bound.unhealthy / 1000, 's');
      let alive = '';
      if (s.faultPort) {
        // The app itself still runs, on the other port: only the checked port is gone.
        const pid = docker(['inspect', faultName(s), '--format', '{{.State.Pid}}']);
        const path0 = c.livenessProbe.httpGet.path;
        const code = fetchFromNetns(pid, `http://127.0.0.1:${s.faultPort}${path0}`, {}, 5000);
        if (code !== 200) throw new Error(`GET :${s.faultPort}${path0} gave HTTP ${code}: the app is not running on the moved port`);
        alive = `; GET :${s.faultPort}${path0} still HTTP ${code}`;
      }
      return `after ${within}: start period + interval x retries + timeout${alive}`;
    });
  }

  for (const s of services) {
    for (const n of [healthyName(s), faultName(s)]) docker(['rm', '-f', n], { allowFail: true });
    if (runnable.includes(s)) step(`${s.tag} image size`, () => mb(Number(docker(['image', 'inspect', s.tag, '--format', '{{.Size}}']))));
  }
  docker(['rm', '-f', aloneName], { allowFail: true });
  if (dnsStub?.pid !== undefined && dnsStub.exitCode === null) dnsStub.kill('SIGTERM');
  if (frontendDir) fs.rmSync(path.dirname(frontendDir), { recursive: true, force: true });
  fs.rmSync(path.dirname(resolvConf), { recursive: true, force: true });

  // Adoption: three multi-stage apps of test/e2e/adoption/, each from `check --emit-projenrc` to a healthy container.
  await runAdoption(suite);

  console.log(`e2e: finished in ${seconds(Date.now() - t0)}; images ${runnable.map((s) => s.tag).join(', ')} are left in the engine`);
  process.exitCode = suite.finish();
}

main().catch((e) => {
  console.error(e);
  suite.record('e2e', false, `stopped: ${(e as Error).message}`);
  process.exitCode = suite.finish();
});

