/**
 * The checker: finds the Dockerfiles and manifests under the given paths, pairs containers with
 * Dockerfiles and runs every rule. Findings are sorted by file, line and rule.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Finding, finding } from './_finding';
import { Pair, pairContainers, PairSpec, readMapping } from './_pair';
import { DockerImage, readDockerfile } from './_read-dockerfile';
import { K8sContainer, readManifests } from './_read-manifests';
import { imageRules } from './_rules-image';
import { portRules } from './_rules-ports';
import { probeRules } from './_rules-probes';
import { readOnlyRootRules, userRules } from './_rules-security';
import { timingRules } from './_rules-timing';

export interface CheckOptions {
  /** Files or directories (directories are searched, skipping node_modules, .git and dot directories). */
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
  readonly pairs: Array<{ readonly container: K8sContainer; readonly image?: DockerImage; readonly by?: Pair['by'] }>;
}

const isDockerfile = (f: string) => /^(Dockerfile|Containerfile)(\..+)?$|\.(Dockerfile|Containerfile)$/i.test(path.basename(f));
const isYaml = (f: string) => /\.ya?ml$/i.test(f);

function walk(dir: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p, out);
    } else if (e.isFile()) {
      out.push(p);
    }
  }
}

/** The Dockerfiles and YAML files under the paths (a file given by name is taken whatever its name). */
export function collectFiles(paths: string[], cwd: string): { dockerfiles: string[]; manifests: string[] } {
  const dockerfiles: string[] = [];
  const manifests: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    if (!fs.existsSync(abs)) throw new Error(`${p}: must be an existing file or directory; received a path that does not exist`);
    if (fs.statSync(abs).isDirectory()) {
      const files: string[] = [];
      walk(abs, files);
      dockerfiles.push(...files.filter(isDockerfile));
      manifests.push(...files.filter(isYaml));
    } else if (isYaml(abs)) {
      manifests.push(abs);
    } else {
      dockerfiles.push(abs);
    }
  }
  return { dockerfiles: [...new Set(dockerfiles)], manifests: [...new Set(manifests)] };
}

export function check(options: CheckOptions): CheckResult {
  const { cwd } = options;
  const specs = [...(options.mapping ? readMapping(path.resolve(cwd, options.mapping)) : []), ...(options.pairs ?? [])];
  const { dockerfiles, manifests } = collectFiles(options.paths, cwd);
  const mappingAbs = options.mapping ? path.resolve(cwd, options.mapping) : undefined;
  const containers = manifests.filter((m) => m !== mappingAbs).flatMap((m) => readManifests(m, cwd));
  for (const s of specs) {
    if (!fs.existsSync(s.dockerfile)) throw new Error(`pair ${s.container}: must name an existing Dockerfile; received ${JSON.stringify(path.relative(cwd, s.dockerfile))}`);
    if (!dockerfiles.includes(s.dockerfile)) dockerfiles.push(s.dockerfile);
  }

  const cache = new Map<string, DockerImage>();
  const image = (file: string, target?: string) => {
    const key = `${file}\u0000${target ?? ''}`;
    if (!cache.has(key)) cache.set(key, readDockerfile(file, cwd, target));
    return cache.get(key)!;
  };
  const pairs = pairContainers(containers, dockerfiles, specs, options.target)
    .map((p) => ({ container: p.container, image: p.dockerfile ? image(p.dockerfile, p.target) : undefined, by: p.by }));
  // Every Dockerfile is checked once on its own (at the stage it is paired with, else the default target).
  for (const d of dockerfiles) {
    if (!pairs.some((p) => p.image?.absFile === d)) image(d, options.target);
  }
  const images = [...cache.values()];

  const findings: Finding[] = [];
  // A batch image (paired only with Jobs and CronJobs) needs no HEALTHCHECK.
  for (const i of images) {
    const users = pairs.filter((p) => p.image === i);
    const batch = users.length > 0 && users.every((p) => p.container.runsToCompletion);
    findings.push(...imageRules(i).filter((f) => !(batch && f.rule === 'PC018')));
  }
  for (const p of pairs) {
    const c = p.container;
    findings.push(...probeRules(c));
    if (!p.image) {
      findings.push(finding('PC019', c.file, c.line, c.kind === 'PodSpec' ? c.name : `${c.kind}/${c.workload}/${c.name}`,
        `container ${c.name}${c.image ? ` (image ${c.image})` : ''} has no Dockerfile to compare with`));
      continue;
    }
    findings.push(...portRules(p.image, c), ...timingRules(p.image, c), ...userRules(p.image, c), ...readOnlyRootRules(p.image, c));
  }
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const k = JSON.stringify(f);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  unique.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message));
  return { findings: unique, images, containers, pairs };
}
