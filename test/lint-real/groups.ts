/**
 * The file groups lint:real hands to the real linters: the examples' generated files and random valid models.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { safeYaml } from '../../src/_yaml';
import { backendModel, frontendModel, Rendered, renderBackendModel, renderFrontendModel, SEED } from '../property/model';

/** What a group holds: Dockerfiles (Trivy), Kubernetes manifests (every Kubernetes linter) or a Helm chart. */
export type GroupKind = 'dockerfiles' | 'manifests' | 'helm';

export interface Group {
  /** `<source>/<what>`, e.g. `fullstack/k8s`. */
  readonly name: string;
  readonly kind: GroupKind;
  /** The folder the tools scan. */
  readonly dir: string;
  /** How many files (or charts) it holds. */
  readonly count: number;
  /** For the checker comparison: folders each holding one container's Dockerfile and manifest. */
  readonly pairs?: string[];
}

const ROOT = path.resolve(__dirname, '..', '..');
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};
const labels = (name: string) => ({ 'app.kubernetes.io/name': name });
/** The image the user's Deployment names (the generated files own no image): pinned, never latest. */
export const image = (name: string) => `registry.example.com/${name}:1.0.0`;

/**
 * The generated PodSpec fragment inside the smallest Deployment a user would write around it: a name, labels, one
 * replica and the image. Every other field is the generator's.
 */
export function wrapSnippet(name: string, snippet: any): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: labels(name) },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels(name) },
      template: {
        metadata: { labels: labels(name) },
        spec: { ...snippet, containers: snippet.containers.map((c: any) => ({ name: c.name, image: image(c.name), ...c })) },
      },
    },
  };
}

/**
 * What a platform's manifest set has beside the Deployment, so that the linters judge the generated fields and not
 * the missing neighbours: a Service on the container's named ports (kube-score checks probes only on pods a Service
 * targets) and a NetworkPolicy that lets in those ports and nothing out.
 */
export function neighbours(name: string, ports: Array<{ name: string; containerPort: number }>): any[] {
  // A container without ports (a worker) gets no Service, and a NetworkPolicy that lets nothing in: an ingress rule
  // with no ports would let in every port.
  const ingress = ports.length === 0 ? [] : [{ ports: ports.map((p) => ({ port: p.name, protocol: 'TCP' })) }];
  return [
    ...(ports.length === 0 ? [] : [{
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels: labels(name) },
      spec: { selector: labels(name), ports: ports.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.name, protocol: 'TCP' })) },
    }]),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, labels: labels(name) },
      spec: { podSelector: { matchLabels: labels(name) }, policyTypes: ['Ingress', 'Egress'], ingress, egress: [] },
    },
  ];
}

/** The Deployment around the snippet, with its Service and NetworkPolicy, as one multi-document YAML file. */
export function manifestSet(name: string, snippet: any): string {
  const ports = snippet.containers.flatMap((c: any) => c.ports ?? []);
  return [wrapSnippet(name, snippet), ...neighbours(name, ports)].map(yaml).join('---\n');
}

/** A user's Deployment before the kustomize patch: just the container and its image. */
export function userDeployment(name: string, containers: string[]): any {
  return wrapSnippet(name, { containers: containers.map((c) => ({ name: c })) });
}

/** The generator's own YAML writer: quotes what YAML 1.1 readers (kubectl, the Go linters) would take for a boolean (`y`, `on`). */
function yaml(doc: any): string {
  return safeYaml(doc);
}

