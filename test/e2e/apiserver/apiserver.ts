/**
 * The API server e2e (`npx projen e2e:apiserver`, run by test/e2e/apiserver/run.sh): every generated Kubernetes
 * object, as a user would hand it to a cluster, through a real kube-apiserver (server-side apply, strict field
 * validation, warnings counted as failures) into namespaces enforcing Pod Security `restricted`, with a real
 * kube-controller-manager creating the Pods, so that Pod Security judges them. What the JSON schema, the linters and
 * the kubelet cannot see (issue 28): header names, the patch outside kustomize, Helm's merge of the values.
 *
 * - the examples' snippets wrapped in Deployments (with their Service and NetworkPolicy, as lint:real wraps them);
 * - every kustomized Deployment (`kubectl kustomize` of a user's Deployment and the generated patch);
 * - each patch through the API server's own strategic merge (`kubectl patch --type strategic`, one call per document
 *   of the patch file) on a minimal and on a typical Deployment: the result equals the snippet and kustomize's;
 * - the random valid models of the property tests (lint:real's, seeded);
 * - Helm 4 (and Helm 3 when built): `helm create` charts with the generated values of every probe kind (HTTP, gRPC,
 *   exec, TCP, worker), with the startupProbe block of docs/outputs/helm.md, `helm lint --strict`, `helm template`,
 *   `helm install`;
 * - controls, so that a pass means something: a header name the API server refuses, a Deployment whose Pods Pod
 *   Security refuses (FailedCreate seen), and `helm create`'s own test pod.
 * Then, per namespace, every Deployment's current ReplicaSet must have created its Pod and no FailedCreate event
 * may exist. One harness step each (test-reports/e2e-apiserver.json); last line `e2e:apiserver: N passed, M failed`.
 *
 * Env (set by run.sh): APISERVER_WORK (the work folder, removed by run.sh), K8S_BIN and ETCD_HELM_BIN (the tools'
 * bin folders); APISERVER_E2E_MODELS (random models, default 240, as lint:real).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Project } from 'projen';
import * as YAML from 'yaml';
import { Cluster, run, sleep, tail } from './_cluster';
import { declareServices } from '../../../examples/services/declare';
import { BaseImage, CheckTool, ContainerService, HealthCheck, ServiceOutputs, StartPeriodMapping } from '../../../src';
import { safeYaml } from '../../../src/_yaml';
import { Suite } from '../../harness';
import { exampleGroups, image, manifestSet, modelGroups, userDeployment, wrapSnippet } from '../../lint-real/groups';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const WORK = process.env.APISERVER_WORK!;
const MODELS = Number(process.env.APISERVER_E2E_MODELS ?? 240);
const suite = new Suite('e2e:apiserver');
const cluster = new Cluster(WORK, { kubernetes: process.env.K8S_BIN!, etcdHelm: process.env.ETCD_HELM_BIN! });

/** The namespaces, each enforcing (and warning on) Pod Security `restricted` at the server's version. */
const NS = {
  wrapped: 'pc-wrapped',
  kustomize: 'pc-kustomize',
  patchMinimal: 'pc-patch-minimal',
  patchTypical: 'pc-patch-typical',
  models: 'pc-models',
  helm: 'pc-helm4',
  helm3: 'pc-helm3',
  control: 'pc-control',
};

const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};
const docsOf = (text: string) => YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d);
const yamlFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort() : []);

/** A synthesized folder with the outputs of every probe kind: the services example with ServiceOutputs, and a TCP container. */
function synthKinds(dir: string): void {
  const project = new Project({ name: 'apiserver-e2e-kinds', outdir: dir });
  // api, server, web: HTTP; grpc: gRPC; worker: exec, no port (no readinessProbe).
  declareServices(project);
  // TCP liveness and readiness with the task's literal start-period mapping (no startupProbe: `startupProbe: null`).
  new ContainerService(project, 'tcp', {
    baseImage: BaseImage.debian('python:3.12-slim'),
    port: 9000,
    command: ['python', '-m', 'app'],
    healthCheck: HealthCheck.tcpSocket(),
    readinessCheck: HealthCheck.tcpSocket(),
    checkTool: CheckTool.PYTHON,
    startPeriodMapping: StartPeriodMapping.INITIAL_DELAY,
  });
  new ServiceOutputs(project, 'outputs', { compose: false, report: false });
  project.synth();
}

/**
 * Server-side apply of one file or folder into `ns`; throws on an error or (unless `allowWarnings`) any warning.
 * Returns the objects applied.
 */
