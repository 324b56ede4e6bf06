/**
 * Pairs each Kubernetes container with the Dockerfile of its image, by evidence only (never by the name of the
 * checked-out folder): an explicit pair (`--pair`, `--map`, by `Kind/workload/container`) first; then the build that
 * names the image's repository (Compose `build:`, skaffold, a Makefile, script or CI file, through kustomize `images:`
 * renames); then the image's repository name (for a container without an image, its name) against the names of every
 * Dockerfile found or named (docs/check.md "Pairing" lists the name rules); last, the only Dockerfile left for the
 * only image left, when the Dockerfile's folder holds the manifest. Two equally good candidates leave the container
 * unpaired; every unpaired container says why, with the nearest candidate.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { BuildIndex, BuildRef, tagVariant, K8sContainer, imageName, OFFICIAL_IMAGES, projectNames } from '../read';

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

/**
 * Why a container is unpaired: `none` (no Dockerfile answers to its image's name), `ambiguous` (several equally
 * good), `official` (a Docker Official Image, built elsewhere), `far` (the only candidates are outside the
 * manifest's app folder, or named by a build file in another folder), `unreadable` (its Dockerfile could not be read:
 * the skipped line says why).
 */
export type UnpairedReason = 'none' | 'ambiguous' | 'official' | 'far' | 'unreadable';

export interface Unpaired {
  readonly reason: UnpairedReason;
  /** The candidates (absolute paths), the best first: the equally good ones, else the nearest. */
  readonly candidates: string[];
}

export interface Pair {
  readonly container: K8sContainer;
  readonly dockerfile?: string;
  readonly target?: string;
  readonly by?: PairedBy;
  /** The file that named the build (Compose, skaffold, Makefile, CI), when paired by it. */
  readonly source?: string;
  /** Why the container is unpaired (only when it is). */
  readonly unpaired?: Unpaired;
}

const PLAIN = /^(Dockerfile|Containerfile)$/i;

/**
 * Folders that hold an image's build files for the folder above them (`app/docker/Dockerfile`,
 * `app/rootfs/Dockerfile`): a Dockerfile in one answers to its parent's name.
 */
export const WRAPPER_FOLDERS = /^(rootfs|docker|dockerfiles?|build|builds|image|images|deploy|deployment|deployments|container|containers|package|packaging|ci)$/i;

/**
 * The names a Dockerfile answers to: `x` of `Dockerfile.x` / `x.Dockerfile`, and its folder's name (a wrapper
 * folder stands for its parent). A folder in `unnamed` (the checked-out folder: its name is where it was cloned,
 * not evidence) gives the names its project files declare instead (go.mod, package.json, Cargo.toml, pyproject.toml,
 * the git remote).
 */
export function dockerfileNames(file: string, unnamed: (dir: string) => boolean = () => false): string[] {
  const b = path.basename(file);
  const m = /^(?:Dockerfile|Containerfile)\.(.+)$/i.exec(b) ?? /^(.+)\.(?:Dockerfile|Containerfile)$/i.exec(b);
  const names: string[] = m ? [m[1].toLowerCase()] : [];
  const dir = homeOf(file);
  if (unnamed(dir)) names.push(...projectNames(dir));
  else names.push(path.basename(dir).toLowerCase());
  return [...new Set(names.filter((n) => n !== ''))];
}

