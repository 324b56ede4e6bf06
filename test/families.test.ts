import {
  BaseImage,
  CheckTool,
  ContainerService,
  ContainerServiceProps,
  DockerfileStage,
  Duration,
  HealthCheck,
  ImageFamily,
  FastApiBackend,
  GoService,
  Instruction,
  KubernetesProbes,
  NodeService,
  ServiceOutputs,
  StaticFrontend,
} from '../src';
import { lintDockerfile, lintPodFragment } from './lint';
import { dockerfileErrors, errorOf, listFiles, newProject, only, parseDockerfile, parseSnippet, stage, synth, validatePodFragment } from './util';

type Props = Omit<ContainerServiceProps, 'baseImage' | 'command'> & Partial<Pick<ContainerServiceProps, 'baseImage' | 'command'>>;

function service(props: Props = {}, id = 'svc') {
  const project = newProject();
  const warnings: string[] = [];
  const warn = project.logger.warn.bind(project.logger);
  project.logger.warn = (...args: any[]) => {
    warnings.push(args.join(' '));
    warn(...args);
  };
  const svc = new ContainerService(project, id, { baseImage: BaseImage.debian('debian:12-slim'), command: ['/app/run'], ...props });
  const files = synth(project);
  const name = svc.name;
  return {
    svc,
    files,
    warnings,
    dockerfile: files[`${name}/Dockerfile`],
    stages: parseDockerfile(files[`${name}/Dockerfile`]),
    k8s: parseSnippet(files[`k8s/${name}.yaml`]),
  };
}

/** The error a construction or synth throws, and the files left behind (none expected). */
function failure(props: Props) {
  const project = newProject();
  const message = errorOf(() => {
    new ContainerService(project, 'svc', { baseImage: BaseImage.debian('debian:12-slim'), command: ['/app/run'], ...props });
    project.synth();
  });
  return { message, written: listFiles(project.outdir).filter((f) => !f.startsWith('.projen') && f !== '.gitattributes' && f !== '.gitignore') };
}

function checkAll(r: ReturnType<typeof service>) {
  expect(lintDockerfile(r.dockerfile)).toEqual([]);
  expect(dockerfileErrors(r.dockerfile)).toEqual([]);
  expect(lintPodFragment(r.k8s)).toEqual([]);
  expect(() => validatePodFragment(r.k8s)).not.toThrow();
}

describe('ContainerService defaults (the general construct)', () => {
  const r = service();
  const prod = stage(r.stages, 'production');
  const c = r.k8s.containers[0];

  test('name is the construct id; Dockerfile in <name>/, snippet in k8s/<name>.yaml', () => {
    expect(r.svc.name).toBe('svc');
    expect(Object.keys(r.files)).toEqual(expect.arrayContaining(['svc/Dockerfile', 'svc/.dockerignore', 'k8s/svc.yaml']));
  });

  test('port 8080 feeds EXPOSE, the check URL, containerPort and every probe', () => {
    expect(only(prod, 'EXPOSE').args).toEqual(['8080/tcp']);
    expect(only(prod, 'HEALTHCHECK').json?.join(' ')).toContain('http://127.0.0.1:8080/healthz');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [] });
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
  });

  test('start period 10 s and start interval 2 s: startupProbe 5 x 2 s', () => {
    expect(only(prod, 'HEALTHCHECK').flags['start-period']).toBe('10s');
    expect(c.startupProbe).toMatchObject({ periodSeconds: 2, failureThreshold: 6, timeoutSeconds: 2 });
  });

  test('a plain Debian base lacks every check tool: wget (the cheapest, docs/performance.md) is installed in the final stage with the account', () => {
    const run = only(prod, 'RUN').args.join(' ');
    expect(run).toContain('apt-get install -y --no-install-recommends wget');
    expect(run).toContain('useradd --system --no-log-init --uid 1000 --gid 1000');
    expect(only(prod, 'HEALTHCHECK').json?.[2]).toMatch(/^wget -q -O \/dev\/null -T 10 /);
  });

  test('labels default to the name; user appuser 1000:1000; the final stage order is fixed', () => {
    expect(only(prod, 'LABEL').properties['org.opencontainers.image.title']).toBe('svc');
    expect(only(prod, 'LABEL').properties['org.opencontainers.image.description']).toBe('svc service');
    expect(prod.instructions.map((i) => i.keyword)).toEqual(['FROM', 'LABEL', 'RUN', 'USER', 'EXPOSE', 'HEALTHCHECK', 'CMD']);
    expect(only(prod, 'USER').args).toEqual(['1000:1000']);
    expect(only(prod, 'CMD').json).toEqual(['/app/run']);
  });

  test('readiness successThreshold 1 and no probe-level terminationGracePeriodSeconds by default', () => {
    expect(c.readinessProbe.successThreshold).toBe(1);
    expect(c.livenessProbe.terminationGracePeriodSeconds).toBeUndefined();
    expect(c.startupProbe.terminationGracePeriodSeconds).toBeUndefined();
  });

  test('passes the linter rules, dockerfile-utils and the Kubernetes schema', () => checkAll(r));
});