function apply(ns: string, file: string, allowWarnings = false): string[] {
  const r = cluster.kubectl(['apply', '--server-side', '--field-manager=pc-e2e', '--validate=strict', '-n', ns, '-f', file]);
  const warnings = r.stderr.split('\n').filter((l) => /^Warning:/.test(l));
  if (r.status !== 0) throw new Error(`refused: ${tail(r, 10)}`);
  if (warnings.length && !allowWarnings) throw new Error(`applied with ${warnings.length} warning(s): ${warnings.slice(0, 5).join(' | ')}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.replace(/ serverside-applied$/, ''));
}

/**
 * The fields as the server stores them, for comparison: keys sorted; empty lists, empty objects, nulls and a zero
 * `initialDelaySeconds` dropped (the server omits them: omitempty).
 */
function norm(x: any): any {
  if (Array.isArray(x)) return x.length === 0 ? undefined : x.map(norm);
  if (x !== null && typeof x === 'object') {
    const out: any = {};
    for (const k of Object.keys(x).sort()) {
      const n = norm(x[k]);
      if (n !== undefined && n !== null && !(k === 'initialDelaySeconds' && n === 0)) out[k] = n;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return x;
}

const CONTAINER_FIELDS = ['ports', 'startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext', 'volumeMounts'];

/** `fields` of container `a` and `b` compared after norm(); the differences, e.g. `livenessProbe: {...} != {...}`. */
function differences(a: any, b: any, fields = CONTAINER_FIELDS): string[] {
  return fields.filter((f) => JSON.stringify(norm(a?.[f])) !== JSON.stringify(norm(b?.[f])))
    .map((f) => `${f}: ${JSON.stringify(norm(a?.[f]))} != ${JSON.stringify(norm(b?.[f]))}`);
}

/** A container's probes that carry more than one handler (what the API server refuses). */
const HANDLERS = ['httpGet', 'tcpSocket', 'grpc', 'exec'];
const probeSummary = (c: any) => ['startupProbe', 'livenessProbe', 'readinessProbe']
  .map((p) => `${p.replace('Probe', '')} ${c[p] ? HANDLERS.filter((h) => c[p][h]).join('+') : '-'}`).join(', ');

const getJson = (ns: string, what: string[]) => JSON.parse(cluster.kubectlOk(['get', ...what, '-n', ns, '-o', 'json']));

/**
 * A Deployment a user already runs, before the generated patch: its own port, env, resources, probes of other kinds
 * on other paths (a tcpSocket liveness the patch's httpGet must replace, not join), a securityContext of its own
 * (admitted by `restricted`: it adds NET_BIND_SERVICE) and a volume. The patch must leave env, resources and the
 * volume, and replace ports, probes and securityContext whole.
 */
function typicalDeployment(name: string, appPort = 80): any {
  const d = userDeployment(name, [name]);
  d.spec.template.spec = {
    containers: [{
      name,
      image: image(name),
      ports: [{ name: 'http', containerPort: appPort, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }],
      env: [{ name: 'LOG_LEVEL', value: 'info' }],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      startupProbe: { exec: { command: ['cat', '/tmp/started'] }, periodSeconds: 5, failureThreshold: 30 },
      livenessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 20 },
      readinessProbe: { httpGet: { path: '/', port: 'http', httpHeaders: [{ name: 'X-Old', value: '1' }] }, periodSeconds: 10 },
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 2000,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
      volumeMounts: [{ name: 'cache', mountPath: '/var/cache/app' }],
    }],
    volumes: [{ name: 'cache', emptyDir: {} }],
  };
  return d;
}

/** The startupProbe block of docs/outputs/helm.md ("The startupProbe block"), as the page shows it. */
function docsStartupBlock(): string {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'outputs', 'helm.md'), 'utf8');
  const section = page.slice(page.indexOf('## The startupProbe block'));
  const m = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!m || !m[1].includes('.Values.startupProbe')) throw new Error('docs/outputs/helm.md: no startupProbe block found');
  return m[1];
}

/** The restricted test-pod container of docs/outputs/helm.md ("helm create's test pod in a restricted namespace"). */
function docsTestPodBlock(): string {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'outputs', 'helm.md'), 'utf8');
  const section = page.slice(page.indexOf('## `helm create`\'s test pod'));
  const m = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!m || !m[1].includes('containers:')) throw new Error('docs/outputs/helm.md: no test pod block found');
  return m[1];
}

/** `helm create <name>` with the docs' startupProbe block added beside the liveness probe. */
function createChart(helm: 'helm' | 'helm3', dir: string, name: string): string {
  const r = cluster.helm(helm, ['create', name], dir);
  if (r.status !== 0) throw new Error(`helm create ${name}: ${tail(r)}`);
  const chart = path.join(dir, name);
  const template = path.join(chart, 'templates', 'deployment.yaml');
  const text = fs.readFileSync(template, 'utf8');
  const anchor = '          {{- with .Values.livenessProbe }}\n';
  if (!text.includes(anchor)) throw new Error(`helm create's deployment.yaml has no line "${anchor.trim()}" (the docs' anchor)`);
  fs.writeFileSync(template, text.replace(anchor, docsStartupBlock() + anchor));
  return chart;
}

/** Waits until the Deployment's current ReplicaSet has created a Pod (what Pod Security admitted). */
async function untilPod(ns: string, name: string, ms: number): Promise<void> {
  const t = Date.now();
  for (;;) {
    const d = getJson(ns, ['deployment', name]);
    const revision = d.metadata.annotations?.['deployment.kubernetes.io/revision'];
    const rs = getJson(ns, ['replicasets']).items.find((s: any) => s.metadata.ownerReferences?.some((o: any) => o.uid === d.metadata.uid)
      && s.metadata.annotations?.['deployment.kubernetes.io/revision'] === revision);
    if (rs && getJson(ns, ['pods']).items.some((p: any) => p.metadata.ownerReferences?.some((o: any) => o.uid === rs.metadata.uid))) return;
    if (Date.now() - t > ms) throw new Error(`${ns}/${name}: no Pod of its current ReplicaSet after ${ms / 1000} s`);
    await sleep(1000);
  }
}

/** Waits for run.sh's background `tools/etcd-helm.sh <tool>` (outside the network namespace); returns its lines. */
async function awaitBuild(tool: 'helm' | 'helm3'): Promise<string> {
  const status = path.join(WORK, `${tool}.status`);
  const t = Date.now();
  while (!fs.existsSync(status)) {
    if (Date.now() - t > 3_600_000) throw new Error(`tools/etcd-helm.sh ${tool} did not end within 60 minutes`);
    await sleep(2000);
  }
  const log = fs.readFileSync(path.join(WORK, 'logs', `build-${tool}.log`), 'utf8').trim().split('\n');
  const code = fs.readFileSync(status, 'utf8').trim();
  if (code !== '0') throw new Error(`tools/etcd-helm.sh ${tool} exited ${code}: ${log.slice(-5).join(' | ')}`);
  if (!fs.existsSync(cluster.bin(tool))) throw new Error(`${cluster.bin(tool)} missing after tools/etcd-helm.sh ${tool}`);
  const waited = (Date.now() - t) / 1000;
  return `${log.filter((l) => /^etcd-helm:/.test(l)).join('; ')}${waited >= 1 ? `; waited ${waited.toFixed(0)} s` : ''}`;
}

interface Source {
  /** `fullstack` (the committed example) or `kinds` (synthesized: services with ServiceOutputs, and tcp). */
  readonly name: string;
  /** The folder with k8s/, k8s/patches/ and helm/. */
  readonly dir: string;
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const groupsWork = path.join(WORK, 'groups');
  const kindsDir = path.join(WORK, 'kinds');

  if (!await suite.stepAsync('control plane up (etcd, kube-apiserver, kube-controller-manager on 127.0.0.1)', () => cluster.up())) {
    return suite.finish();
  }

  suite.step('kubectl within the supported version skew of the server', () => {
    const v = JSON.parse(cluster.kubectlOk(['version', '-o', 'json']));
    const minor = (x: any) => Number(String(x.minor).replace(/\D.*$/, ''));
    const skew = Math.abs(minor(v.clientVersion) - minor(v.serverVersion));
    const system = run('/usr/bin/kubectl', ['version', '--client', '-o', 'json']);
    const sys = system.status === 0 ? JSON.parse(system.stdout).clientVersion : undefined;
    const sysNote = sys ? `; the machine's kubectl (${fs.realpathSync('/usr/bin/kubectl')}) is ${sys.gitVersion}, ${Math.abs(minor(sys) - minor(v.serverVersion))} minors from the server (kubectl supports one): not used here` : '';
    if (skew > 1) throw new Error(`kubectl ${v.clientVersion.gitVersion} vs server ${v.serverVersion.gitVersion}: ${skew} minors apart`);
    return `kubectl ${v.clientVersion.gitVersion}, server ${v.serverVersion.gitVersion}${sysNote}`;
  });

  suite.step('namespaces enforcing Pod Security restricted, each with its default ServiceAccount', () => {
    const docs = Object.values(NS).map((name) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'latest',
        },
      },
    }));
    const file = path.join(WORK, 'namespaces.yaml');
    write(file, docs.map((d) => safeYaml(d)).join('---\n'));
    apply('default', file);
    return `${docs.length} namespaces: ${Object.values(NS).join(', ')}`;
  });
  await suite.stepAsync('the controller-manager gives each namespace its default ServiceAccount', async () => {
    const t = Date.now();
    for (const ns of Object.values(NS)) {
      while (cluster.kubectl(['get', 'serviceaccount', 'default', '-n', ns, '-o', 'name']).status !== 0) {
        if (Date.now() - t > 120_000) throw new Error(`no default ServiceAccount in ${ns} after 120 s`);
        await sleep(500);
      }
    }
    return `${Object.keys(NS).length} namespaces in ${((Date.now() - t) / 1000).toFixed(1)} s`;
  });

  // The files: the committed fullstack example, the committed services example (snippets only), and the kinds
  // folder (services with ServiceOutputs, and a TCP container): its snippets of the services containers must equal
  // the committed ones, so that its patches and values are the example's.
  synthKinds(kindsDir);
  const sources: Source[] = [
    { name: 'fullstack', dir: path.join(ROOT, 'examples', 'fullstack') },
    { name: 'kinds', dir: kindsDir },
  ];
  suite.step('the kinds folder (services + ServiceOutputs + tcp) has the committed services snippets', () => {
    const committed = path.join(ROOT, 'examples', 'services', 'k8s');
    const files = yamlFiles(committed);
    // Equal as YAML (the header line names .projenrc.js in a synthesized folder).
    const read = (dir: string, f: string) => JSON.stringify(YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
    const differ = files.filter((f) => read(committed, f) !== read(path.join(kindsDir, 'k8s'), f));
    if (differ.length) throw new Error(`differ: ${differ.join(', ')}`);
    return `${files.length} snippets equal (${files.join(', ')}); patches and values of ${yamlFiles(path.join(kindsDir, 'k8s', 'patches')).filter((x) => !x.endsWith('.replacements.yaml')).length} containers`;
  });

  // 1. The snippets wrapped in Deployments (+ Service, NetworkPolicy), as lint:real wraps them.
  const wrapped: Array<{ label: string; file: string }> = [];
  for (const ex of ['fullstack', 'services']) {
    for (const f of yamlFiles(path.join(ROOT, 'examples', ex, 'k8s'))) wrapped.push({ label: `${ex}/${f}`, file: path.join(ROOT, 'examples', ex, 'k8s', f) });
  }
  wrapped.push({ label: 'kinds/tcp.yaml', file: path.join(kindsDir, 'k8s', 'tcp.yaml') });
  for (const w of wrapped) {
    suite.step(`wrapped ${w.label}: applied server-side, strict, no warning`, () => {
      const name = path.basename(w.file, '.yaml');
      const snippet = YAML.parse(fs.readFileSync(w.file, 'utf8'));
      const out = path.join(WORK, 'wrapped', `${name}.yaml`);
      write(out, manifestSet(name, snippet));
      const objects = apply(NS.wrapped, out);
      const live = getJson(NS.wrapped, ['deployment', name]).spec.template.spec.containers[0];
      const d = differences(snippet.containers[0], live);
      if (d.length) throw new Error(`the live Deployment differs from the snippet: ${d.join('; ')}`);
      return `${objects.join(', ')}; live container = snippet (${probeSummary(live)})`;
    });
  }

  // 2. Every kustomized Deployment (lint:real's layout: the user's Deployment, the patch, `kubectl kustomize`).
  for (const src of sources) {
    const groups = exampleGroups(src.name, groupsWork, src.dir);
    const kustomize = groups.find((g) => g.name === `${src.name}/kustomize`);
    for (const f of yamlFiles(kustomize?.dir ?? '')) {
      suite.step(`kustomized ${src.name}/${f}: applied server-side, strict, no warning`, () => {
        const file = path.join(kustomize!.dir, f);
        const objects = apply(NS.kustomize, file);
        const name = path.basename(f, '.yaml');
        const snippet = YAML.parse(fs.readFileSync(path.join(src.dir, 'k8s', f), 'utf8')).containers[0];
        const live = getJson(NS.kustomize, ['deployment', name]).spec.template.spec.containers[0];
        const d = differences(snippet, live);
        if (d.length) throw new Error(`the live Deployment differs from the snippet: ${d.join('; ')}`);
        return `${objects.join(', ')}; live container = snippet (${probeSummary(live)})`;
      });
    }
  }

  // 3. The patch through the API server's strategic merge, on a minimal and on a typical Deployment. One `kubectl
  // patch` per document: between them the Deployment has no probes and no securityContext, a revision whose Pods
  // Pod Security refuses, so the rollout is paused around the documents (docs/outputs/kustomize.md). The minimal
  // Deployment (a name and an image: its own Pods would be refused) is created paused; the typical one runs first.
  for (const src of sources) {
    // The patches, not their guards (`<name>.replacements.yaml`: kustomize replacements, nothing for kubectl patch).
    for (const f of yamlFiles(path.join(src.dir, 'k8s', 'patches')).filter((x) => !x.endsWith('.replacements.yaml'))) {
      const name = path.basename(f, '.yaml');
      const patchFile = path.join(src.dir, 'k8s', 'patches', f);
      const patches = docsOf(fs.readFileSync(patchFile, 'utf8'));
      const snippet = YAML.parse(fs.readFileSync(path.join(src.dir, 'k8s', f), 'utf8'));
      const minimal = userDeployment(name, [name]);
      minimal.spec.paused = true;
      // The typical Deployment's app port is the one the app listens on (the model's; 80 for a worker, which has
      // none), beside a metrics port: the patch replaces the first and keeps the second (issue 25: only the model's
      // own port). Under another number, the user's old `http` port would stay beside the model's: see below.
      const modelPort = snippet.containers[0].ports?.[0]?.containerPort as number | undefined;
      for (const [kind, ns, base] of [['minimal', NS.patchMinimal, minimal], ['typical', NS.patchTypical, typicalDeployment(name, modelPort ?? 80)]] as const) {
        await suite.stepAsync(`kubectl patch --type strategic ${src.name}/k8s/patches/${f} on a ${kind} Deployment`, async () => {
          const dir = path.join(WORK, 'patch', kind, src.name, name);
          write(path.join(dir, 'deployment.yaml'), safeYaml(base));
          // The minimal Deployment draws Pod Security's warning (no securityContext): the patch brings it.
          apply(ns, path.join(dir, 'deployment.yaml'), kind === 'minimal');
          if (kind === 'typical') {
            await untilPod(ns, name, 120_000);
            cluster.kubectlOk(['rollout', 'pause', `deployment/${name}`, '-n', ns]);
          }
          patches.forEach((p, i) => {
            write(path.join(dir, `patch-${i}.yaml`), safeYaml(p));
            const r = cluster.kubectl(['patch', 'deployment', name, '-n', ns, '--type', 'strategic', '--patch-file', path.join(dir, `patch-${i}.yaml`)]);
            if (r.status !== 0) throw new Error(`document ${i + 1} of ${patches.length} refused: ${tail(r)}`);
            // Pod Security warns while the template has no securityContext (after the first document); after the
            // last, the template must pass `restricted` without a warning.
            const warnings = r.stderr.split('\n').filter((l) => /^Warning:/.test(l));
            if (warnings.length && i === patches.length - 1) throw new Error(`after the last document: ${warnings.join(' | ')}`);
          });
          cluster.kubectlOk(['rollout', 'resume', `deployment/${name}`, '-n', ns]);
          const live = getJson(ns, ['deployment', name]).spec.template.spec;
          const c = live.containers[0];
          // Probes and securityContext replaced whole; the model's port merged by number beside the Deployment's
          // other ports (kept); the snippet's volume mounts merged beside the user's own.
          const vsSnippet = differences(snippet.containers[0], c, CONTAINER_FIELDS.filter((x) => x !== 'volumeMounts' && x !== 'ports'));
          const own = (snippet.containers[0].ports ?? []) as any[];
          const before = (base.spec.template.spec.containers[0].ports ?? []) as any[];
          const kept = before.filter((p) => !own.some((o) => o.containerPort === p.containerPort));
          const wantPorts = [...own, ...kept].map((p) => JSON.stringify(norm({ protocol: 'TCP', ...p }))).sort();
          const gotPorts = ((c.ports ?? []) as any[]).map((p) => JSON.stringify(norm({ protocol: 'TCP', ...p }))).sort();
          if (JSON.stringify(wantPorts) !== JSON.stringify(gotPorts)) vsSnippet.push(`ports: ${gotPorts.join(',')} != the model's and the kept ${wantPorts.join(',')}`);
          const mounts = (c.volumeMounts ?? []).map((m: any) => JSON.stringify(norm(m)));
          for (const m of snippet.containers[0].volumeMounts ?? []) {
            if (!mounts.includes(JSON.stringify(norm(m)))) vsSnippet.push(`volumeMounts: ${JSON.stringify(m)} missing`);
          }
          if (vsSnippet.length) throw new Error(`patched container differs from the snippet: ${vsSnippet.join('; ')}`);
          // kustomize's result on the same Deployment and patch file: the same container and volumes.
          write(path.join(dir, 'kustomization.yaml'), safeYaml({ resources: ['deployment.yaml'], patches: [{ path: 'patch.yaml' }] }));
          fs.copyFileSync(patchFile, path.join(dir, 'patch.yaml'));
          const k = run(cluster.bin('kubectl'), ['kustomize', dir]);
          if (k.status !== 0) throw new Error(`kubectl kustomize: ${tail(k)}`);
          const kd = YAML.parse(k.stdout).spec.template.spec;
          const vsKustomize = differences(kd.containers[0], c, [...CONTAINER_FIELDS, 'env', 'resources']);
          if (JSON.stringify(norm(kd.volumes)) !== JSON.stringify(norm(live.volumes))) vsKustomize.push(`volumes: ${JSON.stringify(kd.volumes)} != ${JSON.stringify(live.volumes)}`);
          if (vsKustomize.length) throw new Error(`the API server's merge differs from kustomize's: ${vsKustomize.join('; ')}`);
          return `${patches.length} documents; container = snippet = kustomize's (${probeSummary(c)}; ports ${(c.ports ?? []).map((p: any) => `${p.name} ${p.containerPort}`).join('+') || '-'}; env ${c.env ? 'kept' : '-'}, ` +
            `mounts ${(c.volumeMounts ?? []).map((m: any) => m.mountPath).join('+')}, volumes ${live.volumes.map((v: any) => v.name).join('+')})`;
        });
      }
    }
  }

  // 3b. What docs/outputs/kustomize.md says the patch cannot do: a Deployment whose port of the model's name has another
  // number (`http` 80, the model's 8000) keeps it beside the model's, and the API server refuses two ports named
  // `http`. Shown on the first example's first patch: the documents go through, the second is refused, as documented.
  {
    const src = sources[0];
    const f = yamlFiles(path.join(src.dir, 'k8s', 'patches')).filter((x) => !x.endsWith('.replacements.yaml'))[0];
    const name = path.basename(f, '.yaml');
    await suite.stepAsync(`the documented limit: ${src.name}/k8s/patches/${f} on a Deployment whose http port has another number is refused (two ports named http)`, async () => {
      const dir = path.join(WORK, 'patch', 'old-port', src.name, name);
      const d = typicalDeployment(name, 80);
      d.metadata.name = `${name}-old-port`;
      for (const at of [d.metadata, d.spec.template.metadata]) at.labels = { ...at.labels, app: `${name}-old-port` };
      d.spec.selector.matchLabels = { ...d.spec.selector.matchLabels, app: `${name}-old-port` };
      d.spec.paused = true;
      write(path.join(dir, 'deployment.yaml'), safeYaml(d));
      apply(NS.patchTypical, path.join(dir, 'deployment.yaml'), true);
      const docs = docsOf(fs.readFileSync(path.join(src.dir, 'k8s', 'patches', f), 'utf8'));
      const results = docs.map((p, i) => {
        // The patch names the Deployment of the container (backend); this one is backend-old-port.
        write(path.join(dir, `patch-${i}.yaml`), safeYaml({ ...p, metadata: { ...p.metadata, name: d.metadata.name } }));
        return cluster.kubectl(['patch', 'deployment', d.metadata.name, '-n', NS.patchTypical, '--type', 'strategic', '--patch-file', path.join(dir, `patch-${i}.yaml`)]);
      });
      // Paused, it has no Pods: out of the namespace whose Pods are checked next.
      cluster.kubectlOk(['delete', 'deployment', d.metadata.name, '-n', NS.patchTypical, '--wait=true']);
      const last = results[results.length - 1];
      if (last.status === 0 || !/Duplicate value: "http"/.test(last.stderr)) throw new Error(`want the last document refused with Duplicate value "http": exit ${last.status}, ${tail(last)}`);
      return `refused as docs/outputs/kustomize.md says: ${/Duplicate value: "http"/.exec(last.stderr)![0]} (rename or remove the old port in the Deployment)`;
    });
  }

  // 4. The random valid models of the property tests (lint:real's: seeded, half backends, half frontends).
  suite.step(`random models: ${MODELS} Deployments (+ Service, NetworkPolicy) applied server-side, strict, no warning`, () => {
    const g = modelGroups(MODELS, path.join(WORK, 'models-work')).find((x) => x.name === 'models/k8s')!;
    const objects = apply(NS.models, g.dir);
    const deployments = objects.filter((o) => o.startsWith('deployment.apps/')).length;
    if (deployments !== MODELS) throw new Error(`${deployments} Deployments applied of ${MODELS}`);
    return `${g.count} models, ${objects.length} objects (${deployments} Deployments)`;
  });

  // 5. Helm: `helm create` charts with the generated values, lint, template, install.
  const helms: Array<'helm' | 'helm3'> = [];
  for (const helm of ['helm', 'helm3'] as const) {
    // The Helms are built last by .ci/run's prebuild: run.sh builds (or waits for) them beside the steps before these.
    if (!await suite.stepAsync(`Helm ${helm === 'helm' ? 4 : 3} built (tools/etcd-helm.sh ${helm}, beside the steps above)`, () => awaitBuild(helm))) continue;
    helms.push(helm);
    const ns = helm === 'helm' ? NS.helm : NS.helm3;
    const version = cluster.helm(helm, ['version', '--short']).stdout.trim();
    for (const src of sources) {
      for (const f of (fs.existsSync(path.join(src.dir, 'helm')) ? fs.readdirSync(path.join(src.dir, 'helm')) : []).filter((x) => x.endsWith('.values.yaml')).sort()) {
        const name = f.replace(/\.values\.yaml$/, '');
        suite.step(`helm ${version}: ${src.name}/helm/${f} on helm create ${name}: lint --strict, template, install`, () => {
          const dir = path.join(WORK, helm, src.name);
          fs.mkdirSync(dir, { recursive: true });
          const chart = createChart(helm, dir, name);
          const values = path.join(src.dir, 'helm', f);
          const lint = cluster.helm(helm, ['lint', '--strict', chart, '-f', values]);
          if (lint.status !== 0) throw new Error(`helm lint --strict: ${tail(lint)}`);
          const tpl = cluster.helm(helm, ['template', name, chart, '-f', values, '-n', ns]);
          if (tpl.status !== 0) throw new Error(`helm template: ${tail(tpl)}`);
          const snippet = YAML.parse(fs.readFileSync(path.join(src.dir, 'k8s', `${name}.yaml`), 'utf8')).containers[0];
          const rendered = docsOf(tpl.stdout).find((d) => d.kind === 'Deployment').spec.template.spec.containers[0];
          const probes = ['startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext', 'volumeMounts'];
          const d = differences(snippet, rendered, probes);
          if (d.length) throw new Error(`helm template's container differs from the snippet: ${d.join('; ')}`);
          const inst = cluster.helm(helm, ['install', name, chart, '-f', values, '-n', ns]);
          if (inst.status !== 0) throw new Error(`helm install: ${tail(inst)}`);
          const warnings = inst.stderr.split('\n').filter((l) => /^(W\d{4}|Warning:|level=WARN)/.test(l));
          if (warnings.length) throw new Error(`helm install warned: ${warnings.slice(0, 3).join(' | ')}`);
          const live = getJson(ns, ['deployment', name]).spec.template.spec.containers[0];
          const dl = differences(snippet, live, probes);
          if (dl.length) throw new Error(`the installed Deployment differs from the snippet: ${dl.join('; ')}`);
          return `lint ok, template and installed Deployment = snippet (${probeSummary(live)})`;
        });
      }
    }
  }

  // 6. helm create's own test pod (docs/outputs/helm.md): refused as the page says, admitted as the page fixes it.
  if (helms.includes('helm')) {
    const dir = path.join(WORK, 'testpod');
    fs.mkdirSync(dir, { recursive: true });
    const chart = createChart('helm', dir, 'app');
    const testPod = () => {
      const r = cluster.helm('helm', ['template', 'app', chart, '-n', NS.control, '--show-only', 'templates/tests/test-connection.yaml']);
      if (r.status !== 0) throw new Error(`helm template: ${tail(r)}`);
      const file = path.join(dir, 'test-pod.yaml');
      write(file, r.stdout);
      return file;
    };
    suite.step('helm create\'s test pod: refused by Pod Security restricted, as docs/outputs/helm.md says', () => {
      const r = cluster.kubectl(['apply', '--server-side', '--field-manager=pc-e2e', '-n', NS.control, '-f', testPod()]);
      if (r.status === 0) throw new Error('admitted: the docs\' note would be wrong');
      if (!/violates PodSecurity "restricted:latest"/.test(r.stderr)) throw new Error(`refused for another reason: ${tail(r)}`);
      return r.stderr.trim().split('\n')[0].replace(/^.*violates PodSecurity/, 'violates PodSecurity').slice(0, 300);
    });
    suite.step('helm create\'s test pod with the docs\' restricted container: admitted', () => {
      const file = path.join(chart, 'templates', 'tests', 'test-connection.yaml');
      const text = fs.readFileSync(file, 'utf8');
      const at = text.indexOf('  containers:');
      const end = text.indexOf('  restartPolicy:');
      if (at < 0 || end < at) throw new Error('helm create\'s test-connection.yaml has no `containers:` before `restartPolicy:`');
      fs.writeFileSync(file, text.slice(0, at) + docsTestPodBlock() + text.slice(end));
      return `${apply(NS.control, testPod()).join(', ')}`;
    });
  }

  // 7. Controls: what the API server and Pod Security refuse is seen as refused.
  suite.step('control: a header name with "_" is refused by the API server', () => {
    const snippet = YAML.parse(fs.readFileSync(path.join(ROOT, 'examples', 'fullstack', 'k8s', 'backend.yaml'), 'utf8'));
    snippet.containers[0].livenessProbe.httpGet.httpHeaders = [{ name: 'X_Api_Key', value: 'k1' }];
    const file = path.join(WORK, 'control', 'header.yaml');
    write(file, safeYaml(wrapSnippet('control-header', snippet)));
    const r = cluster.kubectl(['apply', '--server-side', '--field-manager=pc-e2e', '-n', NS.control, '-f', file]);
    if (r.status === 0) throw new Error('accepted');
    const m = /a valid HTTP header must consist of alphanumeric characters or '-'/.exec(r.stderr);
    if (!m) throw new Error(`refused for another reason: ${tail(r)}`);
    return m[0];
  });
  suite.step('control: a Deployment without securityContext draws a Pod Security warning', () => {
    const file = path.join(WORK, 'control', 'insecure.yaml');
    write(file, safeYaml(wrapSnippet('control-insecure', { containers: [{ name: 'app' }] })));
    const r = cluster.kubectl(['apply', '--server-side', '--field-manager=pc-e2e', '-n', NS.control, '-f', file]);
    if (r.status !== 0) throw new Error(`refused: ${tail(r)}`);
    const w = r.stderr.split('\n').find((l) => /would violate PodSecurity/.test(l));
    if (!w) throw new Error(`no warning: ${tail(r)}`);
    return w.slice(0, 200);
  });

  // 8. The Pods: every Deployment's current ReplicaSet created its Pod, Pod Security admitted it (no FailedCreate).
  const expectRefused = new Set([`${NS.control}/control-insecure`]);
  for (const ns of Object.values(NS)) {
    await suite.stepAsync(`${ns}: the controllers created every Deployment's Pods, Pod Security admitted them`, async () => {
      const t = Date.now();
      let missing: string[] = [];
      let failed: string[] = [];
      let total = 0;
      for (;;) {
        const deployments = getJson(ns, ['deployments']).items;
        const sets = getJson(ns, ['replicasets']).items;
        const pods = getJson(ns, ['pods']).items;
        const events = getJson(ns, ['events', '--field-selector', 'reason=FailedCreate']).items;
        total = deployments.length;
        missing = [];
        for (const d of deployments) {
          const revision = d.metadata.annotations?.['deployment.kubernetes.io/revision'];
          const rs = sets.find((s: any) => s.metadata.ownerReferences?.some((o: any) => o.uid === d.metadata.uid)
            && s.metadata.annotations?.['deployment.kubernetes.io/revision'] === revision);
          const has = rs && pods.some((p: any) => p.metadata.ownerReferences?.some((o: any) => o.uid === rs.metadata.uid));
          if (!has && !expectRefused.has(`${ns}/${d.metadata.name}`)) missing.push(d.metadata.name);
        }
        failed = events.filter((e: any) => !expectRefused.has(`${ns}/${e.involvedObject.name.replace(/-[0-9a-z]+$/, '')}`))
          .map((e: any) => `${e.involvedObject.name}: ${e.message}`);
        const controlSeen = ns !== NS.control || events.some((e: any) => /^control-insecure-/.test(e.involvedObject.name) && /violates PodSecurity/.test(e.message));
        if ((missing.length === 0 && controlSeen) || failed.length > 0 || Date.now() - t > 180_000) {
          if (ns === NS.control && !controlSeen) failed.push('control-insecure: no FailedCreate event (Pod Security did not refuse its Pod)');
          break;
        }
        await sleep(2000);
      }
      if (failed.length) throw new Error(`FailedCreate: ${failed.slice(0, 5).join(' | ')}${failed.length > 5 ? ` (and ${failed.length - 5} more)` : ''}`);
      if (missing.length) throw new Error(`no Pod of the current ReplicaSet after ${((Date.now() - t) / 1000).toFixed(0)} s: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` (and ${missing.length - 10} more)` : ''}`);
      const note = ns === NS.control ? '; control-insecure refused (FailedCreate: violates PodSecurity)' : '';
      return `${total} Deployments, each with its Pod, no FailedCreate${note} (${((Date.now() - t) / 1000).toFixed(1)} s)`;
    });
  }

  console.log(`e2e:apiserver: ${wrapped.length} wrapped snippets, ${MODELS} random models, helm ${helms.join(' and ')}, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return suite.finish();
}

const stopAll = async () => {
  const stopped = await cluster.stop();
  if (stopped.length) console.log(`e2e:apiserver: stopped ${stopped.join(', ')}`);
};
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    cluster.killAll();
    process.exit(130);
  });
}
process.on('exit', () => cluster.killAll());
// The generator's YAML scalar checks parse random header values; their YAML warnings are noise here.
process.removeAllListeners('warning');
main().then(async (status) => {
  await stopAll();
  process.exitCode = status;
}, async (e) => {
  console.error(`e2e:apiserver: ${(e as Error).stack ?? e}`);
  suite.record('e2e:apiserver', false, `stopped: ${(e as Error).message}`);
  await stopAll();
  process.exitCode = suite.finish();
});