/** The groups of one example folder (examples/<name>, or `src`: a synthesized project's folder, e2e:apiserver's). */
export function exampleGroups(example: string, work: string, src = path.join(ROOT, 'examples', example)): Group[] {
  const groups: Group[] = [];
  const out = (g: string) => path.join(work, example, g);

  const dockerfiles = fs.readdirSync(src).filter((d) => fs.existsSync(path.join(src, d, 'Dockerfile'))).sort();
  for (const d of dockerfiles) write(path.join(out('dockerfiles'), d, 'Dockerfile'), fs.readFileSync(path.join(src, d, 'Dockerfile'), 'utf8'));
  groups.push({ name: `${example}/dockerfiles`, kind: 'dockerfiles', dir: out('dockerfiles'), count: dockerfiles.length });

  const snippets = fs.readdirSync(path.join(src, 'k8s')).filter((f) => f.endsWith('.yaml')).sort();
  const pairs: string[] = [];
  for (const f of snippets) {
    const name = f.replace(/\.yaml$/, '');
    const manifest = manifestSet(name, YAML.parse(fs.readFileSync(path.join(src, 'k8s', f), 'utf8')));
    write(path.join(out('k8s'), f), manifest);
    // The checker's view: the Dockerfile beside the Deployment, paired by the folder's name.
    if (fs.existsSync(path.join(src, name, 'Dockerfile'))) {
      const pair = path.join(work, example, 'pairs', name);
      write(path.join(pair, name, 'Dockerfile'), fs.readFileSync(path.join(src, name, 'Dockerfile'), 'utf8'));
      write(path.join(pair, 'deployment.yaml'), manifest);
      pairs.push(pair);
    }
  }
  groups.push({ name: `${example}/k8s`, kind: 'manifests', dir: out('k8s'), count: snippets.length, pairs });

  const patchDir = path.join(src, 'k8s', 'patches');
  if (fs.existsSync(patchDir)) {
    // Each patch and its guard (`<name>.replacements.yaml`, listed under `replacements:`).
    const patches = fs.readdirSync(patchDir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.replacements.yaml')).sort();
    for (const f of patches) {
      const name = f.replace(/\.yaml$/, '');
      const k = path.join(work, example, 'kustomize-src', name);
      // A patch file may hold several documents (the first clears the container's old ports).
      const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(patchDir, f), 'utf8')).map((d) => d.toJS());
      const ports = docs.flatMap((patch: any) => patch.spec.template.spec.containers.flatMap((c: any) => c.ports ?? []));
      write(path.join(k, 'deployment.yaml'), [userDeployment(name, [name]), ...neighbours(name, ports)].map(yaml).join('---\n'));
      fs.copyFileSync(path.join(patchDir, f), path.join(k, 'patch.yaml'));
      fs.copyFileSync(path.join(patchDir, `${name}.replacements.yaml`), path.join(k, 'guard.yaml'));
      write(path.join(k, 'kustomization.yaml'), yaml({ resources: ['deployment.yaml'], patches: [{ path: 'patch.yaml' }], replacements: [{ path: 'guard.yaml' }] }));
      write(path.join(out('kustomize'), f), execFileSync('kubectl', ['kustomize', k], { encoding: 'utf8' }));
    }
    groups.push({ name: `${example}/kustomize`, kind: 'manifests', dir: out('kustomize'), count: patches.length });
  }

  const helmDir = path.join(src, 'helm');
  if (fs.existsSync(helmDir)) {
    const values = fs.readdirSync(helmDir).filter((f) => f.endsWith('.values.yaml')).sort();
    for (const f of values) {
      const name = f.replace(/\.values\.yaml$/, '');
      const chart = path.join(out('helm'), name);
      fs.cpSync(path.join(__dirname, 'chart'), chart, { recursive: true });
      write(path.join(chart, 'Chart.yaml'), fs.readFileSync(path.join(chart, 'Chart.yaml'), 'utf8').replace(/^name: app$/m, `name: ${name}`));
      fs.copyFileSync(path.join(helmDir, f), path.join(chart, 'values.yaml'));
    }
    groups.push({ name: `${example}/helm`, kind: 'helm', dir: out('helm'), count: values.length });
  }
  return groups;
}

/** Runs fn with stderr muted: the models' synth warnings (timeouts close to the interval ...) would bury the report. */
function quiet<T>(fn: () => T): T {
  const stderrWrite = process.stderr.write;
  const warn = console.warn;
  const error = console.error;
  process.stderr.write = (() => true) as any;
  console.warn = console.error = () => undefined;
  try {
    return fn();
  } finally {
    process.stderr.write = stderrWrite;
    console.warn = warn;
    console.error = error;
  }
}

/**
 * `count` random valid models of the property tests (half backends, half frontends; seeded): each model's
 * Dockerfile and its snippet wrapped in a Deployment, and a folder with both for the checker.
 */
export function modelGroups(count: number, work: string): Group[] {
  const backends = fc.sample(backendModel, { seed: SEED + 100, numRuns: Math.ceil(count / 2) });
  const frontends = fc.sample(frontendModel, { seed: SEED + 101, numRuns: Math.floor(count / 2) });
  const rendered: Array<{ name: string; r: Rendered }> = quiet(() => [
    ...backends.map((m, i) => ({ name: `backend-${String(i).padStart(3, '0')}`, r: renderBackendModel(m) })),
    ...frontends.map((m, i) => ({ name: `frontend-${String(i).padStart(3, '0')}`, r: renderFrontendModel(m) })),
  ]);
  const pairs: string[] = [];
  for (const { name, r } of rendered) {
    write(path.join(work, 'models', 'dockerfiles', name, 'Dockerfile'), r.dockerfile);
    const manifest = manifestSet(name, r.snippet);
    write(path.join(work, 'models', 'k8s', `${name}.yaml`), manifest);
    const pair = path.join(work, 'models', 'pairs', name);
    const container = r.snippet.containers[0].name;
    write(path.join(pair, container, 'Dockerfile'), r.dockerfile);
    write(path.join(pair, 'deployment.yaml'), manifest);
    pairs.push(pair);
  }
  return [
    { name: 'models/dockerfiles', kind: 'dockerfiles', dir: path.join(work, 'models', 'dockerfiles'), count: rendered.length },
    { name: 'models/k8s', kind: 'manifests', dir: path.join(work, 'models', 'k8s'), count: rendered.length, pairs },
  ];
}