describe('base-image families', () => {
  test('BaseImage infers tools and accounts from the reference', () => {
    const tools = (b: BaseImage) => (b as any)._resolve('b').tools;
    const user = (b: BaseImage) => (b as any)._resolve('b').user;
    expect(tools(BaseImage.debian('python:3.12-slim'))).toEqual([CheckTool.PYTHON]);
    expect(tools(BaseImage.alpine('nginx:1.27-alpine'))).toEqual([CheckTool.WGET]);
    expect(tools(BaseImage.debian('node:22-bookworm-slim'))).toEqual([CheckTool.NODE]);
    expect(user(BaseImage.debian('node:22-bookworm-slim'))).toEqual({ name: 'node', uid: 1000, group: 'node', gid: 1000 });
    expect(user(BaseImage.debian('debian:12-slim'))).toBeUndefined();
    expect(user(BaseImage.distroless('gcr.io/distroless/static-debian12:nonroot'))).toEqual({ name: 'nonroot', uid: 65532, group: 'nonroot', gid: 65532 });
    expect((BaseImage.distroless('gcr.io/distroless/nodejs22-debian12:nonroot') as any)._resolve('b').programs).toEqual({ node: '/nodejs/bin/node' });
    const unpriv = BaseImage.fromReference('nginxinc/nginx-unprivileged:1.27-alpine');
    expect(unpriv.family).toBe(ImageFamily.ALPINE);
    expect(user(unpriv)).toEqual({ name: 'nginx', uid: 101, group: 'nginx', gid: 101 });
    expect(BaseImage.fromReference('gcr.io/distroless/static-debian12:nonroot').family).toBe(ImageFamily.DISTROLESS);
    expect(BaseImage.fromReference('nginxinc/nginx-unprivileged:1.27-bookworm').family).toBe(ImageFamily.DEBIAN);
  });

  test('the full python and node images have curl and wget (src/images/_facts.ts, as the checker knows): wget runs the check, nothing is installed', () => {
    const tools = (b: BaseImage) => (b as any)._resolve('b').tools;
    expect(tools(BaseImage.debian('python:3.12-bookworm'))).toEqual([CheckTool.WGET, CheckTool.CURL, CheckTool.PYTHON]);
    expect(tools(BaseImage.debian('node:22-bookworm'))).toEqual([CheckTool.WGET, CheckTool.CURL, CheckTool.PYTHON, CheckTool.NODE]);
    const r = service({ baseImage: BaseImage.debian('python:3.12-bookworm') });
    const prod = stage(r.stages, 'production');
    expect(only(prod, 'HEALTHCHECK').json?.[2]).toBe('wget -q -O /dev/null -T 10 http://127.0.0.1:8080/healthz || exit 1');
    expect(prod.instructions.find((i) => i.keyword === 'RUN')?.args.join(' ')).not.toContain('apt-get');
  });

  test('BaseImage refuses an unpinned reference', () => {
    expect(errorOf(() => BaseImage.debian('debian'))).toMatch(/^BaseImage.reference: must be .*; received "debian"$/);
    expect(errorOf(() => BaseImage.alpine('alpine:latest'))).toMatch(/^BaseImage.reference: must be/);
  });

  test('Alpine: BusyBox wget is already there, nothing installed; addgroup/adduser -S', () => {
    const r = service({ baseImage: BaseImage.alpine('alpine:3.20') });
    const prod = stage(r.stages, 'production');
    expect(only(prod, 'HEALTHCHECK').json).toEqual(['/bin/sh', '-c', 'wget -q -O /dev/null -T 10 http://127.0.0.1:8080/healthz || exit 1']);
    expect(only(prod, 'RUN').args.join(' ')).toBe(
      'addgroup -S -g 1000 appuser && adduser -S -D -H -u 1000 -G appuser -h /nonexistent -s /sbin/nologin appuser',
    );
    checkAll(r);
  });

  test('Alpine with a pipe in a RUN gets ash pipefail; Debian gets bash', () => {
    for (const [base, shell] of [[BaseImage.alpine('alpine:3.20'), '/bin/ash'], [BaseImage.debian('debian:12-slim'), '/bin/bash']] as const) {
      const r = service({ baseImage: base, instructions: [Instruction.run('A pipe.', ['echo a | tr a b > /tmp/x'])] });
      expect(only(stage(r.stages, 'production'), 'SHELL').json).toEqual([shell, '-o', 'pipefail', '-c']);
    }
  });

  test('distroless: no RUN at all, the runtime or a binary runs the check, user nonroot 65532', () => {
    const r = service({
      baseImage: BaseImage.distroless('gcr.io/distroless/nodejs22-debian12:nonroot'),
      instructions: [Instruction.copy('The app.', ['.'], '/app')],
      entrypoint: ['/nodejs/bin/node'],
      command: ['/app/server.js'],
    });
    const prod = stage(r.stages, 'production');
    expect(prod.instructions.filter((i) => i.keyword === 'RUN')).toEqual([]);
    expect(only(prod, 'HEALTHCHECK').json?.slice(0, 2)).toEqual(['/nodejs/bin/node', '-e']);
    expect(only(prod, 'USER').args).toEqual(['65532:65532']);
    expect(r.k8s.containers[0].securityContext).toMatchObject({ runAsUser: 65532, runAsGroup: 65532, runAsNonRoot: true });
    checkAll(r);
  });

  test('distroless static with a checkBinary: exec form [binary, url, timeout, headers]', () => {
    const r = service({
      baseImage: BaseImage.distroless('gcr.io/distroless/static-debian12:nonroot'),
      checkBinary: '/app/healthcheck',
      healthCheck: HealthCheck.httpGet({ path: '/live', headers: { 'X-Probe': 'docker' } }),
    });
    expect(only(stage(r.stages, 'production'), 'HEALTHCHECK').json).toEqual(['/app/healthcheck', 'http://127.0.0.1:8080/live', '10', 'X-Probe: docker']);
  });

  test('distroless refuses what needs a shell or a package manager, naming the field', () => {
    const distroless = BaseImage.distroless('gcr.io/distroless/static-debian12:nonroot');
    expect(failure({ baseImage: distroless }).message).toMatch(/^svc\.checkBinary: must be a health-check program in the image: .* has no shell, package manager or runtime that can run a httpGet check; set checkBinary to a program the stages copy in, or noDockerHealthcheck: true \(only the kubelet.s probes check the container\); received undefined$/);
    expect(failure({ baseImage: distroless, checkTool: CheckTool.CURL }).message).toBe(
      'svc.checkTool: must be a tool the final stage has (none) or can install (none: no package manager); declare tools your own instructions add in addedTools; received "curl"',
    );
    expect(failure({ baseImage: distroless, checkBinary: '/hc', systemPackages: ['ca-certificates'] }).message).toBe(
      'svc.systemPackages: must be empty for a distroless base image (it has no package manager); received ["ca-certificates"]',
    );
    const run = failure({ baseImage: distroless, checkBinary: '/hc', instructions: [Instruction.run('No shell here.', ['echo hi'])] });
    expect(run.message).toBe('svc/Dockerfile.stages[production].run: must be no RUN in a distroless stage (it has no shell; build in an earlier stage and COPY --from it); received "echo hi"');
    expect(run.written).toEqual([]);
  });

  test('nginx-unprivileged: runs as its nginx 101:101, no account; packages need USER 0:0 first, then back to 101', () => {
    const project = newProject();
    new StaticFrontend(project, 'web', { name: 'web', nginxImage: 'nginxinc/nginx-unprivileged:1.27-bookworm' });
    const files = synth(project);
    const prod = stage(parseDockerfile(files['web/Dockerfile']), 'production');
    const keywords = prod.instructions.map((i) => `${i.keyword}${i.keyword === 'USER' ? ` ${i.args[0]}` : ''}`);
    expect(keywords).toEqual(['FROM', 'LABEL', 'USER 0:0', 'RUN', 'COPY', 'COPY', 'USER 101:101', 'EXPOSE', 'HEALTHCHECK', 'STOPSIGNAL', 'CMD']);
    expect(only(prod, 'RUN').args.join(' ')).toBe('apt-get update && apt-get install -y --no-install-recommends wget && rm -rf /var/lib/apt/lists/*');
    expect(parseSnippet(files['k8s/web.yaml']).containers[0].securityContext.runAsUser).toBe(101);
    expect(lintDockerfile(files['web/Dockerfile'])).toEqual([]);
  });

  test('nginx-unprivileged on Alpine: nothing to install, no USER 0:0', () => {
    const project = newProject();
    new StaticFrontend(project, 'web', { name: 'web', nginxImage: 'nginxinc/nginx-unprivileged:1.27-alpine' });
    const prod = stage(parseDockerfile(synth(project)['web/Dockerfile']), 'production');
    expect(prod.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args[0])).toEqual(['101:101']);
    expect(prod.instructions.filter((i) => i.keyword === 'RUN')).toEqual([]);
  });

  test('a user with the base image account\'s uid is refused (useradd would fail on the duplicate)', () => {
    expect(failure({ baseImage: BaseImage.debian('node:22-bookworm-slim'), user: { uid: 1000 } }).message).toBe(
      "svc.user.uid: must be different from the base image's own account node (1000), or leave user unset to run as it; received 1000",
    );
  });

  test('a check tool the image lacks and cannot install is refused; addedTools declares one you copy in', () => {
    expect(failure({ checkTool: CheckTool.PYTHON }).message).toBe(
      'svc.checkTool: must be a tool the final stage has (none) or can install (curl, wget); declare tools your own instructions add in addedTools; received "python3"',
    );
    const r = service({ checkTool: CheckTool.PYTHON, addedTools: [CheckTool.PYTHON] });
    expect(only(stage(r.stages, 'production'), 'HEALTHCHECK').json?.slice(0, 2)).toEqual(['python3', '-c']);
    expect(stage(r.stages, 'production').instructions.find((i) => i.keyword === 'RUN')?.args.join(' ')).not.toContain('apt-get');
  });

  test('the default tool prefers an HTTP client over the runtime: wget installed in python and node images; the runtime where nothing installs', () => {
    for (const ref of ['python:3.12-slim', 'node:22-bookworm-slim']) {
      const r = service({ baseImage: BaseImage.debian(ref) });
      expect(only(stage(r.stages, 'production'), 'HEALTHCHECK').json?.[2]).toMatch(/^wget /);
      expect(stage(r.stages, 'production').instructions.find((i) => i.keyword === 'RUN')?.args.join(' ')).toContain('install -y --no-install-recommends wget');
    }
    const tcp = service({ baseImage: BaseImage.debian('python:3.12-slim'), healthCheck: HealthCheck.tcpSocket() });
    expect(only(stage(tcp.stages, 'production'), 'HEALTHCHECK').json?.[0]).toBe('python3');
    const packaged = service({ systemPackages: ['curl'] });
    expect(only(stage(packaged.stages, 'production'), 'HEALTHCHECK').json?.[2]).toMatch(/^curl /);
  });
});

