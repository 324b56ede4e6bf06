/**
 * Pairs each Kubernetes container with the Dockerfile of its image: an explicit pair (`--pair`, `--map`, by
 * `Kind/workload/container`) first; then the build context that names the image (Compose `build:`, skaffold,
 * a Makefile, script or CI file, through kustomize `images:` renames); then the image's repository name
 * (or, for a container without an image, its name) against a Dockerfile's directory or `x` of
 * `Dockerfile.x` / `x.Dockerfile`, looked for only in the nearest app folder of the manifest; then the
 * only Dockerfile of that app folder, for an image that is not a Docker Official Image.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { BuildIndex, tagVariant, K8sContainer, imageName } from '../read';

/**
 * An explicit pair: the container selector (`Kind/workload/container`, `workload/container` or `container`),
 * its Dockerfile (absolute path) and the stage to check.
 */
export interface PairSpec {
  readonly container: string;
  readonly dockerfile: string;
  readonly target?: string;
  /** Where the pair was given (`--pair`, or the mapping file), for error messages. */
  readonly from?: string;
}

export type PairedBy = 'mapping' | 'build' | 'image' | 'name' | 'nearest';

export interface Pair {
  readonly container: K8sContainer;
  readonly dockerfile?: string;
  readonly target?: string;
  readonly by?: PairedBy;
  /** The file that named the build (Compose, skaffold, Makefile, CI), when paired by it. */
  readonly source?: string;
}

const PLAIN = /^(Dockerfile|Containerfile)$/i;

/** The names a Dockerfile answers to: `x` of `Dockerfile.x` / `x.Dockerfile`, else its directory's name. */
export function dockerfileNames(file: string): string[] {
  const b = path.basename(file);
  const m = /^(?:Dockerfile|Containerfile)\.(.+)$/i.exec(b) ?? /^(.+)\.(?:Dockerfile|Containerfile)$/i.exec(b);
  const names = [path.basename(path.dirname(path.resolve(file))).toLowerCase()];
  if (m) names.unshift(m[1].toLowerCase());
  return names;
}

