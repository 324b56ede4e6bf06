/**
 * The checker and --emit-projenrc on small fixtures (written for this test) that reproduce the shapes of the public
 * repositories of the measuring corpus (docs/check.md "Measured on real repositories"): every container named
 * `server` with skaffold builds (microservices-demo), one repository told apart by tag with Compose `.env` and a
 * Helm chart (opentelemetry-demo), a Compose build with an override naming the image (example-voting-app), kustomize
 * overlays with patches and an nginx proxy route, sample folders with build args in USER/EXPOSE/HEALTHCHECK
 * (kubernetes-engine-samples, kubernetes/examples).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import * as ts from 'typescript';
import { fragmentTypeErrors } from './fragment-util';
import * as lib from '../../src';
import { check, CheckResult } from '../../src/check/_check';
import { emitProjenrc } from '../../src/check/adopt/_emit-projenrc';
import { main } from '../../src/check/cli';

const shapes = path.join(__dirname, 'corpus-shapes');
const run = (dir: string, extra: Partial<Parameters<typeof check>[0]> = {}): CheckResult => check({ paths: ['.'], cwd: path.join(shapes, dir), ...extra });
const rows = (r: CheckResult) => r.findings.map((f) => [f.rule, f.severity, `${f.file}:${f.line}`, f.subject]);
const pairs = (r: CheckResult) => r.pairs.map((p) => [`${p.container.kind}/${p.container.workload}/${p.container.name}`, p.image?.file ?? null, p.by ?? null]);

describe('the checker on corpus shapes', () => {
  test('grpc-shop: every container is named server; skaffold pairs each with its own Dockerfile, never with tools/server', () => {
    const r = run('grpc-shop');
    expect(pairs(r)).toEqual([
      ['Deployment/cart/server', 'src/cart/Dockerfile', 'build'],
      ['Deployment/pay/server', 'src/pay/Dockerfile', 'build'],
    ]);
    // Identical gRPC probes and missing HEALTHCHECKs are info: nothing at the default level, exit 0.
    expect(r.findings.every((f) => f.severity === 'info')).toBe(true);
  });

  test('compose-variants: .env and tag variants pair one repository\'s images; build args in USER/EXPOSE; List, test hook, chart templates', () => {
    const r = run('compose-variants');
    expect(pairs(r)).toEqual([
      ['Deployment/ad/ad', 'src/ad/Dockerfile', 'build'],
      ['Deployment/quote/quote', 'src/quote/Dockerfile', 'build'],
      ['Pod/demo-test-connection/wget', null, null],
    ]);
    expect(rows(r)).toEqual([
      // USER appuser is uid 1001 (useradd --uid 1001); the pod runs as 2000.
      ['PC021', 'warning', 'kubernetes/demo.yaml:19', 'Deployment/ad/ad'],
      ['PC020', 'warning', 'kubernetes/demo.yaml:23', 'Deployment/ad/ad'],
      ['PC003', 'error', 'kubernetes/demo.yaml:26', 'Deployment/ad/ad'],
      ['PC022', 'warning', 'kubernetes/demo.yaml:35', 'Deployment/quote/quote'],
      // The test hook pod needs no probes (no PC012); its busybox image is built elsewhere (no PC019: its unpaired
      // entry says why). No PC018 on src/ad and src/quote: Kubernetes runs them with probes (Compose's run beside it
      // is not the deployment).
    ]);
    // EXPOSE ${AD_PORT} is 9555 through ARG and ENV: no PC001. USER ${USER_ID} has no default: unknown, so
    // runAsNonRoot gives no PC009.
    expect(r.images.find((i) => i.file === 'src/ad/Dockerfile')!.exposes.map((e) => e.port)).toEqual([9555]);
    expect(r.images.find((i) => i.file === 'src/quote/Dockerfile')!.user).toEqual({ value: '${USER_ID}', line: 3, resolved: false });
    expect(r.skipped).toEqual([
      { file: 'chart/templates/deployment.yaml', reason: 'a Helm template (check its rendered output: helm template ... > rendered.yaml)' },
      { file: 'chart/templates/test-connection.yaml', reason: 'a Helm template (check its rendered output: helm template ... > rendered.yaml)' },
    ]);
  });

  test('vote-app: Compose override gives the image; the deployed (last) stage, not Compose\'s dev target; Rollout; Dockerfile.dockerignore, testdata and a broken file do not stop the run', () => {
    const r = run('vote-app');
    expect(pairs(r)).toEqual([
      ['Deployment/vote/vote', 'vote/Dockerfile', 'build'],
      ['Rollout/worker/worker', 'worker/Dockerfile', 'build'],
    ]);
    expect(r.pairs[0].image!.target.name).toBe('final');
    expect(rows(r)).toEqual([
      // 0 + 10 x (4 - 1) + 1 = 31 s < --start-period=40s.
      ['PC008', 'warning', 'k8s-specifications/vote-deployment.yaml:14', 'Deployment/vote/vote'],
      // USER node is uid 1000 in the node image.
      ['PC021', 'warning', 'k8s-specifications/worker-deployment.yaml:10', 'Rollout/worker/worker'],
      // No PC012 on the worker: it declares no port, so nothing routes traffic to it.
      // uvicorn --host 0.0.0.0 listens on IPv4 only: localhost is a real risk here.
      ['PC017', 'warning', 'vote/Dockerfile:15', 'vote/Dockerfile#final'],
      // No PC018 on worker/Dockerfile: a worker without a port, run by Kubernetes (which ignores HEALTHCHECK).
    ]);
    expect(r.findings[0].message).toBe('startupProbe allows 30s (initialDelaySeconds 0 + periodSeconds 10 x (failureThreshold 4 - 1) = 30s), shorter than the HEALTHCHECK --start-period=40s (vote/Dockerfile:15): a start as slow as the image allows gets the container restarted');
    expect(r.skipped.map((s) => s.file)).toEqual(['k8s-specifications/broken.yaml', 'testdata/']);
    expect(r.skipped[0].reason).toMatch(/^YAML error at line 7: /);
    expect(r.skipped[1].reason).toBe('a folder of tests, test inputs, dev tooling or archives, not deployed: not searched (name a folder on the command line to check it)');
    expect(r.images.map((i) => i.file).sort()).toEqual(['vote/Dockerfile', 'worker/Dockerfile']);
  });

  test('spa: a kustomize patch is skipped with a note; the overlay copy gives one finding with the other location', () => {
    const r = run('spa');
    expect(pairs(r)).toEqual([
      ['Deployment/web/web', 'web/Dockerfile', 'build'],
      ['Deployment/web/web', 'web/Dockerfile', 'build'],
    ]);
    expect(r.findings.map((f) => [f.rule, f.severity, `${f.file}:${f.line}`, f.also])).toEqual([
      ['PC020', 'warning', 'deploy/base/deployment.yaml:23', ['deploy/overlays/prod/deployment-copy.yaml:23']],
    ]);
    expect(r.skipped).toEqual([{ file: 'deploy/overlays/prod/replicas.yaml', reason: 'a kustomize patch (a partial object; its base is checked)' }]);
  });

  test('samples: build args in USER, EXPOSE and the HEALTHCHECK URL; an image built elsewhere with the same name is not paired', () => {
    const r = run('samples');
    expect(pairs(r)).toEqual([
      ['ReplicationController/redis/server', null, null],
      ['Deployment/helloweb/hello-app', 'quickstarts/hello-app/Dockerfile', 'image'],
      ['ReplicationController/guestbook/guestbook', null, null],
    ]);
    const hello = r.pairs[1].image!;
    expect([hello.user, hello.exposes.map((e) => e.port), hello.healthcheck!.argv]).toEqual([
      { value: '10001:10001', line: 11, resolved: true }, [8080], ['curl', '-fsS', 'http://127.0.0.1:8080/'],
    ]);
    // The aligned sample has no finding; web/server/ is never paired with a container named server.
    expect(r.findings.filter((f) => f.severity !== 'info').map((f) => [f.rule, f.subject])).toEqual([
      ['PC012', 'ReplicationController/redis/server'],
    ]);
  });

  test('--pair by Kind/workload/container; a bare name that matches several workloads is an error', () => {
    const cwd = path.join(shapes, 'grpc-shop');
    const r = check({ paths: ['.'], cwd, pairs: [{ container: 'Deployment/pay/server', dockerfile: path.join(cwd, 'tools/server/Dockerfile') }] });
    expect(pairs(r)).toEqual([
      ['Deployment/cart/server', 'src/cart/Dockerfile', 'build'],
      ['Deployment/pay/server', 'tools/server/Dockerfile', 'mapping'],
    ]);
    expect(() => check({ paths: ['.'], cwd, pairs: [{ container: 'server', dockerfile: path.join(cwd, 'tools/server/Dockerfile'), from: '--pair server=tools/server/Dockerfile' }] }))
      .toThrow('--pair server=tools/server/Dockerfile: must name one container; received "server", which matches 2 (Deployment/cart/server, Deployment/pay/server): use Kind/workload/container');
  });

  test('the CLI names every skipped file and exits 1 only on an error', () => {
    let out = '';
    const status = main(['check', '.'], path.join(shapes, 'compose-variants'), (s) => { out += s; }, () => undefined);
    expect(status).toBe(1);
    expect(out.split('\n').slice(-5)).toEqual([
      '    fix: Mount a volume (emptyDir or a PersistentVolumeClaim) at the path: Kubernetes ignores VOLUME, so the data goes to the container layer and is lost on restart.',
      'skipped chart/templates/deployment.yaml: a Helm template (check its rendered output: helm template ... > rendered.yaml)',
      'skipped chart/templates/test-connection.yaml: a Helm template (check its rendered output: helm template ... > rendered.yaml)',
      '1 error(s), 3 warning(s), 0 info; checked 2 Dockerfile(s), 3 container(s), 2 paired; skipped 2 file(s)',
      '',
    ]);
    expect(main(['check', '.'], path.join(shapes, 'vote-app'), () => undefined, () => undefined)).toBe(0);
  });
});

/** Type errors of the fragment as a .projenrc.ts (fragment-util.ts). */
const typeErrors = (fragment: string): string[] => fragmentTypeErrors(fragment, '__corpus_adopted__.ts');

