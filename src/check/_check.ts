/**
 * The checker: finds the Dockerfiles, manifests and build files under the given paths (not in test, fixture and
 * dev-tooling folders), pairs containers with Dockerfiles and runs every rule. A file it cannot or should not read
 * (YAML errors, Helm templates, kustomize patches and entries commented out, a Dockerfile without FROM) is skipped and
 * named once, never fatal. The same finding on several copies
 * of a container (kustomize overlays, rendered copies) is reported once, listing the other locations. Findings
 * are sorted by file, line and rule.
 */
import * as fs from 'fs';
import * as path from 'path';
import { explainUnpaired, Pair, pairContainers, PairSpec, readMapping, UnpairedReport } from './pair';
import { buildIndex, ComposeService, DockerImage, imageName, isComposeFile, kustomizeUse, parseStages, readComposeFile, readDockerfile, K8sContainer, K8sService, readManifestText, Skipped, unlistedBy } from './read';
import { Finding, bindRules, unpairedRules, composeRules, healthcheckRules, ImageRuns, imageRules, portRules, probeRules, readOnlyRootRules, userRules, volumeRules, timingRules } from './rules';

export interface CheckOptions {
  /**
   * Files or directories (directories are searched, skipping node_modules, .git and dot directories; test, e2e,
   * fixtures, testdata, hack and archive folders (NOT_DEPLOYED) are named in one skipped note, and searched when named).
   */
  readonly paths: string[];
  /** Paths and reported file names are relative to it. */
  readonly cwd: string;
  readonly pairs?: PairSpec[];
  /** A mapping file (`pairs: [{ container, dockerfile, target? }]`). */
  readonly mapping?: string;
  /** The stage to check in every Dockerfile (default: the last). */
  readonly target?: string;
}

export interface CheckResult {
  readonly findings: Finding[];
  readonly images: DockerImage[];
  readonly containers: K8sContainer[];
  /** Each container with its image (undefined when unpaired). */
  readonly pairs: Array<{ readonly container: K8sContainer; readonly image?: DockerImage; readonly by?: Pair['by']; readonly source?: string }>;
  /** Every file skipped, once, with the reason. */
  readonly skipped: Skipped[];
  /** The services of the Compose files read (compose.yaml, docker-compose*.yml). */
  readonly compose: ComposeService[];
  /** Every unpaired container: why, its candidates and the ready `--pair` line. */
  readonly unpaired: UnpairedReport[];
}

const isDockerfile = (f: string) => {
  const b = path.basename(f);
  // Dockerfile.dockerignore and the like are the build's ignore files, not Dockerfiles.
  if (/\.(dockerignore|md|txt|lock|json|ya?ml|sh|bak|orig)$/i.test(b)) return false;
  return /^(Dockerfile|Containerfile)([._-].+)?$|\.(Dockerfile|Containerfile)$/i.test(b);
};
const isYaml = (f: string) => /\.ya?ml$/i.test(f);
const BUILD_FILE = /^(makefile|gnumakefile|.*\.mk|.*\.sh|\.gitlab-ci\.yml|tiltfile|package\.json|docker-bake(\.override)?\.hcl)$/i;
/** The build files read in a folder not deployed (its manifests and Compose files are test inputs, not read). */
const BUILD_SCRIPT = /^(makefile|gnumakefile|.*\.mk|.*\.sh)$/i;

/**
 * Folders not searched, since what they hold is not deployed: tests and their inputs (`test`, `tests`, `e2e`,
 * `integration-tests`, `fixtures`, `testdata` (the Go tool's convention), `__tests__`, `__fixtures__`, `__mocks__`),
 * development tooling (`hack`, the Kubernetes projects' convention) and archives (`_archived`, `deprecated`).
 * `examples`, `samples` and `demo` are searched: they are often the deployable tree itself (install manifests).
 */
export const NOT_DEPLOYED = /^(tests?|e2e|(e2e|integration|acceptance|smoke|system)[-_]?tests?|tests?[-_](e2e|integration|data|fixtures?)|fixtures?|testdata|test[-_]data|__(tests|fixtures|mocks)__|hack|_?archived?|deprecated)$/i;

