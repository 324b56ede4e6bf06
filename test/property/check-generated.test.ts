// The checker on the generator's own files: for random valid models, `projen-containers check` finds nothing, of any severity.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { Project } from 'projen';
import { BackendModel, backendModel, CommonModel, frontendModel, sharedOptions, SEED, timing } from './model';
import { BaseImage, ContainerService, Duration, FastApiBackend, HealthCheck, NodeService, ServiceOutputs, StartPeriodMapping, StaticFrontend } from '../../src';
import { check } from '../../src/check/_check';

/** Projects per run (each a backend and a frontend): 1,000 by default; FC_CHECK_RUNS overrides it. */
const RUNS = Number(process.env.FC_CHECK_RUNS ?? 1000);

/**
 * What the shared models leave out, drawn here so that the space spans every kind of check and service: uvicorn
 * workers, a shell-form liveness check, tcpSocket and exec readiness checks on the backend, a health port of its own
 * and a metrics port (additionalPorts) on the backend, a worker (a service without a port, checked by an exec
 * heartbeat) with its own timing and start-period mapping, and a distroless service only the kubelet's probes check
 * (noDockerHealthcheck).
 */
interface Extras {
  readonly workers: number;
  readonly shellLiveness: boolean;
  readonly readiness?: 'tcpSocket' | 'exec';
  readonly worker?: { readonly timing: CommonModel['timing']; readonly mapping: StartPeriodMapping; readonly startIntervalFlag: boolean };
  /** The backend's additionalPorts: a health port of its own (checked by the liveness or readiness check, or neither) and maybe a metrics port. */
  readonly healthPort?: { readonly port: number; readonly probedBy: 'liveness' | 'readiness' | 'none'; readonly metrics?: number };
  /** A shell-less (distroless) service with no Docker health check (`noDockerHealthcheck`): only its probes check it. */
  readonly shellless?: 'httpGet' | 'tcpSocket' | 'grpc';
}
const extras: fc.Arbitrary<Extras> = fc.record({
  workers: fc.integer({ min: 1, max: 16 }),
  shellLiveness: fc.boolean(),
  readiness: fc.option(fc.constantFrom('tcpSocket' as const, 'exec' as const), { nil: undefined }),
  worker: fc.option(fc.record({
    timing,
    mapping: fc.constantFrom(StartPeriodMapping.STARTUP_PROBE, StartPeriodMapping.INITIAL_DELAY),
    startIntervalFlag: fc.boolean(),
  }), { nil: undefined }),
  healthPort: fc.option(fc.record({
    port: fc.integer({ min: 1024, max: 65535 }),
    probedBy: fc.constantFrom('liveness' as const, 'readiness' as const, 'none' as const),
    metrics: fc.option(fc.integer({ min: 1024, max: 65535 }), { nil: undefined }),
  }, { requiredKeys: ['port', 'probedBy'] }), { nil: undefined }),
  shellless: fc.option(fc.constantFrom('httpGet' as const, 'tcpSocket' as const, 'grpc' as const), { nil: undefined }),
}, { requiredKeys: ['workers', 'shellLiveness'] });

/** The shell-less service's port (the backend and frontend models draw others: filtered). */
const SHELLLESS_PORT = 9440;

const heartbeat = HealthCheck.exec(['node', '-e', 'process.exit(Date.now() - require("fs").statSync("/tmp/heartbeat").mtimeMs < 30000 ? 0 : 1)']);

/**
 * Synthesizes a project of one backend, one frontend and maybe a worker, with every output (compose, kustomize, Helm,
 * report) into a fresh temp folder; returns the folder and the warnings the generator logged.
 */