describe('--emit-projenrc on corpus shapes: the fragment compiles and synthesizes unedited', () => {
  test.each([
    ['grpc-shop', ['ContainerService "cart-server"', 'ContainerService "pay-server"'], 0],
    ['compose-variants', ['ContainerService "quote"'], 1],
    // The worker has no probe, no HEALTHCHECK route and no port: exec `true` with a comment (no invented GET /healthz).
    ['vote-app', ['FastApiBackend "vote"', 'ContainerService "worker"'], 0],
    ['spa', ['StaticFrontend "web"'], 0],
    ['samples', ['ContainerService "hello-app"'], 0],
  ])('%s', (dir, adopted, refused) => {
    const cwd = path.join(shapes, dir);
    const result = check({ paths: ['.'], cwd });
    const fragment = emitProjenrc(result.pairs.filter((p) => p.image).map((p) => ({ container: p.container, image: p.image! })), cwd);
    expect([...fragment.matchAll(/^new (\w+)\(project, ("[^"]+")/gm)].map((m) => `${m[1]} ${m[2]}`)).toEqual(adopted);
    // One refused statement: its first (or only) reason line.
    expect(fragment.split('\n').filter((l) => /^\/\/ not adopted( \(1\/\d+\))?: /.test(l)).length).toBe(refused);
    expect(typeErrors(fragment)).toEqual([]);
    // Run as printed: every statement in one project, synthesized.
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-corpus-adopt-'));
    const js = ts.transpileModule(fragment, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
    const project = new Project({ name: 'adopted', outdir });
    new Function('require', 'exports', 'project', js)(() => lib, {}, project);
    project.synth();
    for (const a of adopted) expect(fs.existsSync(path.join(outdir, 'k8s', `${JSON.parse(a.split(' ')[1])}.yaml`))).toBe(true);
    fs.rmSync(outdir, { recursive: true, force: true });
  }, 120_000);

  test('what cannot be carried over is printed as a comment: an nginx proxy route, a refused statement with the constructs\' error', () => {
    const fragmentOf = (dir: string) => {
      const cwd = path.join(shapes, dir);
      const r = check({ paths: ['.'], cwd });
      return emitProjenrc(r.pairs.filter((p) => p.image).map((p) => ({ container: p.container, image: p.image! })), cwd);
    };
    const spa = fragmentOf('spa');
    expect(spa).toContain('// not carried over: nginx route not generated by StaticFrontend: location /api/ { proxy_pass http://api:8000/; } (nginx.conf)');
    expect(spa).toContain('  distDir: "build",');
    const vote = fragmentOf('vote-app');
    // requirements.txt is kept: installed into the preset's /app/.venv with uv pip, not uv.lock demanded.
    expect(vote).toContain('  dependencyFiles: ["requirements.txt"],');
    expect(vote).toContain('  installCommands: ["uv venv /app/.venv", "uv pip install -r requirements.txt"],');
    // The worker's own steps are carried as Instruction code; without a probe and a port it gets `true` (always passes,
    // as no probe does), said in a comment, never an invented GET /healthz on port 8080.
    expect(vote).toContain('    Instruction.run("worker/Dockerfile:4 RUN, as the original writes it.", ["npm ci --omit=dev"]),');
    expect(vote).toContain('  noPort: true,\n  // k8s-specifications/worker-deployment.yaml: the original has no livenessProbe and no HEALTHCHECK; the model writes one: `true` always passes, as having no probe does. Set healthCheck to a check of the worker (e.g. the age of a heartbeat file it touches).\n  healthCheck: HealthCheck.exec(["true"]),');
    expect(vote).not.toContain('/healthz"),\n  user: { uid: 1001 }');
    const variants = fragmentOf('compose-variants');
    // A timeout over the interval is carried (the interval becomes the timeout, named); the readinessProbe's port name
    // that names no port, and grpc_health_probe missing from the image, are the reasons, all printed.
    expect(variants).toContain('// not adopted (1/2): kubernetes/demo.yaml:26 readinessProbe.tcpSocket.port names service, which is none of the container\'s ports; fix: name one of the container\'s ports (or give the number)');
    expect(variants).toContain('// not adopted (2/2): ad.checkTool: must be a tool the final stage has (none) or can install (curl, wget); declare tools your own instructions add in addedTools; received "grpc_health_probe"; fix: ');
    expect(variants).toContain('// not carried over: kubernetes/demo.yaml:20 livenessProbe periodSeconds 10s becomes 15s, the timeout (the model keeps a check within its interval)');
    expect(variants).toContain('// new ContainerService(project, "ad", {');
  });
});