function walk(dir: string, out: string[], ci: string[], notSearched: string[] | undefined): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      // Tests, dev tooling and archives are not what is deployed: listed in one note, searched when given by name.
      // Their build scripts and Makefiles still say which Dockerfile builds which image (`hack/build-image.sh`).
      if (e.name === '.github') {
        walk(p, ci, ci, []);
      } else if (notSearched && NOT_DEPLOYED.test(e.name)) {
        notSearched.push(p);
        const inside: string[] = [];
        walk(p, inside, inside, []);
        ci.push(...inside.filter((f) => BUILD_SCRIPT.test(path.basename(f))));
      } else if (e.name !== 'node_modules' && !e.name.startsWith('.')) {
        walk(p, out, ci, notSearched);
      }
    } else if (e.isFile()) {
      out.push(p);
    }
  }
}

/** The Dockerfiles, YAML files and build files (Makefiles, scripts, CI files) under the paths (a file given by name is taken whatever its name). */
export function collectFiles(paths: string[], cwd: string)
  : { dockerfiles: string[]; manifests: string[]; buildFiles: string[]; roots: string[]; notSearched: string[] } {
  const notSearched: string[] = [];
  const dockerfiles: string[] = [];
  const manifests: string[] = [];
  const buildFiles: string[] = [];
  const roots: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    if (!fs.existsSync(abs)) throw new Error(`${p}: must be an existing file or directory; received a path that does not exist`);
    if (fs.statSync(abs).isDirectory()) {
      roots.push(abs);
      const files: string[] = [];
      const ci: string[] = [];
      // A folder named on the command line is searched whole when its own name is one of the not-deployed ones.
      walk(abs, files, ci, NOT_DEPLOYED.test(path.basename(abs)) ? undefined : notSearched);
      dockerfiles.push(...files.filter(isDockerfile));
      manifests.push(...files.filter(isYaml));
      buildFiles.push(...files.filter((f) => isYaml(f) || BUILD_FILE.test(path.basename(f))), ...ci);
    } else if (isYaml(abs)) {
      manifests.push(abs);
    } else {
      dockerfiles.push(abs);
    }
  }
  return { dockerfiles: [...new Set(dockerfiles)], manifests: [...new Set(manifests)], buildFiles: [...new Set(buildFiles)], roots, notSearched };
}

/** A Helm chart's template: under `templates/` of a folder with a Chart.yaml. */
function helmTemplate(file: string): boolean {
  const parts = file.split(path.sep);
  const t = parts.lastIndexOf('templates');
  return t > 0 && fs.existsSync(path.join(parts.slice(0, t).join(path.sep) || path.sep, 'Chart.yaml'));
}