/** Parses `--pair <selector>=<Dockerfile>[:<stage>]` (path relative to `cwd`). */
export function parsePairFlag(value: string, cwd: string): PairSpec {
  const m = /^((?:[A-Za-z][A-Za-z0-9]*\/)?(?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?[a-z0-9]([a-z0-9-]*[a-z0-9])?)=(.+?)(?::([A-Za-z][A-Za-z0-9_.-]*))?$/.exec(value);
  if (!m) throw new Error(`--pair: must be <Kind/workload/container>=<Dockerfile>[:<stage>] (Kind/ and workload/ optional); received ${JSON.stringify(value)}`);
  return { container: m[1], dockerfile: path.resolve(cwd, m[4]), target: m[5], from: `--pair ${value}` };
}

/**
 * Reads a mapping file (YAML or JSON): `pairs: [{ container, dockerfile, target? }]`, `container` a selector as
 * for `--pair`, paths relative to the mapping file.
 */
export function readMapping(file: string): PairSpec[] {
  const doc = parseYaml(fs.readFileSync(file, 'utf8')) as unknown;
  const pairs = (doc as { pairs?: unknown } | null)?.pairs;
  if (!Array.isArray(pairs)) throw new Error(`${file}.pairs: must be a list of { container, dockerfile, target? }; received ${JSON.stringify(pairs)}`);
  return pairs.map((p, i) => {
    const { container, dockerfile, target } = (p ?? {}) as Record<string, unknown>;
    if (typeof container !== 'string' || typeof dockerfile !== 'string' || (target !== undefined && typeof target !== 'string')) {
      throw new Error(`${file}.pairs[${i}]: must be { container: string, dockerfile: string, target?: string }; received ${JSON.stringify(p)}`);
    }
    return { container, dockerfile: path.resolve(path.dirname(file), dockerfile), target: target as string | undefined, from: `${file}.pairs[${i}]` };
  });
}

/** The `Kind/workload/container` name of a container (`container` for a bare PodSpec fragment). */
export function selectorOf(c: K8sContainer): string {
  return c.kind === 'PodSpec' ? c.name : `${c.kind}/${c.workload}/${c.name}`;
}

function matches(selector: string, c: K8sContainer): boolean {
  const parts = selector.split('/');
  if (parts.length === 3) return c.kind.toLowerCase() === parts[0].toLowerCase() && c.workload === parts[1] && c.name === parts[2];
  if (parts.length === 2) return c.workload === parts[0] && c.name === parts[1];
  return c.name === parts[0];
}

/**
 * The containers each spec selects. Throws when a selector names no container, or (without Kind/workload)
 * containers of different workloads.
 */
export function resolveSpecs(specs: PairSpec[], containers: K8sContainer[]): Map<K8sContainer, PairSpec> {
  const out = new Map<K8sContainer, PairSpec>();
  const known = () => [...new Set(containers.map(selectorOf))].sort().slice(0, 20).join(', ');
  for (const s of specs) {
    const hit = containers.filter((c) => matches(s.container, c));
    if (hit.length === 0) {
      throw new Error(`${s.from ?? 'pair'}: must name a container as Kind/workload/container; received ${JSON.stringify(s.container)}, which matches none (containers: ${known() || 'none'})`);
    }
    const distinct = new Set(hit.map(selectorOf));
    if (distinct.size > 1) {
      throw new Error(`${s.from ?? 'pair'}: must name one container; received ${JSON.stringify(s.container)}, which matches ${distinct.size} (${[...distinct].sort().join(', ')}): use Kind/workload/container`);
    }
    for (const c of hit) out.set(c, s);
  }
  return out;
}

function within(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * The manifest's app folder: its nearest ancestor directory (not above its root) that holds a Dockerfile
 * somewhere below it.
 */
export function appFolder(manifest: string, dockerfiles: string[], root: string): string | undefined {
  for (let dir = path.dirname(manifest); ; dir = path.dirname(dir)) {
    if (dockerfiles.some((d) => within(d, dir))) return dir;
    if (dir === root || !within(dir, root) || path.dirname(dir) === dir) return undefined;
  }
}

/** A Docker Official Image (`redis`, `nginx:1.27`, `docker.io/library/postgres`): never built by the repository. */
export function officialImage(image: string): boolean {
  const p = imageName(image).path;
  return !p.includes('/') || p.startsWith('docker.io/library/') || p.startsWith('library/');
}

/** Of several Dockerfiles, the one a name picks: the only one, else the only plain `Dockerfile` among them. */
function pick(found: string[]): string | undefined {
  if (found.length === 1) return found[0];
  const plain = found.filter((f) => PLAIN.test(path.basename(f)));
  return plain.length === 1 ? plain[0] : undefined;
}

/** Pairs every container (absolute Dockerfile paths in the result); `roots` are the checked directories. */
export function pairContainers(containers: K8sContainer[], dockerfiles: string[], specs: PairSpec[], target: string | undefined,
  build: BuildIndex = { refs: [], aliases: new Map() }, roots: string[] = [], cwd: string = process.cwd()): Pair[] {
  const explicit = resolveSpecs(specs, containers);
  const nearby = (scope: string, manifest: string) => path.relative(scope, path.dirname(manifest)).split(path.sep).filter((x) => x !== '').length <= 1;
  /** The distinct containers (Kind/workload/container) under a folder whose image is not a Docker Official Image. */
  const ownImages = (scope: string) => [...new Set(containers
    .filter((x) => within(path.resolve(cwd, x.file), scope) && !(x.image !== undefined && officialImage(x.image)))
    .map(selectorOf))];
  return containers.map((c): Pair => {
    const spec = explicit.get(c);
    if (spec) return { container: c, dockerfile: spec.dockerfile, target: spec.target ?? target, by: 'mapping' };
    const manifest = path.resolve(cwd, c.file);
    // A manifest named as a file (not under a checked directory) is scoped to the working directory when inside it.
    const root = roots.find((r) => manifest === r || within(manifest, r)) ?? (within(manifest, cwd) ? cwd : path.dirname(manifest));
    const scope = appFolder(manifest, dockerfiles, root);
    const inScope = scope ? dockerfiles.filter((d) => within(d, scope)) : [];
    const usable = c.image !== undefined && !/[{$]/.test(c.image);
    if (usable) {
      const repoPath = imageName(c.image!).path;
      const names = new Set([repoPath, ...(build.aliases.get(repoPath) ?? [])]);
      const repoName = repoPath.slice(repoPath.lastIndexOf('/') + 1);
      let refs = build.refs.filter((r) => names.has(r.image));
      // A build file with variables in the image's registry part names the repository only (star-slash-argocd).
      // Such a ref counts only from a build file in a folder above the manifest (another folder may build another
      // image of that name).
      if (refs.length === 0) refs = build.refs.filter((r) => r.image === `*/${repoName}` && within(manifest, path.dirname(r.source)));
      // One repository for several images (`demo:2.1.3-ad`, `demo:2.1.3-cart`): the tag's variant picks.
      const variant = tagVariant(imageName(c.image!).tag);
      if (new Set(refs.map((r) => r.dockerfile)).size > 1 && variant) refs = refs.filter((r) => r.variant === variant);
      const byBuild = [...new Set(refs.map((r) => r.dockerfile))];
      if (byBuild.length === 1) {
        const r = refs[0];
        return { container: c, dockerfile: r.dockerfile, target: target ?? r.target, by: 'build', source: r.source };
      }
      const repos = new Set([...names].map((n) => n.slice(n.lastIndexOf('/') + 1)));
      const fromImage = pick(inScope.filter((d) => dockerfileNames(d).some((n) => repos.has(n))));
      if (fromImage) return { container: c, dockerfile: fromImage, target, by: 'image' };
      if (!officialImage(c.image!)) {
        // The only Dockerfile of the manifest's own folder (or its parent: app/k8s/x.yaml), when the folder's
        // manifests hold only one container of a non-official image.
        if (scope && inScope.length === 1 && nearby(scope, manifest) && ownImages(scope).length === 1) {
          return { container: c, dockerfile: inScope[0], target, by: 'nearest' };
        }
      }
      return { container: c };
    }
    const fromName = pick(inScope.filter((d) => dockerfileNames(d).includes(c.name.toLowerCase())));
    if (fromName) return { container: c, dockerfile: fromName, target, by: 'name' };
    if (scope && inScope.length === 1 && nearby(scope, manifest) && ownImages(scope).length === 1) return { container: c, dockerfile: inScope[0], target, by: 'nearest' };
    return { container: c };
  });
}