describe('probe kinds and probe fields', () => {
  test('gRPC: Kubernetes grpc probe with the numeric port and service; grpc_health_probe for Docker', () => {
    const r = service({
      baseImage: BaseImage.alpine('alpine:3.20'),
      port: 50051,
      healthCheck: HealthCheck.grpc(),
      readinessCheck: HealthCheck.grpc({ service: 'ready' }),
      addedTools: [CheckTool.GRPC_HEALTH_PROBE],
    });
    const c = r.k8s.containers[0];
    expect(c.livenessProbe.grpc).toEqual({ port: 50051, service: '' });
    expect(c.startupProbe.grpc).toEqual({ port: 50051, service: '' });
    expect(c.readinessProbe.grpc).toEqual({ port: 50051, service: 'ready' });
    expect(only(stage(r.stages, 'production'), 'HEALTHCHECK').json).toEqual([
      '/bin/sh', '-c', 'grpc_health_probe -addr=127.0.0.1:50051 -connect-timeout=10s -rpc-timeout=10s || exit 1',
    ]);
    checkAll(r);
  });

  test('gRPC needs grpc_health_probe in the image, and only it runs gRPC checks', () => {
    expect(failure({ healthCheck: HealthCheck.grpc() }).message).toMatch(/^svc\.checkTool: must be a tool the final stage has \(none\) .*; received "grpc_health_probe"$/);
    expect(failure({ healthCheck: HealthCheck.grpc(), checkTool: CheckTool.CURL }).message).toBe(
      'svc.checkTool: must be a tool that can run a grpc check (CheckTool.GRPC_HEALTH_PROBE); received "curl"',
    );
    expect(failure({ healthCheck: HealthCheck.grpc({ service: 'a b' }) }).message).toBe('svc.healthCheck.service: must be at most 255 of [A-Za-z0-9._/-]; received "a b"');
  });

  test('gRPC on distroless runs without a shell and warns about exit status 2', () => {
    const r = service({
      baseImage: BaseImage.distroless('gcr.io/distroless/static-debian12:nonroot'),
      healthCheck: HealthCheck.grpc(),
      readinessCheck: HealthCheck.grpc({ service: 'ready' }),
      addedTools: [CheckTool.GRPC_HEALTH_PROBE],
    });
    expect(only(stage(r.stages, 'production'), 'HEALTHCHECK').json).toEqual([
      'grpc_health_probe', '-addr=127.0.0.1:8080', '-connect-timeout=10s', '-rpc-timeout=10s',
    ]);
    expect(r.warnings.join('\n')).toContain('svc.checkTool: grpc_health_probe runs without a shell here and exits 2 on a connection failure');
  });

  test('TCP and exec checks map to tcpSocket and exec probes', () => {
    const r = service({
      baseImage: BaseImage.debian('python:3.12-slim'),
      healthCheck: HealthCheck.tcpSocket(),
      readinessCheck: HealthCheck.exec(['/app/ready']),
    });
    const c = r.k8s.containers[0];
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(c.readinessProbe.exec).toEqual({ command: ['/app/ready'] });
    expect(only(stage(r.stages, 'production'), 'HEALTHCHECK').json?.[0]).toBe('python3');
    checkAll(r);
  });

  test('readinessSuccessThreshold and probeTerminationGracePeriod reach the right probes only', () => {
    const r = service({ readinessSuccessThreshold: 3, probeTerminationGracePeriod: Duration.seconds(15) });
    const c = r.k8s.containers[0];
    expect(c.readinessProbe.successThreshold).toBe(3);
    expect(c.livenessProbe.successThreshold).toBe(1);
    expect(c.startupProbe.successThreshold).toBe(1);
    expect(c.livenessProbe.terminationGracePeriodSeconds).toBe(15);
    expect(c.startupProbe.terminationGracePeriodSeconds).toBe(15);
    expect(c.readinessProbe.terminationGracePeriodSeconds).toBeUndefined();
    checkAll(r);
  });

  test('probe field bounds are checked', () => {
    expect(failure({ readinessSuccessThreshold: 0 }).message).toBe('svc.readinessSuccessThreshold: must be an integer from 1 to 100; received 0');
    expect(failure({ probeTerminationGracePeriod: Duration.millis(1500) }).message).toBe(
      'svc.probeTerminationGracePeriod: must be a whole number of seconds (Kubernetes probes take whole seconds); received "1500ms"',
    );
  });
});

