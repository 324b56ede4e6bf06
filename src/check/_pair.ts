/**
 * Pairs each Kubernetes container with the Dockerfile of its image: an explicit pair (flag or mapping
 * file) first, then the image's repository name, then the container's name (each matched against the
 * Dockerfile's directory name, or `x` of `Dockerfile.x` / `x.Dockerfile`), then the only Dockerfile
 * with the only container.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { K8sContainer } from './_read-manifests';
import { imageName } from './_tools';

/** An explicit pair: the container (by name), its Dockerfile (absolute path) and the stage to check. */
export interface PairSpec {
  readonly container: string;
  readonly dockerfile: string;
  readonly target?: string;
}

export type PairedBy = 'mapping' | 'image' | 'name' | 'only';

export interface Pair {
  readonly container: K8sContainer;
  readonly dockerfile?: string;
  readonly target?: string;
  readonly by?: PairedBy;
}

/** The names a Dockerfile answers to. */
export function dockerfileNames(file: string): string[] {
  const b = path.basename(file);
  const names = [path.basename(path.dirname(path.resolve(file))).toLowerCase()];
  const m = /^Dockerfile\.(.+)$/i.exec(b) ?? /^(.+)\.Dockerfile$/i.exec(b);
  if (m) names.unshift(m[1].toLowerCase());
  return names;
}

/** Parses `--pair <container>=<Dockerfile>[:<stage>]` (path relative to `cwd`). */
export function parsePairFlag(value: string, cwd: string): PairSpec {
  const m = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?)=(.+?)(?::([A-Za-z][A-Za-z0-9_.-]*))?$/.exec(value);
  if (!m) throw new Error(`--pair: must be <container>=<Dockerfile>[:<stage>]; received ${JSON.stringify(value)}`);
  return { container: m[1], dockerfile: path.resolve(cwd, m[3]), target: m[4] };
}

/**
 * Reads a mapping file (YAML or JSON): `pairs: [{ container, dockerfile, target? }]`, paths relative to
 * the mapping file.
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
    return { container, dockerfile: path.resolve(path.dirname(file), dockerfile), target: target as string | undefined };
  });
}

/** Pairs every container (absolute Dockerfile paths in the result). */
export function pairContainers(containers: K8sContainer[], dockerfiles: string[], specs: PairSpec[], target?: string): Pair[] {
  // The most specific name first: `api/Dockerfile.worker` answers to worker before api, so `api/Dockerfile`
  // stays the api's when both share the directory.
  const byName = (name: string) => {
    const first = dockerfiles.filter((d) => dockerfileNames(d)[0] === name.toLowerCase());
    if (first.length === 1) return first[0];
    const found = dockerfiles.filter((d) => dockerfileNames(d).includes(name.toLowerCase()));
    return found.length === 1 ? found[0] : undefined;
  };
  return containers.map((c) => {
    const spec = specs.find((s) => s.container === c.name);
    if (spec) return { container: c, dockerfile: spec.dockerfile, target: spec.target ?? target, by: 'mapping' };
    const fromImage = c.image ? byName(imageName(c.image).repo) : undefined;
    if (fromImage) return { container: c, dockerfile: fromImage, target, by: 'image' };
    const fromName = byName(c.name);
    if (fromName) return { container: c, dockerfile: fromName, target, by: 'name' };
    if (dockerfiles.length === 1 && containers.length === 1) return { container: c, dockerfile: dockerfiles[0], target, by: 'only' };
    return { container: c };
  });
}
