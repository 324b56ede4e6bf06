/**
 * --emit-projenrc carries over what real apps have (issue 26 item 2), on small fixtures written for this test
 * (test/check/fixtures/carry/<shape>: an app/Dockerfile and a deployment.yaml): a shell-form CMD, the manifest's probe
 * timing, the process count, Secret/ConfigMap mounts and writable paths, build stages; a probe on another port or
 * HTTPS refused with the reason; no invented health route. Each fragment compiles and synthesizes unedited.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import * as ts from 'typescript';
import { fragmentTypeErrors } from './fragment-util';
import * as lib from '../../src';
import { emitProjenrc } from '../../src/check/adopt/_emit-projenrc';
import { readDockerfile, readManifests } from '../../src/check/read';

const fixtures = path.join(__dirname, 'fixtures', 'carry');

/** The fragment of a fixture: its app/Dockerfile paired with every container of its deployment.yaml. */
function fragmentOf(shape: string): string {
  const cwd = path.join(fixtures, shape);
  const image = readDockerfile(path.join(cwd, 'app', 'Dockerfile'), cwd);
  return emitProjenrc(readManifests(path.join(cwd, 'deployment.yaml'), cwd).map((container) => ({ container, image })), cwd);
}

/** Runs the fragment as printed in a fresh project and returns the generated files it names. */
function synth(fragment: string, files: string[]): Record<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-carry-'));
  try {
    const js = ts.transpileModule(fragment, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
    const project = new Project({ name: 'adopted', outdir });
    new Function('require', 'exports', 'project', js)(() => lib, {}, project);
    project.synth();
    return Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Type errors of the fragment as a .projenrc.ts (fragment-util.ts). */
const typeErrors = (fragment: string): string[] => fragmentTypeErrors(fragment, '__carry__.ts');

describe('--emit-projenrc carries over what the app does', () => {
  test('a shell-form CMD stays shell form: /bin/sh -c with $PORT, ${WORKERS:-2}, the quotes and 2>&1 as written; ENV and the build steps carried', () => {
    const f = fragmentOf('shell-cmd');
    expect(f).toContain('  command: ["/bin/sh", "-c", "gunicorn -b :$PORT --workers ${WORKERS:-2}     \\"app:create_app()\\" 2>&1"],');
    expect(f).toContain('  commandComment: "Shell form as the original Dockerfile wrote it: /bin/sh expands variables and redirections, and receives the stop signal (prefix the command with exec to pass it on).",');
    expect(f).toContain('    Instruction.env("app/Dockerfile:6 ENV, as the original writes it.", { "PORT": "8080" }),');
    // The probe's request headers are carried.
    expect(f).toContain('  healthCheck: HealthCheck.httpGet({ path: "/healthz", headers: { "X-Probe": "kubelet" } }),');
    expect(f).toContain('    Instruction.run("app/Dockerfile:4 RUN, as the original writes it.", ["pip install --no-cache-dir -r requirements.txt"]),');
    const out = synth(f, ['app/Dockerfile']);
    // Docker stores a shell-form CMD as exactly this argv: the shell expands the variables at run time, as before.
    expect(out['app/Dockerfile']).toContain('CMD ["/bin/sh", "-c", "gunicorn -b :$PORT --workers ${WORKERS:-2}     \\"app:create_app()\\" 2>&1"]');
    expect(out['app/Dockerfile']).toContain('ENV PORT="8080"');
    expect(typeErrors(f)).toEqual([]);
  }, 120_000);

  test('no readinessProbe in the manifest: a TCP check with a comment saying so, never an invented route', () => {
    const f = fragmentOf('shell-cmd');
    expect(f).toContain('  // deployment.yaml: the original has no readinessProbe (Ready once started); a TCP check on the port is the closest. Set readinessCheck to the app\'s own readiness route to choose another.\n  readinessCheck: HealthCheck.tcpSocket(),');
    expect(f).toContain('// not carried over: readinessProbe: none in deployment.yaml; now a TCP check on port 8080 (choose with readinessCheck)');
    expect(f).not.toContain('/readyz');
    expect(f).toContain('// not carried over: startupProbe: none in deployment.yaml; the model adds one with the liveness check and the construct\'s default start period, which only gives a slow start more time (set timing.startPeriod to choose)');
    const k8s = synth(f, ['k8s/web.yaml'])['k8s/web.yaml'];
    expect(k8s).not.toContain('/readyz');
    expect(k8s).toMatch(/readinessProbe:\n\s+tcpSocket:\n\s+port: http/);
  }, 120_000);

  test('FastAPI: one process without --workers; the startupProbe budget with its initialDelaySeconds, the readiness and liveness timing of the manifest', () => {
    const f = fragmentOf('fastapi-timing');
    expect(f).toContain('new FastApiBackend(project, "api", {');
    expect(f).toContain('  workers: 1,');
    // Liveness timing from the manifest, not the HEALTHCHECK (30s/10s/3); the startup budget 60 + 10 x (3 - 1) = 80 s.
    expect(f).toContain('  timing: { interval: Duration.seconds(20), timeout: Duration.seconds(2), startPeriod: Duration.seconds(80), startInterval: Duration.seconds(10), retries: 5 },');
    expect(f).toContain('  readinessTiming: { period: Duration.seconds(15), timeout: Duration.seconds(5), failureThreshold: 2, successThreshold: 1 },');
    expect(f).toContain('// not carried over: Dockerfile:9 HEALTHCHECK --interval: 30s becomes 20s'.replace('Dockerfile', 'app/Dockerfile'));
    expect(f).toContain('// not carried over: deployment.yaml:17 startupProbe initialDelaySeconds 60, failureThreshold 3: becomes initialDelaySeconds 0 with a failureThreshold giving the same 80 s budget');
    const out = synth(f, ['app/Dockerfile', 'k8s/api.yaml']);
    expect(out['app/Dockerfile']).toContain('"--workers", "1"');
    const k8s = out['k8s/api.yaml'];
    // startupProbe: period 10, failureThreshold 9: 10 x (9 - 1) = 80 s, the original's budget.
    expect(k8s).toMatch(/startupProbe:[\s\S]*?periodSeconds: 10\n[\s\S]*?failureThreshold: 9\n/);
    expect(k8s).toMatch(/readinessProbe:[\s\S]*?periodSeconds: 15\n\s+timeoutSeconds: 5\n\s+successThreshold: 1\n\s+failureThreshold: 2\n/);
    expect(k8s).toMatch(/livenessProbe:[\s\S]*?periodSeconds: 20\n\s+timeoutSeconds: 2\n\s+successThreshold: 1\n\s+failureThreshold: 5\n/);
  }, 120_000);

  test('probes on two ports are carried (no refusal for the port); a probe host and an HTTPS probe: refused, each reason with its fix', () => {
    const f = fragmentOf('probe-port');
    const first = f.split('\n').filter((l) => l.startsWith('// not adopted')).join('; ');
    expect(first).not.toContain('port is 9440');
    expect(first).toContain('; // not adopted (2/2): deployment.yaml:20 readinessProbe.httpGet.scheme is HTTPS: the model\'s checks are plain HTTP (its servers serve HTTP; TLS ends in front of them); fix: probe a plain-HTTP health port, or keep this container\'s files as they are');
    expect(first).toContain('// not adopted (1/2): deployment.yaml:20 readinessProbe.httpGet.host is 10.0.0.1: the model\'s probes go to the pod IP (host is never written)');
    expect(f).not.toMatch(/^new /m);
  });

  test('a controller probing its health port (not its first, metrics port): the first port is the service port, the health port an additional port the checks use; liveness delay mapped back', () => {
    const f = fragmentOf('health-port');
    expect(f).toContain('  port: 8080,\n  portName: "metrics",\n  additionalPorts: [{ name: "healthz", containerPort: 9440 }],\n  healthCheck: HealthCheck.httpGet({ path: "/healthz", port: 9440 }),\n  readinessCheck: HealthCheck.httpGet({ path: "/readyz", port: 9440 }),');
    expect(f).not.toContain('containerPort 8080 (metrics)');
    expect(f).toContain('  timing: { interval: Duration.seconds(20), timeout: Duration.seconds(1), startPeriod: Duration.seconds(15), retries: 3 },\n  startPeriodMapping: StartPeriodMapping.INITIAL_DELAY,');
    expect(f).toContain('// not carried over: deployment.yaml:22 readinessProbe initialDelaySeconds 5 becomes 15 (the livenessProbe\'s delay)');
    const k8s = synth(f, ['k8s/manager.yaml'])['k8s/manager.yaml'];
    expect(k8s).toMatch(/livenessProbe:\n\s+httpGet:\n\s+path: \/healthz\n\s+port: healthz\n[\s\S]*?initialDelaySeconds: 15\n\s+periodSeconds: 20\n/);
    expect(k8s).toContain('containerPort: 9440');
    expect(k8s).toMatch(/- name: metrics\n\s+containerPort: 8080\n\s+protocol: TCP\n\s+- name: healthz\n\s+containerPort: 9440\n/);
    expect(typeErrors(f)).toEqual([]);
  }, 120_000);

  test('Secret and ConfigMap mounts stay the user\'s (named, never an emptyDir); emptyDir and VOLUME paths stay writable; args and env named, extra ports carried', () => {
    const f = fragmentOf('mounts');
    expect(f).toContain('  writablePaths: ["/tmp", "/var/cache/syncer", "/data"],');
    expect(f).toContain('// not carried over: deployment.yaml:35 secret volume ssh-key at /home/app/.ssh (read-only): the generated snippet writes emptyDir volumes only; keep this volume and its mount in your workload');
    expect(f).toContain('// not carried over: deployment.yaml:38 configMap volume config at /config: the generated snippet writes emptyDir volumes only; keep this volume and its mount in your workload');
    expect(f).toContain('// changes: env LOG_LEVEL: debug -> (none)');
    expect(f).toContain('// changes: envFrom configMapRef:syncer-config: set -> (none)');
    expect(f).toContain('// changes: volumeMount /home/app/.ssh: secret:syncer-ssh read-only -> (none)');
    expect(f).toContain('  additionalPorts: [{ name: "metrics", containerPort: 9090 }],');
    expect(f).toContain('// not carried over: manifest args ["--listen",":8080","--repo","git@example.com:org/repo.git"] (deployment.yaml:13) replace the CMD at run time');
    expect(f).toContain('  entrypoint: ["/usr/local/bin/syncer"],\n  command: ["--listen", ":8080"],');
    // A step no Instruction factory writes as it is (a secret mount) is named once, with the reason.
    expect(f.split('\n').filter((l) => l.includes('app/Dockerfile:4 RUN'))).toEqual(['// not carried over: app/Dockerfile:4 RUN test -s /run/secrets/token: RUN --mount=type=secret,id=token (a bind or secret mount; add it with RunMount)']);
    const k8s = synth(f, ['k8s/syncer.yaml'])['k8s/syncer.yaml'];
    expect(k8s).not.toContain('.ssh');
    expect(k8s).not.toContain('/config');
    expect(k8s).toContain('mountPath: /var/cache/syncer');
  }, 120_000);

  test('a multi-stage Go build keeps its build stage as DockerfileStage code; the unused test stage is named', () => {
    const f = fragmentOf('go-multistage');
    // FROM golang:${GO_VERSION}-bookworm as written, its global ARG declared with its default (--build-arg still sets it).
    expect(f).toContain('    new DockerfileStage({ name: "builder", from: "golang:${GO_VERSION}-bookworm", comment: "Stage builder of app/Dockerfile (line 2), as the original writes it." }).add(');
    expect(f).toContain('  globalArgs: [\n    Instruction.arg("app/Dockerfile:1 ARG, as the original writes it (--build-arg GO_VERSION=<value> replaces the default).", "GO_VERSION", "1.22.10"),\n  ],');
    expect(f).toContain('      Instruction.run("app/Dockerfile:7 RUN, as the original writes it.", ["CGO_ENABLED=0 go build -o /out/server ./cmd/server"]),');
    expect(f).toContain('    Instruction.copy("app/Dockerfile:14 COPY, as the original writes it.", ["/out/server"], "/app/server", { from: "builder" }),');
    expect(f).toContain('// not carried over: app/Dockerfile:9 stage test: the final stage does not need it (not written)');
    const d = synth(f, ['app/Dockerfile'])['app/Dockerfile'];
    expect(d).toMatch(/^ARG GO_VERSION="1\.22\.10"\n[\s\S]*^FROM golang:\$\{GO_VERSION\}-bookworm AS builder$/m);
    expect(d).toContain('RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server');
    expect(d).toMatch(/^COPY --from=builder \/out\/server \/app\/server$/m);
    expect(d).toContain('CMD ["/app/server"]');
    expect(typeErrors(f)).toEqual([]);
  }, 120_000);

  test('two workloads sharing a container name and a Dockerfile: both handled, the second named with its reason', () => {
    const f = fragmentOf('two-workloads');
    expect(f).toContain('new ContainerService(project, "api-app", {');
    expect(f).toContain('// not adopted: the Dockerfile of api-app (one construct writes one Dockerfile); fix: give this workload its own Dockerfile (dockerfileName)');
    expect(f).toContain('// new ContainerService(project, "worker-app", {');
    expect(f).toContain('// not carried over: manifest args ["node","worker.js"] (deployment.yaml:28)');
    // A step after a mid-stage USER ran as that user: named (the construct runs its instructions as root).
    expect(f).toContain('// not carried over: app/Dockerfile:5 RUN ran as USER node (line 4); the construct runs it as root and switches to the user at the end');
    synth(f, ['app/Dockerfile']);
  }, 120_000);
});