describe('your own stages and instructions', () => {
  const build = () => new DockerfileStage({ name: 'build', from: 'golang:1.23-bookworm', comment: 'Build.' }).add(
    Instruction.run('Build.', ['go build -o /out/app .']),
  );

  test('build stages come first, the final stage last; instructions sit before USER', () => {
    const r = service({ buildStages: [build()], instructions: [Instruction.copy('The app.', ['/out/app'], '/app/run', { from: 'build' })] });
    expect(r.stages.map((s) => s.name)).toEqual(['build', 'production']);
    const keywords = stage(r.stages, 'production').instructions.map((i) => i.keyword);
    expect(keywords.indexOf('COPY')).toBeLessThan(keywords.indexOf('USER'));
  });

  test('from and setupStage put the setup into a shared stage the final stage descends from', () => {
    const base = new DockerfileStage({ name: 'base', from: 'debian:12-slim', comment: 'Shared base.' }).add(Instruction.workdir('App dir.', '/app'));
    const r = service({ buildStages: [base], from: 'base', setupStage: 'base' });
    expect(stage(r.stages, 'base').instructions.map((i) => i.keyword)).toEqual(['FROM', 'WORKDIR', 'RUN']);
    expect(stage(r.stages, 'production').instructions.filter((i) => i.keyword === 'RUN')).toEqual([]);
    expect(stage(r.stages, 'production').from).toBe('base');
  });

  test('from / setupStage mistakes fail at synth, naming the field, and write nothing', () => {
    const missing = failure({ from: 'nope' });
    expect(missing.message).toBe('svc.from: must be the name of a build stage (none); received "nope"');
    expect(missing.written).toEqual([]);
    const other = new DockerfileStage({ name: 'other', from: 'alpine:3.20', comment: 'Another base.' });
    expect(failure({ buildStages: [other], from: 'other' }).message).toBe('svc.from: must be a stage descending from the base image debian:12-slim; received "alpine:3.20"');
    const base = new DockerfileStage({ name: 'base', from: 'debian:12-slim', comment: 'Shared base.' });
    expect(failure({ buildStages: [base, build()], setupStage: 'build' }).message).toBe(
      'svc.setupStage: must be a build stage the final stage descends from (none); received "build"',
    );
  });

  test('USER, EXPOSE, HEALTHCHECK, STOPSIGNAL, CMD and ENTRYPOINT come from the model, never from instructions', () => {
    const other = 'must be an instruction other than USER, EXPOSE, HEALTHCHECK, STOPSIGNAL, CMD and ENTRYPOINT (the container writes those from the model: stopSignal, entrypoint, command)';
    expect(failure({ instructions: [Instruction.expose('Another port.', 9000)] }).message).toBe(`svc.instructions[0]: ${other}; received "EXPOSE"`);
    expect(failure({ instructions: [Instruction.stopSignal('Graceful stop.', 'SIGQUIT')] }).message).toBe(`svc.instructions[0]: ${other}; received "STOPSIGNAL"`);
  });

  test('stopSignal: STOPSIGNAL after HEALTHCHECK, before CMD; none by default; a bad name refused', () => {
    const dockerfileOf = (extra: Record<string, unknown>) => {
      const project = newProject();
      new ContainerService(project, 'svc', { baseImage: BaseImage.debian('debian:12-slim'), command: ['/app/serve'], ...extra });
      return synth(project)['svc/Dockerfile'];
    };
    expect(dockerfileOf({})).not.toContain('STOPSIGNAL');
    const df = dockerfileOf({ stopSignal: 'SIGQUIT' });
    expect(df).toContain("# Stop signal SIGQUIT, the program's graceful shutdown (docker stop, Compose and the kubelet, through the container runtime, send it first).\nSTOPSIGNAL SIGQUIT\n");
    expect(df.indexOf('STOPSIGNAL')).toBeGreaterThan(df.indexOf('HEALTHCHECK'));
    expect(df.indexOf('STOPSIGNAL')).toBeLessThan(df.indexOf('\nCMD ['));
    expect(failure({ stopSignal: 'QUIT; rm -rf /' }).message).toBe('svc.stopSignal: must be a signal name like SIGTERM or SIGQUIT; received "QUIT; rm -rf /"');
  });

  test('command must be a non-empty argv', () => {
    expect(failure({ command: [] }).message).toBe('svc.command: must be a non-empty argv array; received []');
  });
});