/** The folder a Dockerfile builds: its own, or the parent of a wrapper folder (`app/docker/Dockerfile` -> `app`). */
export function homeOf(file: string): string {
  let dir = path.dirname(path.resolve(file));
  while (WRAPPER_FOLDERS.test(path.basename(dir)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
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
 * The manifest's app folder: its nearest ancestor directory that holds a Dockerfile somewhere below it (Dockerfiles
 * outside it are far candidates: another app's).
 */
export function appFolder(manifest: string, dockerfiles: string[]): string | undefined {
  for (let dir = path.dirname(manifest); ; dir = path.dirname(dir)) {
    if (dockerfiles.some((d) => within(d, dir))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * A Docker Official Image (`redis`, `nginx:1.27`, `docker.io/nginx`, `docker.io/library/postgres`): never built by
 * the repository. A bare name (or `docker.io/<name>`) is official only if it is in the list of official images
 * (src/check/read/_official-images.ts); another bare name (`controller:latest`, `cart`) is a local image.
 */
export function officialImage(image: string): boolean {
  const p = imageName(image).path.replace(/^(index\.)?docker\.io\//, '');
  if (p.startsWith('library/')) return true;
  return !p.includes('/') && OFFICIAL_IMAGES.has(p);
}

const words = (s: string) => s.toLowerCase().split(/[-_.]+/).filter((w) => w !== '');
/** A word's singular (`services` -> `service`, `policies` -> `policy`, `boxes` -> `box`): both sides alike. */
const singular = (w: string) => (w.endsWith('ss') ? w : w.replace(/ies$/, 'y').replace(/(x|z|ch|sh|ss)es$/, '$1').replace(/s$/, ''));
const norm = (ws: string[]) => ws.map((w, i) => (i === ws.length - 1 ? singular(w) : w)).join('-');

/**
 * How well a Dockerfile's name answers to an image's repository name (its last path segment): 3 the same; 2 the
 * same words up to separators (`-`, `_`, `.`) and a plural on the last word (`services` / `service`); between 1 and
 * 2 the name is the image name's last words (`catalog` of `retail-store-sample-catalog`; more words better; pairing
 * takes it only when another image shares the words before them); 0 not.
 */
export function nameMatch(imageToken: string, name: string): number {
  const key = `${imageToken}\u0000${name}`;
  if (!matched.has(key)) matched.set(key, match(imageToken, name));
  return matched.get(key)!;
}
const matched = new Map<string, number>();

function match(imageToken: string, name: string): number {
  if (imageToken === name) return 3;
  const t = words(imageToken);
  const n = words(name);
  if (t.length === 0 || n.length === 0) return 0;
  if (t.length === n.length) return norm(t) === norm(n) ? 2 : 0;
  if (n.length < t.length && norm(t.slice(t.length - n.length)) === norm(n)) return 1 + n.length / 100;
  return 0;
}

/** Of several Dockerfiles, the one a name picks: the only one, else the only plain `Dockerfile` among them. */
function pick(found: string[]): string | undefined {
  if (found.length === 1) return found[0];
  const plain = found.filter((f) => PLAIN.test(path.basename(f)));
  return plain.length === 1 ? plain[0] : undefined;
}

/** How many leading path segments two folders share (a nearer Dockerfile shares more with the manifest). */
function shared(a: string, b: string): number {
  const x = a.split(path.sep);
  const y = b.split(path.sep);
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i;
}

/** The Dockerfiles nearest the manifest first (most shared folders, then shortest path, then by name). */
function nearestFirst(manifest: string, files: string[]): string[] {
  const dir = path.dirname(manifest);
  return [...files].sort((a, b) => shared(dir, homeOf(b)) - shared(dir, homeOf(a)) || a.length - b.length || a.localeCompare(b));
}

/** The last path segment of a repository path (`*\/argocd` and `ghcr.io/acme/api` -> `argocd`, `api`). */
const lastToken = (p: string) => p.slice(p.lastIndexOf('/') + 1);

interface Pending {
  readonly container: K8sContainer;
  readonly manifest: string;
  readonly scope?: string;
  readonly official: boolean;
  /** The best name matches outside the scope or by a build file in another folder. */
  readonly far: string[];
  /** Equally good near name matches that no rule could tell apart. */
  readonly tied: string[];
}

/**
 * Pairs every container (absolute Dockerfile paths in the result); every Dockerfile is a candidate. `roots` are the
 * checked directories, `named` the Dockerfiles named on the command line (never far), `cwd` the working folder. The
 * working folder, the folders above it and any folder with `.git` are checkouts: their names are not evidence, the
 * names their project files declare are.
 */
export function pairContainers(containers: K8sContainer[], dockerfiles: string[], specs: PairSpec[], target: string | undefined,
  build: BuildIndex = { refs: [], aliases: new Map() }, roots: string[] = [], cwd: string = process.cwd(), named: string[] = []): Pair[] {
  const explicit = resolveSpecs(specs, containers);
  const checkout = (dir: string) => dir === cwd || within(cwd, dir) || fs.existsSync(path.join(dir, '.git'));
  const own = new Map(dockerfiles.map((d) => [d, dockerfileNames(d, checkout)]));
  const nearby = (scope: string, manifest: string) => path.relative(scope, path.dirname(manifest)).split(path.sep).filter((x) => x !== '').length <= 1;

  // The word prefixes (`retail-store-sample`) that the repository names of at least two images share.
  const imageTokens = new Set(containers.filter((c) => c.image !== undefined && !/[{$]/.test(c.image)).map((c) => lastToken(imageName(c.image!).path)));
  const prefixCount = new Map<string, number>();
  for (const t of imageTokens) {
    const w = words(t);
    for (let k = 1; k < w.length; k++) prefixCount.set(w.slice(0, k).join('-'), (prefixCount.get(w.slice(0, k).join('-')) ?? 0) + 1);
  }
  // The checked-out project's own names (go.mod, package.json, ...) are such a prefix too: `sealed-secrets-controller`
  // answers to `docker/controller.Dockerfile` in the checkout of `sealed-secrets`.
  const checkouts = [cwd, ...roots.filter((r) => fs.existsSync(path.join(r, '.git')))];
  const sharedPrefixes = new Set([...[...prefixCount].filter(([, n]) => n >= 2).map(([p]) => p),
    ...checkouts.flatMap((d) => projectNames(d)).map((n) => words(n).join('-'))]);

  /** Near and far name quality of each Dockerfile for one repository name (or container name). */
  const byName = (tokens: Set<string>, manifest: string, scope: string | undefined) => {
    const near = new Map<string, number>();
    const far = new Map<string, number>();
    const best = (m: Map<string, number>, d: string, q: number) => { if (q > (m.get(d) ?? 0)) m.set(d, q); };
    const q = (names: string[]) => Math.max(0, ...[...tokens].flatMap((t) => names.map((n) => {
      const m = nameMatch(t, n);
      // The name's last words count only after a prefix that another image shares (`retail-store-sample-`):
      // `acme/api-server` alone does not answer to a folder `server`.
      return m > 1 && m < 2 && !sharedPrefixes.has(words(t).slice(0, words(t).length - words(n).length).join('-')) ? 0 : m;
    })));
    for (const d of dockerfiles) {
      const inScope = named.includes(d) || (scope !== undefined && within(d, scope));
      best(inScope ? near : far, d, q(own.get(d) ?? []));
    }
    // A build file names the image it builds: near for the manifests below its folder, far for the others.
    for (const r of build.refs) {
      best(within(manifest, path.dirname(r.source)) ? near : far, r.dockerfile, q([lastToken(r.image)]));
    }
    return { near, far };
  };
  const top = (m: Map<string, number>) => {
    const q = Math.max(0, ...m.values());
    return q > 0 ? [...m.entries()].filter(([, v]) => v === q).map(([d]) => d).sort() : [];
  };

  const claimed = new Set<string>();
  const pending: Pending[] = [];
  const first = containers.map((c): Pair | undefined => {
    const spec = explicit.get(c);
    if (spec) {
      claimed.add(spec.dockerfile);
      return { container: c, dockerfile: spec.dockerfile, target: spec.target ?? target, by: 'mapping' };
    }
    const manifest = path.resolve(cwd, c.file);
    const scope = appFolder(manifest, dockerfiles);
    const usable = c.image !== undefined && !/[{$]/.test(c.image);
    let tokens: Set<string>;
    if (usable) {
      const repoPath = imageName(c.image!).path;
      const names = new Set([repoPath, ...(build.aliases.get(repoPath) ?? [])]);
      let refs: BuildRef[] = build.refs.filter((r) => names.has(r.image));
      // A build file with variables in the image's registry part names the repository only (star-slash-argocd).
      // Such a ref counts only from a build file in a folder above the manifest (another folder may build another
      // image of that name).
      if (refs.length === 0) refs = build.refs.filter((r) => r.image === `*/${lastToken(repoPath)}` && within(manifest, path.dirname(r.source)));
      // One repository for several images (`demo:2.1.3-ad`, `demo:2.1.3-cart`): the tag's variant picks.
      const variant = tagVariant(imageName(c.image!).tag);
      if (new Set(refs.map((r) => r.dockerfile)).size > 1 && variant) refs = refs.filter((r) => r.variant === variant);
      const byBuild = [...new Set(refs.map((r) => r.dockerfile))];
      if (byBuild.length === 1) {
        claimed.add(byBuild[0]);
        return { container: c, dockerfile: refs[0].dockerfile, target: target ?? refs[0].target, by: 'build', source: refs[0].source };
      }
      tokens = new Set([...names].map(lastToken));
    } else {
      tokens = new Set([c.name.toLowerCase()]);
    }
    const { near, far } = byName(tokens, manifest, scope);
    const tied = top(near);
    const chosen = pick(tied);
    if (chosen) {
      claimed.add(chosen);
      return { container: c, dockerfile: chosen, target, by: usable ? 'image' : 'name' };
    }
    const official = usable && officialImage(c.image!);
    pending.push({ container: c, manifest, scope, official, far: nearestFirst(manifest, top(far)), tied: nearestFirst(manifest, tied) });
    return undefined;
  });

  // The only Dockerfile of the app folder for its only image: the Dockerfile's folder (or the app folder, with the
  // manifest in it or one level below) holds the manifest, and the app folder's manifests hold one image that is
  // not a Docker Official Image (paired or not).
  const identity = (c: K8sContainer) => (c.image !== undefined && !/[{$]/.test(c.image) ? imageName(c.image).path : selectorOf(c));
  const ownImages = (scope: string) => new Set(containers
    .filter((x) => within(path.resolve(cwd, x.file), scope) && !(x.image !== undefined && officialImage(x.image)))
    .map(identity));
  const result = new Map<K8sContainer, Pair>();
  for (const p of pending) {
    const c = p.container;
    const inScope = dockerfiles.filter((d) => (p.scope !== undefined && within(d, p.scope)) || named.includes(d));
    const left = inScope.filter((d) => !claimed.has(d));
    if (!p.official && p.tied.length === 0 && inScope.length === 1 && left.length === 1 && p.scope !== undefined && ownImages(p.scope).size === 1) {
      const d = left[0];
      if (within(p.manifest, homeOf(d)) || nearby(p.scope, p.manifest)) {
        result.set(c, { container: c, dockerfile: d, target, by: 'nearest' });
        continue;
      }
    }
    let unpaired: Unpaired;
    if (p.tied.length > 1) unpaired = { reason: 'ambiguous', candidates: p.tied };
    else if (p.official) unpaired = { reason: 'official', candidates: p.far };
    else if (p.far.length > 0) unpaired = { reason: 'far', candidates: p.far };
    else unpaired = { reason: 'none', candidates: nearestFirst(p.manifest, left.length > 0 ? left : dockerfiles.filter((d) => !claimed.has(d))).slice(0, 1) };
    result.set(c, { container: c, unpaired });
  }
  return first.map((x, i) => x ?? result.get(containers[i])!);
}

/** The ready `--pair` line for an unpaired container and a candidate (path relative to `cwd`). */
export function pairLine(c: K8sContainer, dockerfile: string, cwd: string): string {
  const rel = path.relative(cwd, dockerfile) || dockerfile;
  const arg = `${selectorOf(c)}=${rel}`;
  return `--pair ${/^[\w./=:@+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`}`;
}

/** An unpaired container, for the report: why, the candidates (relative paths) and the ready `--pair` line. */
export interface UnpairedReport {
  /** `Kind/workload/container` (the container's name for a PodSpec fragment). */
  readonly container: string;
  readonly file: string;
  readonly line: number;
  readonly image?: string;
  readonly reason: UnpairedReason;
  /** The reason in words. */
  readonly why: string;
  readonly candidates: string[];
  /** `--pair <container>=<Dockerfile>` for the nearest candidate, when there is one. */
  readonly pair?: string;
}

/** Says why a container is unpaired, with its candidates relative to `cwd`. */
export function explainUnpaired(c: K8sContainer, u: Unpaired, cwd: string): UnpairedReport {
  const rel = (f: string) => path.relative(cwd, f) || f;
  const list = u.candidates.map(rel);
  const token = c.image !== undefined && !/[{$]/.test(c.image) ? lastToken(imageName(c.image).path) : c.name;
  const why = {
    none: `no Dockerfile answers to the name ${JSON.stringify(token)}${list.length > 0 ? ` (nearest Dockerfile: ${list[0]})` : ' (no Dockerfile found)'}`,
    ambiguous: `${list.length} Dockerfiles answer equally well to the name ${JSON.stringify(token)} (${list.join(', ')})`,
    official: `${c.image} is a Docker Official Image, built elsewhere${list.length > 0 ? ` (a far Dockerfile answers to its name: ${list[0]})` : ''}`,
    far: `only a far Dockerfile answers to the name ${JSON.stringify(token)} (${list.join(', ')}: outside the manifest's app folder, or named by a build file in another folder)`,
    unreadable: `its Dockerfile ${list[0]} could not be read (see its skipped line)`,
  }[u.reason];
  return {
    container: selectorOf(c),
    file: c.file,
    line: c.line,
    ...(c.image !== undefined ? { image: c.image } : {}),
    reason: u.reason,
    why,
    candidates: list,
    ...(u.candidates.length > 0 && u.reason !== 'unreadable' ? { pair: pairLine(c, u.candidates[0], cwd) } : {}),
  };
}
