import * as path from 'path';
import { check, CheckOptions } from '../../src/check/_check';

const fixtures = path.join(__dirname, 'fixtures');
const example = path.resolve(__dirname, '..', '..', 'examples', 'fullstack');

/** [rule, severity, file, line] of every finding, paths relative to the fixture directory. */
function run(dir: string, options: Partial<CheckOptions> = {}): string[][] {
  const cwd = path.join(fixtures, dir);
  return check({ paths: ['.'], cwd, ...options }).findings.map((f) => [f.rule, f.severity, f.file, String(f.line)]);
}

describe('projen-containers check on real-world-style files', () => {
  test.each([
    'fastapi-template/aligned',
    'node-express/aligned',
    'nginx-spa/aligned',
    'cronjob/aligned',
  ])('%s: no finding', (dir) => {
    expect(run(dir)).toEqual([]);
  });

  test('the example\'s own generated files (PodSpec fragments paired by container name; kustomize patches skipped): no finding', () => {
    const result = check({ paths: ['.'], cwd: example });
    expect(result.findings).toEqual([]);
    expect(result.pairs.map((p) => [p.container.name, p.container.file, p.image?.file, p.image?.target.name, p.by])).toEqual([
      ['backend', 'k8s/backend.yaml', 'backend/Dockerfile', 'production', 'name'],
      ['frontend', 'k8s/frontend.yaml', 'frontend/Dockerfile', 'production', 'name'],
    ]);
    // The patches' Deployment containers have no image: partial objects, not containers of their own.
    expect(result.skipped.map((s) => s.file)).toEqual(['k8s/patches/backend.yaml', 'k8s/patches/frontend.yaml']);
  });

  test('fastapi-template/broken: named USER, shell-form localhost check on the wrong port, curl missing, timing and paths', () => {
    expect(run('fastapi-template/broken')).toEqual([
      ['PC002', 'error', 'backend/Dockerfile', '9'],
      ['PC014', 'error', 'backend/Dockerfile', '9'],
      // Shell form and localhost are info: the image has /bin/sh, and fastapi run's own bind is not known.
      ['PC016', 'info', 'backend/Dockerfile', '9'],
      ['PC017', 'info', 'backend/Dockerfile', '9'],
      ['PC009', 'error', 'k8s/backend.yaml', '15'],
      ['PC005', 'info', 'k8s/backend.yaml', '22'],
      ['PC006', 'info', 'k8s/backend.yaml', '22'],
      ['PC004', 'warning', 'k8s/backend.yaml', '24'],
      // 5 + 10 x (3 - 1) + 1 = 26 s against --start-period=30s: a risk, not a failure.
      ['PC008', 'warning', 'k8s/backend.yaml', '26'],
      // The same /api/v1/utils/health-check/ for liveness and readiness: the docs' common pattern, no PC013.
    ]);
  });

  test('node-express/broken (Helm-rendered, paired by image name): ports, probe port name, runAsUser, readiness', () => {
    expect(run('node-express/broken')).toEqual([
      // EXPOSE is documentation and Docker (not the kubelet) runs the HEALTHCHECK: warnings.
      ['PC001', 'warning', 'express-api/Dockerfile', '13'],
      ['PC002', 'warning', 'express-api/Dockerfile', '14'],
      ['PC010', 'warning', 'helm/rendered.yaml', '44'],
      ['PC012', 'warning', 'helm/rendered.yaml', '46'],
      ['PC001', 'warning', 'helm/rendered.yaml', '53'],
      // 0 + 2 x (5 - 1) + 1 = 9 s against --start-period=10s.
      ['PC008', 'warning', 'helm/rendered.yaml', '55'],
      // A named port that does not exist: the probe cannot pass.
      ['PC003', 'error', 'helm/rendered.yaml', '58'],
    ]);
  });

  test('nginx-spa/broken: default nginx.conf under a read-only root; curl is in nginx:1.27-alpine (the official image installs it since 1.17.10)', () => {
    const cwd = path.join(fixtures, 'nginx-spa/broken');
    const findings = check({ paths: ['.'], cwd }).findings;
    expect(findings.map((f) => [f.rule, f.severity, f.file, f.line, f.message.match(/writes to (\S+)/)?.[1] ?? ''])).toEqual([
      ['PC011', 'error', 'k8s/web.yaml', 32, '/var/cache/nginx'],
      ['PC011', 'error', 'k8s/web.yaml', 32, '/var/run'],
    ]);
  });

  test('cronjob/broken: root image under runAsNonRoot, an unmounted VOLUME; no probe or HEALTHCHECK findings for a CronJob', () => {
    expect(run('cronjob/broken')).toEqual([
      ['PC009', 'error', 'cronjob.yaml', '13'],
      ['PC011', 'error', 'cronjob.yaml', '18'],
    ]);
  });

  test('pod-mapping/broken: the mapping file selects the runtime stage of a multi-stage file; curl is not in distroless', () => {
    expect(run('pod-mapping/broken', { mapping: 'pairs.yaml' })).toEqual([
      ['PC014', 'error', 'images/web.Dockerfile', '10'],
      // No PC012: the sidecar declares no port, so it takes no traffic; no PC019: nothing here answers to its
      // image's name (the unpaired entry says so).
    ]);
  });

  test('pod-mapping/broken: a --pair without a stage checks the final (debug) stage, with Docker\'s default timing', () => {
    const cwd = path.join(fixtures, 'pod-mapping/broken');
    const result = check({ paths: ['.'], cwd, pairs: [{ container: 'app', dockerfile: path.join(cwd, 'images/web.Dockerfile') }] });
    expect(result.findings.filter((f) => f.subject !== 'Pod/api/log-shipper').map((f) => [f.rule, f.file, f.line, f.message])).toEqual([
      ['PC015', 'images/web.Dockerfile', 15, 'the HEALTHCHECK runs wget; cannot tell whether ghcr.io/acme/debug-base:1.0 has it (no RUN of the stage installs it)'],
      ['PC005', 'pod.yaml', 14, 'livenessProbe.periodSeconds 10, HEALTHCHECK 30s (Docker\'s default interval) (images/web.Dockerfile:15)'],
      ['PC006', 'pod.yaml', 15, 'livenessProbe.timeoutSeconds 2, HEALTHCHECK 30s (Docker\'s default timeout) (images/web.Dockerfile:15)'],
    ]);
  });

  test('every finding carries its rule\'s fix text and a 1-based line', () => {
    const findings = check({ paths: ['.'], cwd: path.join(fixtures, 'fastapi-template/broken') }).findings;
    const f = findings.find((x) => x.rule === 'PC009')!;
    expect(f.fix).toBe('Use a numeric non-root USER uid:gid in the Dockerfile, or set runAsUser.');
    expect(f.message).toBe('runAsNonRoot: true with no runAsUser, and backend/Dockerfile:7 has USER appuser, a name the kubelet cannot verify as non-root: the pod fails with CreateContainerConfigError');
    expect(findings.every((x) => x.line >= 1)).toBe(true);
  });

  test('an unknown --target is an error naming the stages', () => {
    expect(() => check({ paths: ['.'], cwd: path.join(fixtures, 'pod-mapping/broken'), target: 'nope' }))
      .toThrow('images/web.Dockerfile: --target must be a stage of the file (build, runtime, debug); received "nope"');
  });
});