describe('a new user\'s review: what they broke, now refused or fixed', () => {
  const grpcService = (project: ReturnType<typeof newProject>) => new ContainerService(project, 'grpc', {
    baseImage: BaseImage.alpine('alpine:3.20'),
    port: 50051,
    healthCheck: HealthCheck.grpc(),
    readinessCheck: HealthCheck.grpc({ service: 'ready' }),
    addedTools: [CheckTool.GRPC_HEALTH_PROBE],
    command: ['/app/server'],
  });

  test('every output of ServiceOutputs handles a gRPC service (the report crashed)', () => {
    const project = newProject();
    const svc = grpcService(project);
    new ServiceOutputs(project, 'outputs', { services: [svc] });
    const files = synth(project);
    const report = files['docs/health-alignment.md'];
    expect(report).toContain('grpc whole server on port `50051`');
    expect(report).toContain('grpc service `ready` on port `50051`');
    expect(files['compose.yaml']).toContain('grpc_health_probe -addr=127.0.0.1:50051');
    expect(KubernetesProbes.of(svc).livenessProbe.grpc).toEqual({ port: 50051, service: '' });
  });

  test('a gRPC container\'s port is named grpc by default (meshes read the protocol from the name)', () => {
    const project = newProject();
    grpcService(project);
    expect(parseSnippet(synth(project)['k8s/grpc.yaml']).containers[0].ports[0]).toEqual({ name: 'grpc', containerPort: 50051, protocol: 'TCP' });
  });

  test('a family that contradicts the reference is refused (apk on a slim image would not build)', () => {
    expect(errorOf(() => BaseImage.alpine('python:3.12-slim'))).toBe(
      'BaseImage.reference: must be an image of the alpine family (the reference names a debian image); received "python:3.12-slim"',
    );
    expect(errorOf(() => BaseImage.debian('nginx:1.27-alpine'))).toMatch(/^BaseImage\.reference: must be an image of the debian family/);
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { baseImage: 'python:3.12-slim', imageFamily: ImageFamily.ALPINE }))).toBe(
      'backend.imageFamily: must be the family of baseImage python:3.12-slim (debian), which the reference names: leave imageFamily unset, or set baseImage to a pinned alpine image; received "alpine"',
    );
    expect(errorOf(() => new StaticFrontend(newProject(), 'frontend', { imageFamily: ImageFamily.DEBIAN }))).toMatch(/^frontend\.imageFamily: must be the family of nginxImage nginx:1.27-alpine \(alpine\), which the reference names: leave imageFamily unset, or set nginxImage to a pinned debian image/);
    expect(errorOf(() => new NodeService(newProject(), 'api', { imageFamily: ImageFamily.DISTROLESS }))).toMatch(/^api\.imageFamily: must be the family of runtimeImage node:22-bookworm-slim \(debian\)/);
    // A reference that does not say keeps the family it is given.
    expect(BaseImage.alpine('registry.example/python-custom:1.0').family).toBe(ImageFamily.ALPINE);
  });

  test('an account the image creates: ids from 1000 and names base images do not have (the build would fail)', () => {
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { user: { name: 'web', uid: 33, gid: 33 } }))).toBe(
      "backend.user.uid: must be from 1000 for an account the image creates (lower ids are the system range, where base images keep their own accounts: www-data 33, nginx 101, postgres 999); to run as an account the base image has, set user { name: 'www-data', uid: 33, group: 'www-data', gid: 33, existing: true }; received 33",
    );
    expect(errorOf(() => new StaticFrontend(newProject(), 'frontend', { user: { uid: 2000, gid: 101 } }))).toMatch(/^frontend\.user\.gid: must be from 1000 /);
    expect(errorOf(() => new StaticFrontend(newProject(), 'frontend', { user: { name: 'nginx', uid: 2000, gid: 2000 } }))).toBe(
      "frontend.user.name: must be a name base images do not already have (creating it would fail the build); to run as the base image's own nginx, set user { name: 'nginx', uid: 101, group: 'nginx', gid: 101, existing: true }; received \"nginx\"",
    );
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { user: { group: 'www-data' } }))).toMatch(/^backend\.user\.group: must be a name base images/);
    // No account is created on distroless: any numeric id is fine there.
    const project = newProject();
    new GoService(project, 'server', { user: { uid: 500, gid: 500 } });
    expect(only(stage(parseDockerfile(synth(project)['server/Dockerfile']), 'production'), 'USER').args).toEqual(['500:500']);
  });

  test('the Go health program does not speak gRPC: a gRPC check there is refused, not silently a TCP connect', () => {
    expect(errorOf(() => new GoService(newProject(), 'server', { port: 50051, healthCheck: HealthCheck.grpc(), readinessCheck: HealthCheck.grpc({ service: 'r' }) }))).toMatch(
      /^server\.healthCheck: must be an HTTP or TCP check for the generated health program \(it does not speak gRPC; .*\); received "grpc"$/,
    );
  });

  test('the Go health program sends a Host header as the request Host (Go ignores Header["Host"])', () => {
    const project = newProject();
    new GoService(project, 'server', { healthCheck: HealthCheck.httpGet({ path: '/h', headers: { Host: 'svc.local' } }) });
    const files = synth(project);
    expect(only(stage(parseDockerfile(files['server/Dockerfile']), 'production'), 'HEALTHCHECK').json).toEqual(['/app/healthcheck', 'http://127.0.0.1:8080/h', '10', 'Host: svc.local']);
    expect(files['server/cmd/healthcheck/main.go']).toContain('if strings.EqualFold(name, "Host") {\n\t\t\t\treq.Host = value');
  });

  test('a TCP check on Alpine without a runtime names checkTool (Alpine has a shell and apk)', () => {
    expect(failure({ baseImage: BaseImage.alpine('alpine:3.20'), healthCheck: HealthCheck.tcpSocket(), readinessCheck: HealthCheck.tcpSocket() }).message).toBe(
      'svc.checkTool: must be a tool that can run a tcpSocket check in alpine:3.20 (CheckTool.PYTHON or CheckTool.NODE where the image has it, declared in addedTools if you add it), or use checkBinary or an exec check; received undefined',
    );
  });
});

