/**
 * The checker reads only what is deployed (issue 27 item 2) and keeps only findings that carry a defect (item 3), on
 * fixtures written for this test under test/check/deployed/: test and tooling trees skipped with one note, kustomize
 * entries turned off and patches, PC018 only where Compose or docker run runs the image without a check, PC013 only
 * where identical probes can harm, ARG/ENV in `RUN useradd` and the standard accounts.
 */
import * as path from 'path';
import { check, CheckResult } from '../../src/check/_check';

const fixtures = path.join(__dirname, 'deployed');
const run = (dir: string, paths = ['.']): CheckResult => check({ paths, cwd: path.join(fixtures, dir) });
const rows = (r: CheckResult, rule?: string) => r.findings.filter((f) => !rule || f.rule === rule).map((f) => [f.rule, f.severity, `${f.file}:${f.line}`, f.subject]);

describe('the checker reads only what is deployed', () => {
  test('test, tests, testdata and hack trees are not searched, named in one note; examples are searched', () => {
    const r = run('walk');
    expect(r.containers.map((c) => c.file)).toEqual(['examples/demo.yaml', 'k8s/app.yaml']);
    expect(r.images.map((i) => i.file)).toEqual(['app/Dockerfile']);
    // No PC012 from test/e2e or hack, no PC018 from tests/Dockerfile.
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(r.skipped).toEqual([{
      file: 'hack/, src/api/testdata/, test/ and 1 more',
      reason: '4 folders of tests, test inputs, dev tooling or archives, not deployed: not searched (name a folder on the command line to check it)',
      folders: ['hack/', 'src/api/testdata/', 'test/', 'tests/'],
    }]);
  });

  test('a not-deployed folder named on the command line is checked, with everything in it (its testdata too)', () => {
    const r = run('walk', ['test']);
    expect(r.containers.map((c) => `${c.file} ${c.workload}`)).toEqual(['test/e2e/pod.yaml e2e-client', 'test/testdata/db.yaml fixture-db']);
    expect(rows(r, 'PC012')).toEqual([
      ['PC012', 'warning', 'test/e2e/pod.yaml:15', 'Deployment/e2e-client/e2e-client'],
      ['PC012', 'warning', 'test/testdata/db.yaml:15', 'Deployment/fixture-db/fixture-db'],
    ]);
    expect(r.skipped).toEqual([]);
  });

  test('kustomize: an entry commented out is not read, patches are partial objects, a file the kustomization does not mention is read', () => {
    const r = run('kustomize');
    // base/deployment.yaml has no selector (commonLabels writes it) and is a listed resource: a whole object.
    // render/install.yaml sits beside a kustomization that does not mention it: applied on its own, read.
    expect(r.containers.map((c) => `${c.file} ${c.workload}/${c.name}`)).toEqual(['base/deployment.yaml api/api', 'render/install.yaml worker/worker']);
    expect(r.skipped).toEqual([
      { file: 'base/debug.yaml', reason: 'commented out in base/kustomization.yaml (kustomize does not read it)' },
      { file: 'overlays/prod/probes.yaml', reason: 'a kustomize patch (a partial object; its base is checked)' },
      { file: 'overlays/prod/replicas.yaml', reason: 'a patch: its containers have no image: (a partial object; its base is checked)' },
      { file: 'patches/resources.yaml', reason: 'a patch: its containers have no image: (a partial object; its base is checked)' },
    ]);
    // No "no probes" on the debug Deployment, the replicas patch or the resources patch.
    expect(rows(r, 'PC012')).toEqual([['PC012', 'info', 'render/install.yaml:16', 'Deployment/worker/worker']]);
  });
});

test('build scripts in a folder not deployed still pair: hack/build-images.sh names the Dockerfile of a deployed image', () => {
  const r = run('hack-build');
  expect(r.pairs.map((p) => `${p.container.workload}/${p.container.name} ${p.image?.file ?? 'unpaired'} ${p.by ?? ''}`)).toEqual([
    'node-agent/agent images/agent/rootfs/Dockerfile build',
  ]);
  // hack/kind.yaml is not read as a manifest; the folder is named once.
  expect(r.containers.map((c) => c.file)).toEqual(['deploy/daemonset.yaml']);
  expect(r.skipped.map((s) => s.file)).toEqual(['hack/']);
});

test('PC012 on a demo workload (an image not built here, in an examples or docs folder) is info; elsewhere a warning', () => {
  const r = run('demo');
  expect(rows(r, 'PC012')).toEqual([
    ['PC012', 'warning', 'deploy/cache.yaml:13', 'Deployment/cache/cache'],
    ['PC012', 'info', 'examples/canary/rollout.yaml:13', 'Deployment/echo/echo'],
  ]);
  expect(r.findings.find((f) => f.file === 'examples/canary/rollout.yaml')!.message).toBe(
    'container echo has no livenessProbe and no readinessProbe (a demo workload: its image is not built here, in an examples or docs folder)');
});