/** Go template actions (`{{ .Values.x }}`, `{{- if }}`) outside comments: a template, not a manifest. */
function goTemplate(text: string): boolean {
  return /^[^#\n]*\{\{-?\s*[.$a-z(/-]/m.test(text);
}

/** The one note for every folder not searched: the first three named, the count of the rest, all of them in `folders`. */
function notDeployedNote(folders: string[]): Skipped[] {
  if (folders.length === 0) return [];
  const shown = folders.slice(0, 3).join(', ') + (folders.length > 3 ? ` and ${folders.length - 3} more` : '');
  return [{
    file: shown,
    reason: `${folders.length === 1 ? 'a folder' : `${folders.length} folders`} of tests, test inputs, dev tooling or archives, not deployed: not searched (name a folder on the command line to check it)`,
    folders,
  }];
}

/** Where a finding is: `file:line`. */
const at = (f: { file: string; line: number }) => `${f.file}:${f.line}`;

export function check(options: CheckOptions): CheckResult {
  const { cwd } = options;
  const rel = (f: string) => path.relative(cwd, f) || f;
  const specs = [...(options.mapping ? readMapping(path.resolve(cwd, options.mapping)) : []), ...(options.pairs ?? [])];
  const { dockerfiles, manifests, buildFiles, roots, notSearched } = collectFiles(options.paths, cwd);
  const mappingAbs = options.mapping ? path.resolve(cwd, options.mapping) : undefined;
  const skipped: Skipped[] = notDeployedNote(notSearched.map((d) => `${rel(d)}/`));
  const kustomize = kustomizeUse(manifests);
  const containers: K8sContainer[] = [];
  const services: K8sService[] = [];
  for (const m of manifests) {
    if (m === mappingAbs) continue;
    let text: string;
    try {
      text = fs.readFileSync(m, 'utf8');
    } catch (e) {
      skipped.push({ file: rel(m), reason: `unreadable: ${(e as Error).message}` });
      continue;
    }
    if (kustomize.patches.has(m)) {
      skipped.push({ file: rel(m), reason: 'a kustomize patch (a partial object; its base is checked)' });
      continue;
    }
    const unlisted = unlistedBy(kustomize, m);
    if (unlisted) {
      skipped.push({ file: rel(m), reason: `commented out in ${rel(unlisted)} (kustomize does not read it)` });
      continue;
    }
    if (helmTemplate(m)) {
      skipped.push({ file: rel(m), reason: 'a Helm template (check its rendered output: helm template ... > rendered.yaml)' });
      continue;
    }
    const r = readManifestText(text, rel(m));
    if ((r.error || r.containers.some((c) => /\{\{/.test(c.image ?? ''))) && goTemplate(text)) {
      skipped.push({ file: rel(m), reason: 'a Go template (check its rendered output)' });
      continue;
    }
    if (r.containers.length === 0 && r.patches > 0 && !r.error) {
      skipped.push({ file: rel(m), reason: 'a patch: its containers have no image: (a partial object; its base is checked)' });
      continue;
    }
    if (r.error) skipped.push({ file: rel(m), reason: `YAML error at ${r.error}${r.containers.length > 0 ? ' (its other documents were read)' : ''}` });
    containers.push(...r.containers);
    services.push(...r.services);
  }
  for (const s of specs) {
    if (!fs.existsSync(s.dockerfile)) throw new Error(`${s.from ?? 'pair'}: must name an existing Dockerfile; received ${JSON.stringify(rel(s.dockerfile))}`);
    if (!dockerfiles.includes(s.dockerfile)) dockerfiles.push(s.dockerfile);
  }
  const build = buildIndex(buildFiles, roots[0] ?? cwd);
  for (const r of build.refs) if (!dockerfiles.includes(r.dockerfile)) dockerfiles.push(r.dockerfile);

  if (options.target !== undefined) {
    // A --target no Dockerfile has is a usage error; files without it are read at their last stage.
    const has = (d: string) => {
      try {
        return parseStages(fs.readFileSync(d, 'utf8')).some((st) => st.name === options.target!.toLowerCase());
      } catch {
        return false;
      }
    };
    if (dockerfiles.length > 0 && !dockerfiles.some(has)) readDockerfile(dockerfiles[0], cwd, options.target);
  }
  const cache = new Map<string, DockerImage | undefined>();
  const broken = new Set<string>();
  const image = (file: string, target?: string): DockerImage | undefined => {
    const key = `${file}\u0000${target ?? ''}`;
    if (!cache.has(key)) {
      try {
        cache.set(key, readDockerfile(file, cwd, target));
      } catch (e) {
        cache.set(key, undefined);
        const message = (e as Error).message.replace(`${rel(file)}: `, '');
        if (target !== undefined && fs.existsSync(file) && !broken.has(file)) {
          // A pair naming a stage the file does not have: the file is still read at its last stage.
          skipped.push({ file: rel(file), reason: `stage ${JSON.stringify(target)}: ${message}` });
          return image(file, undefined);
        }
        if (!broken.has(file)) skipped.push({ file: rel(file), reason: message });
        broken.add(file);
      }
    }
    return cache.get(key);
  };
  type Paired = CheckResult['pairs'][number];
  // Dockerfiles named on the command line are candidates for every container.
  const named = options.paths.map((p) => path.resolve(cwd, p)).filter((p) => dockerfiles.includes(p));
  const unpaired = new Map<K8sContainer, UnpairedReport>();
  const pairs: Paired[] = pairContainers(containers, dockerfiles, specs, options.target, build, roots, cwd, named)
    .map((p): Paired => {
      const i = p.dockerfile ? image(p.dockerfile, p.target) : undefined;
      if (!i) unpaired.set(p.container, explainUnpaired(p.container, p.unpaired ?? { reason: 'unreadable', candidates: p.dockerfile ? [p.dockerfile] : [] }, cwd));
      return i ? { container: p.container, image: i, by: p.by, source: p.source } : { container: p.container };
    });
  // Every Dockerfile is checked once on its own (at the stage it is paired with, else the default target).
  // A Dockerfile in a folder not deployed (reached through a build file) is read only when a container is paired with it.
  for (const d of dockerfiles) {
    if (!pairs.some((p) => p.image?.absFile === d) && !notSearched.some((n) => d.startsWith(n + path.sep))) image(d, options.target);
  }
  const images = [...cache.values()].filter((i): i is DockerImage => i !== undefined);
  // Compose, the third side: each service with the stage its `build:` builds (read after `images`: a local stage
  // Compose builds is compared with Compose, not checked as a deployed image).
  const compose = manifests.filter(isComposeFile).flatMap((f) => readComposeFile(f, rel))
    .map((service) => ({ service, image: service.build?.dockerfile ? image(service.build.dockerfile, service.build.target) : undefined }));

  const findings: Array<Finding & { key: string }> = [];
  const add = (fs_: Finding[], c?: K8sContainer) => {
    for (const f of fs_) {
      // Copies of one container (same Kind/workload/container) in several files give one finding.
      const msg = c ? f.message.split(c.file).join('<manifest>') : f.message;
      const where = c && f.file === c.file ? '' : at(f);
      findings.push({ ...f, key: JSON.stringify([f.rule, f.subject, msg, where]) });
    }
  };
  // Images other Dockerfiles build FROM (by the names build files give them): base images.
  const fromRefs = new Set(images.flatMap((i) => i.stages.map((st) => imageName(st.from).path)));
  const bases = new Set(build.refs.filter((r) => fromRefs.has(r.image)
    || (r.image.startsWith('*/') && [...fromRefs].some((f) => f.endsWith(r.image.slice(1))))).map((r) => r.dockerfile));
  // CI's own images (a Dockerfile under .github/, built by a workflow) are not deployed either.
  const underNotDeployed = (f: string) => notSearched.some((d) => f.startsWith(d + path.sep)) || f.includes(`${path.sep}.github${path.sep}`);
  for (const i of images) {
    const users = pairs.filter((p) => p.image === i).map((p) => p.container);
    add(imageRules(i, users));
    const composeRuns = new Map<string, ImageRuns['compose'][number]>();
    for (const r of build.refs) {
      if (r.by === 'compose' && r.service && r.dockerfile === i.absFile) composeRuns.set(`${r.source}\u0000${r.service.name}`, { ...r.service, file: rel(r.source) });
    }
    const runs: ImageRuns = {
      containers: users, compose: [...composeRuns.values()], base: bases.has(i.absFile), notDeployed: underNotDeployed(i.absFile),
    };
    add(healthcheckRules(i, runs));
  }
  for (const p of pairs) {
    const c = p.container;
    add([...probeRules(c, p.image, services, !p.image || !underNotDeployed(p.image.absFile)), ...bindRules(c, p.image)], c);
    if (!p.image) {
      add(unpairedRules(c, unpaired.get(c)!), c);
      continue;
    }
    const i = p.image;
    add([...portRules(i, c), ...timingRules(i, c), ...userRules(i, c), ...readOnlyRootRules(i, c), ...volumeRules(i, c)], c);
  }
  add(composeRules(compose, pairs));
  findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message));
  const first = new Map<string, Finding & { key: string; also: string[] }>();
  for (const f of findings) {
    const kept = first.get(f.key);
    if (!kept) first.set(f.key, { ...f, also: [] });
    else if (at(kept) !== at(f) && !kept.also.includes(at(f))) kept.also.push(at(f));
  }
  const unique: Finding[] = [...first.values()].map(({ key, also, ...f }) => (also.length > 0 ? { ...f, also } : f));
  const seenSkip = new Set<string>();
  const skippedOnce = skipped.filter((s) => (seenSkip.has(s.file) ? false : (seenSkip.add(s.file), true)))
    .sort((a, b) => a.file.localeCompare(b.file));
  return {
    findings: unique, images, containers, pairs, skipped: skippedOnce, compose: compose.map((c) => c.service), unpaired: [...unpaired.values()],
  };
}