test('a container\'s Dockerfile takes stages only through the container (its order is the model\'s)', () => {
  const project = newProject();
  const svc = new ContainerService(project, 'svc', { baseImage: BaseImage.debian('debian:12-slim'), command: ['/app/run'] });
  const stageOf = () => new DockerfileStage({ name: 'extra', from: 'debian:12-slim', comment: 'Extra.' });
  expect(errorOf(() => svc.dockerfile.addStage(stageOf()))).toBe(
    'svc/Dockerfile.stages: must be added through the container that owns this Dockerfile (addBuildStage); received extra',
  );
  svc.addBuildStage(stageOf());
  expect(svc.dockerfile.stages.map((s) => s.name)).toEqual(['extra', 'production']);
  expect(errorOf(() => svc.addBuildStage({ name: 'x' } as any))).toMatch(/^svc\.buildStages: must be DockerfileStage instances; received/);
});

test('Compose builds the final stage the container names (stageName), not always production', () => {
  const project = newProject();
  const svc = new ContainerService(project, 'svc', { baseImage: BaseImage.debian('debian:12-slim'), command: ['/app/run'], stageName: 'runtime' });
  new ServiceOutputs(project, 'outputs', { services: [svc] });
  const files = synth(project);
  expect(parseDockerfile(files['svc/Dockerfile']).map((s) => s.name)).toEqual(['runtime']);
  expect(parseSnippet(files['compose.yaml']).services.svc.build).toEqual({ context: './svc', target: 'runtime' });
});