function synthProject(b: BackendModel, f: CommonModel, x: Extras): { outdir: string; warnings: string[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-check-generated-'));
  // Synth writes files projen itself owns (.gitignore, .projen/); the checker skips dot folders, as in a user's project.
  const project = new Project({ name: 'p', outdir });
  const warnings: string[] = [];
  project.logger.warn = (...text: any[]) => void warnings.push(text.map(String).join(' '));
  const shared = sharedOptions(b);
  // The health port and the metrics port: numbers other than the service port's and each other's.
  const h = x.healthPort;
  const hp = h && h.port !== b.port && h.metrics !== h.port && h.metrics !== b.port ? h : undefined;
  const backend = new FastApiBackend(project, 'backend', {
    ...shared,
    ...(x.shellLiveness ? { healthCheck: HealthCheck.shell('test -d /proc/1') } : {}),
    ...(x.readiness === 'tcpSocket' ? { readinessCheck: HealthCheck.tcpSocket() } : {}),
    ...(x.readiness === 'exec' ? { readinessCheck: HealthCheck.exec(['python3', '-c', 'import sys; sys.exit(0)']) } : {}),
    ...(hp ? { additionalPorts: [{ name: 'health-port', containerPort: hp.port }, ...(hp.metrics !== undefined ? [{ name: 'metrics-port', containerPort: hp.metrics }] : [])] } : {}),
    ...(hp?.probedBy === 'liveness' ? { healthCheck: HealthCheck.httpGet({ path: '/livez', port: hp.port }) } : {}),
    ...(hp?.probedBy === 'readiness' ? { readinessCheck: HealthCheck.tcpSocket({ port: hp.port }) } : {}),
    workers: x.workers,
    pythonVersion: b.alpine ? undefined : b.pythonVersion,
    baseImage: b.alpine ? `python:${b.pythonVersion}-alpine` : undefined,
  });
  const frontend = new StaticFrontend(project, 'frontend', { ...sharedOptions(f), nginxImage: f.alpine ? 'nginx:1.27-alpine' : 'nginx:1.27-bookworm' });
  const services: Array<FastApiBackend | StaticFrontend | NodeService | ContainerService> = [backend, frontend];
  if (x.worker) {
    const t = x.worker.timing;
    const sec = (n: number) => Duration.seconds(n);
    services.push(new NodeService(project, 'worker', {
      name: 'worker',
      noPort: true,
      main: 'worker.js',
      healthCheck: heartbeat,
      timing: {
        interval: sec(t.interval), timeout: sec(t.timeout), startPeriod: sec(t.startPeriod), startInterval: sec(t.startInterval), retries: t.retries,
      },
      startPeriodMapping: x.worker.mapping,
      dockerStartInterval: x.worker.startIntervalFlag,
    }));
  }
  if (x.shellless) {
    const liveness = x.shellless === 'httpGet' ? HealthCheck.httpGet({ path: '/healthz' }) : x.shellless === 'tcpSocket' ? HealthCheck.tcpSocket() : HealthCheck.grpc();
    services.push(new ContainerService(project, 'manager', {
      baseImage: BaseImage.fromReference('gcr.io/distroless/static-debian12:nonroot'),
      command: ['/manager'],
      port: SHELLLESS_PORT,
      healthCheck: liveness,
      readinessCheck: HealthCheck.httpGet({ path: '/readyz' }),
      noDockerHealthcheck: true,
    }));
  }
  new ServiceOutputs(project, 'outputs', { services, composeDependencies: [{ service: frontend, dependsOn: backend }] });
  project.synth();
  return { outdir, warnings };
}

/**
 * The only findings a model the generator warned about may give: liveness and readiness checks of one endpoint are
 * legal, warned about at synth (`<path>.readinessCheck: checks the same endpoint as the liveness check`), and the
 * checker reports them (PC013, a warning) only on a path named for the dependencies it checks (docs/check.md, "Why
 * PC013 and PC018 are narrow"), which a random path may be; the kustomize patch's containers have no image: a
 * patch, skipped.
 */
function expectedFindings(warnings: string[]): string[] {
  const out: string[] = [];
  for (const name of ['backend', 'frontend', 'worker', 'manager']) {
    if (warnings.some((w) => w.startsWith(`${name}.readinessCheck: checks the same endpoint as the liveness check`))) {
      out.push(`PC013 warning k8s/${name}.yaml`);
    }
  }
  return out.sort();
}

test(`check on the generated files: ${RUNS} random projects (a backend, a frontend, maybe a worker), no finding of any severity (seed ${SEED + 2})`, () => {
  // Two containers of one project publish different host ports in Compose (the same port is an error at synth).
  const ports = fc.tuple(backendModel, frontendModel, extras).filter(([b, f]) => b.port !== f.port && ![b.port, f.port].includes(SHELLLESS_PORT));
  fc.assert(
    fc.property(ports, ([b, f, x]) => {
      const { outdir, warnings } = synthProject(b, f, x);
      try {
        // As a user runs it: `projen-containers check .` in the project's folder.
        const result = check({ paths: ['.'], cwd: outdir });
        const found = result.findings.map((e) => `${e.rule} ${e.severity} ${e.file}`).sort();
        const allowed = new Set(expectedFindings(warnings));
        if (found.some((got) => !allowed.has(got))) {
          const findings = result.findings.map((e) => `${e.rule} ${e.severity} ${e.file}:${e.line} ${e.subject}: ${e.message}`);
          throw new Error(`findings:\n${findings.join('\n') || '(none)'}\ngenerator warnings:\n${warnings.join('\n') || '(none)'}`);
        }
        // Every generated container was paired with its Dockerfile (an unpaired one would be checked against nothing);
        // the kustomize patches are partial objects (containers without image:), skipped and named.
        const pairs = result.pairs.map((p) => `${p.container.file} ${p.container.name} ${p.image?.file ?? 'unpaired'}`).sort();
        const expected = [
          'k8s/backend.yaml backend backend/Dockerfile',
          'k8s/frontend.yaml frontend frontend/Dockerfile',
          ...(x.worker ? ['k8s/worker.yaml worker worker/Dockerfile'] : []),
          ...(x.shellless ? ['k8s/manager.yaml manager manager/Dockerfile'] : []),
        ].sort();
        if (JSON.stringify(pairs) !== JSON.stringify(expected)) throw new Error(`pairs: ${JSON.stringify(pairs)}`);
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    }),
    { seed: SEED + 2, numRuns: RUNS },
  );
}, 600_000);