describe('findings that carry a defect', () => {
  test('PC018 only for an image Compose runs without healthcheck: or docker run runs alone; never test, base, tool, batch or Kubernetes-run images', () => {
    const r = run('healthcheck');
    expect(rows(r, 'PC018')).toEqual([
      ['PC018', 'info', 'standalone/Dockerfile:1', 'standalone/Dockerfile'],
      ['PC018', 'info', 'web/Dockerfile:1', 'web/Dockerfile'],
    ]);
    expect(r.findings.find((f) => f.file === 'web/Dockerfile')!.message).toBe(
      'no HEALTHCHECK in the final stage, and Compose runs the image without a healthcheck: (service web in compose.yaml): Compose cannot tell when it is healthy, nor make depends_on: condition: service_healthy wait for it');
    // api: Compose's own healthcheck:. worker: no port. web/Dockerfile.e2e: a test image. runtime: svc builds FROM it.
    // cli: a tool (no port). svc: Kubernetes runs it (probes). job: a CronJob. devapp: Compose runs its development
    // stage, not the final one. .github/ui-tests: CI's own image, built by a workflow.
    expect(r.images.map((i) => i.file).sort()).toEqual(['.github/ui-tests/Dockerfile', 'api/Dockerfile', 'cli/Dockerfile', 'devapp/Dockerfile',
      'job/Dockerfile', 'runtime/Dockerfile', 'standalone/Dockerfile', 'svc/Dockerfile', 'web/Dockerfile', 'web/Dockerfile.e2e', 'worker/Dockerfile']);
  });

  test('PC013 only where identical probes can harm: a warning for a dependency path; info for a readiness path or liveness failing as soon as readiness', () => {
    const r = run('probes');
    expect(rows(r, 'PC013')).toEqual([
      // /ready, liveness 10 x 3 = readiness 10 x 3: its name alone does not show dependency checks.
      ['PC013', 'info', 'pod.yaml:29', 'Pod/probes/ready-quick'],
      // Spring Boot's aggregate /actuator/health checks the database and other dependencies.
      ['PC013', 'warning', 'pod.yaml:45', 'Pod/probes/actuator'],
      // /healthz, liveness 10 x 3 = 30 s <= readiness 5 x 6 = 30 s.
      ['PC013', 'info', 'pod.yaml:65', 'Pod/probes/same-quick'],
      // /readyz with a longer liveness window (45 s > 15 s).
      ['PC013', 'info', 'pod.yaml:91', 'Pod/probes/readyz-slow'],
    ]);
    // Not reported: `pattern` (the Kubernetes docs' pattern: /healthz, liveness failureThreshold 6 > 3), `tcp`
    // (a port checks no dependency), `split` (its own endpoints).
  });

  test('ARG and ENV substituted in RUN (useradd --uid "$APPUID" "$APPUSER", apt-get install $PKGS); nobody and www-data known; USER 65534 owns nothing', () => {
    const r = run('accounts');
    expect(r.findings.filter((f) => f.severity !== 'info').map((f) => [f.rule, f.severity, `${f.file}:${f.line}`, f.subject, f.message])).toEqual([
      // app runs as 10001 = useradd --uid "$APPUID" (ARG APPUID=10001) of "$APPUSER" (ENV APPUSER=app): no finding;
      // app-other runs as 2000.
      ['PC021', 'warning', 'k8s/deploy.yaml:42', 'Deployment/app-other/app-other',
        'runAsUser 2000, the image USER app (app/Dockerfile:9) is uid 10001: the process runs as another account than the image prepared (file ownership, home directory)'],
      // www-data is 82 on Alpine (33 on Debian); nobody is 65534 = runAsUser: no finding.
      ['PC021', 'warning', 'k8s/deploy.yaml:96', 'Deployment/www/www',
        'runAsUser 33, the image USER www-data (www/Dockerfile:2) is uid 82: the process runs as another account than the image prepared (file ownership, home directory)'],
    ]);
    // USER 65534 (nobody) owns no file the Dockerfile gives it: runAsUser 1000 is info, not a warning.
    expect(rows(r, 'PC010')).toEqual([['PC010', 'info', 'k8s/deploy.yaml:123', 'Deployment/static/static']]);
    // curl comes from ARG PKGS="curl ca-certificates": no PC014.
    expect([...r.images.find((i) => i.file === 'app/Dockerfile')!.packages]).toEqual(['curl', 'ca-certificates']);
  });
});