describe('conflicting options name both options and the fix', () => {
  test('pythonVersion with baseImage: pythonVersion would be dropped unseen', () => {
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { pythonVersion: '3.13', baseImage: 'python:3.12-slim' }))).toBe(
      'backend.pythonVersion: must be unset when baseImage is set ("python:3.12-slim" decides the Python version): drop pythonVersion, or drop baseImage to get python:3.13-slim; received "3.13"',
    );
  });

  test('imageFamily ALPINE with the default (Debian) base image suggests baseImage', () => {
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { pythonVersion: '3.13', imageFamily: ImageFamily.ALPINE }))).toBe(
      'backend.imageFamily: must be unset or DEBIAN while baseImage is the default python:3.13-slim (Debian): for Alpine set baseImage instead, e.g. baseImage: \'python:3.13-alpine\' (imageFamily then follows it); received "alpine"',
    );
    // The suggested fix synthesizes, on Alpine.
    const project = newProject();
    new FastApiBackend(project, 'backend', { baseImage: 'python:3.13-alpine' });
    const dockerfile = synth(project)['backend/Dockerfile'];
    expect(dockerfile).toContain('FROM python:3.13-alpine AS base');
    expect(dockerfile).toContain('addgroup -S -g 1000 appuser');
  });

  test('a Debian package name on an Alpine base (after a switch) is refused with the Alpine name', () => {
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { baseImage: 'python:3.12-alpine', systemPackages: ['libpq', 'build-essential'] }))).toBe(
      'backend.systemPackages[1]: must be an Alpine package name for apk (the base image python:3.12-alpine is Alpine); \'build-essential\' is Debian\'s name: use \'build-base\'; received "build-essential"',
    );
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { baseImage: 'python:3.12-alpine', systemPackages: ['apt-transport-https'] }))).toMatch(
      /^backend\.systemPackages\[0\]: must be an Alpine package name .*: remove it \(nothing: apk needs no such package\)/,
    );
  });

  test('an Alpine package name on a Debian base is refused with the Debian name; names of both pass', () => {
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { systemPackages: ['musl-dev=1.2.5-r0'] }))).toBe(
      'backend.systemPackages[0]: must be a Debian package name for apt-get (the base image python:3.12-slim is Debian); \'musl-dev\' is Alpine\'s name: use \'libc6-dev\'; received "musl-dev=1.2.5-r0"',
    );
    const project = newProject();
    new FastApiBackend(project, 'backend', { systemPackages: ['libpq-dev', 'gcc'] });
    expect(synth(project)['backend/Dockerfile']).toMatch(/apt-get install -y --no-install-recommends .*gcc/);
  });
});
