/**
 * Where images are built: the image name -> Dockerfile pairs that Compose `build:`, skaffold artifacts, a
 * Makefile, a shell script or a CI file (`docker build -t ... -f ...`, docker/build-push-action, Cloud Build)
 * name, and kustomize `images:` renames. Every reader ignores what it cannot parse.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { imageName } from './_tools';

/** An image built from a Dockerfile (absolute path), with the stage, and the file that says so. */
export interface BuildRef {
  /** The image's repository path, lowercased, without tag or digest (`ghcr.io/acme/api`). */
  readonly image: string;
  readonly dockerfile: string;
  readonly target?: string;
  readonly source: string;
  readonly by: 'compose' | 'skaffold' | 'script' | 'ci';
  /** The tag's variant (`ad` of `latest-ad`): one repository holding several images, told apart by tag. */
  readonly variant?: string;
  /** A Compose service's own `healthcheck:` (`disabled`: `disable: true` or `test: [NONE]`), whether it publishes or exposes ports, its build `target`. */
  readonly service?: { readonly name: string; readonly healthcheck: 'set' | 'disabled' | 'none'; readonly ports: boolean; readonly target?: string };
}

/** The variant part of a tag: what follows a version or `latest` (`2.1.3-ad` -> `ad`); undefined for a plain version. */
export function tagVariant(tag: string): string | undefined {
  const m = /^(?:latest|v?\d[\w.]*?)-([a-z][\w.-]*)$/i.exec(tag);
  return m ? m[1].toLowerCase() : undefined;
}

/** Compose's `.env` of a folder: KEY=VALUE lines. */
function dotEnv(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const line of fs.readFileSync(path.join(dir, '.env'), 'utf8').split(/\r?\n/)) {
      const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
      if (m) out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
    }
  } catch {
    // No .env: variables keep their defaults.
  }
  return out;
}

/** Compose's interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `$VAR`; an unknown one is left as written. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (all, a: string | undefined, d: string | undefined, b: string | undefined) => env[a ?? b!] ?? d ?? all);
}

/** Build refs and kustomize image renames (both directions) found in the files. */
export interface BuildIndex {
  readonly refs: BuildRef[];
  /** `name` <-> `newName` of kustomize `images:` (repository paths). */
  readonly aliases: Map<string, Set<string>>;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
/**
 * An image reference's repository path; with variables in it (`$(REGISTRY)/argocd:$(TAG)`), a star, a slash and its literal
 * last segment (matched by repository name only); undefined when even that is a variable.
 */
const ref = (image: string) => {
  const noTag = image.replace(/:[^/:]*$/, '');
  if (!/[$%{]/.test(noTag)) return imageName(image).path;
  const last = /[/)}]([a-z0-9][a-z0-9._-]*)$/i.exec(noTag)?.[1];
  return last ? `*/${last.toLowerCase()}` : undefined;
};

function yamlDocs(file: string): unknown[] {
  try {
    return parseAllDocuments(fs.readFileSync(file, 'utf8')).filter((d) => d.errors.length === 0).map((d) => d.toJS());
  } catch {
    return [];
  }
}

function dockerfileAt(context: string, dockerfile: string | undefined): string | undefined {
  const f = path.resolve(context, dockerfile ?? 'Dockerfile');
  return fs.existsSync(f) && fs.statSync(f).isFile() ? f : undefined;
}

/**
 * Compose files of one folder, merged by service as Compose merges `-f` files (an override file may give the
 * `image:` of a service another file builds).
 */
function compose(files: string[], out: BuildRef[]): void {
  const env = dotEnv(path.dirname(files[0]));
  const v = (x: unknown) => { const t = str(x); return t !== undefined ? interpolate(t, env) : undefined; };
  const services = new Map<string, { build?: { context: string; dockerfile?: string; target?: string; file: string }; images: Set<string>; healthcheck: 'set' | 'disabled' | 'none'; ports: boolean }>();
  for (const file of files) {
    for (const doc of yamlDocs(file)) {
      const svcs = (doc as any)?.services;
      if (!svcs || typeof svcs !== 'object') continue;
      for (const [name, svc] of Object.entries<any>(svcs)) {
        const entry = services.get(name) ?? { images: new Set<string>(), healthcheck: 'none' as const, ports: false };
        services.set(name, entry);
        const hc = svc?.healthcheck;
        if (hc && typeof hc === 'object') {
          // A healthcheck: with timing only and no test: runs the image's HEALTHCHECK, which is what is judged.
          const test = Array.isArray(hc.test) ? hc.test : [hc.test];
          if (hc.disable === true || String(test[0]).toUpperCase() === 'NONE') entry.healthcheck = 'disabled';
          else if (hc.test !== undefined) entry.healthcheck = 'set';
        }
        if ((Array.isArray(svc?.ports) && svc.ports.length > 0) || (Array.isArray(svc?.expose) && svc.expose.length > 0)) entry.ports = true;
        const image = v(svc?.image);
        if (image) entry.images.add(image);
        const build = svc?.build;
        if (!build || (typeof build !== 'string' && typeof build !== 'object')) continue;
        entry.build = {
          context: path.resolve(path.dirname(file), v(typeof build === 'string' ? build : build.context) ?? '.'),
          dockerfile: typeof build === 'object' ? v(build.dockerfile) : undefined,
          target: typeof build === 'object' ? v(build.target) : undefined,
          file,
        };
      }
    }
  }
  for (const [name, s] of services) {
    if (!s.build) continue;
    const df = dockerfileAt(s.build.context, s.build.dockerfile);
    if (!df) continue;
    for (const image of [...s.images, name]) {
      const r = ref(image);
      const variant = image === name ? undefined : tagVariant(imageName(image).tag);
      // Compose's build target is the local (often dev) stage; the deployed image is the file's own default.
      if (r) out.push({ image: r, dockerfile: df, source: s.build.file, by: 'compose', variant, service: { name, healthcheck: s.healthcheck, ports: s.ports, target: s.build.target } });
    }
  }
}

function skaffold(file: string, out: BuildRef[]): void {
  for (const doc of yamlDocs(file)) {
    const d = doc as any;
    const artifacts = [...(d?.build?.artifacts ?? []), ...((d?.profiles ?? []) as any[]).flatMap((p) => p?.build?.artifacts ?? [])];
    for (const a of artifacts) {
      const image = str(a?.image);
      const r = image ? ref(image) : undefined;
      const df = dockerfileAt(path.resolve(path.dirname(file), str(a?.context) ?? '.'), str(a?.docker?.dockerfile));
      if (r && df) out.push({ image: r, dockerfile: df, target: str(a?.docker?.target), source: file, by: 'skaffold' });
    }
  }
}

/** `docker build` / `docker buildx build` / `podman build` command lines: -t, -f, --target and the context. */
function buildCommands(text: string, base: string, file: string, by: BuildRef['by'], out: BuildRef[]): void {
  const joined = text.replace(/\\\r?\n/g, ' ');
  for (const line of joined.split(/\r?\n|&&|;/)) {
    const m = /\b(?:docker|podman)\s+(?:buildx\s+)?build\s+(.*)$/.exec(line);
    if (!m) continue;
    const words = m[1].trim().split(/\s+/).map((w) => w.replace(/^['"]|['"]$/g, ''));
    const tags: string[] = [];
    let file_: string | undefined;
    let target: string | undefined;
    const positional: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      const [flag, inline] = w.includes('=') && w.startsWith('-') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, undefined];
      const val = () => inline ?? words[++i];
      if (flag === '-t' || flag === '--tag') {tags.push(val() ?? '');} else if (flag === '-f' || flag === '--file') {file_ = val();} else if (flag === '--target') {target = val();} else if (['--build-arg', '--platform', '--label', '--cache-from', '--cache-to', '--secret', '--output', '-o', '--progress', '--network', '--ssh', '--builder'].includes(flag)) { if (inline === undefined) i++; } else if (!w.startsWith('-')) {positional.push(w);}
    }
    const context = positional[0];
    if (!context || /[$%{]/.test(context) || context === '-') continue;
    const ctx = path.resolve(base, context);
    const df = file_ && !/[$%{]/.test(file_) ? dockerfileAt(path.isAbsolute(file_) ? '/' : base, file_) ?? dockerfileAt(ctx, file_) : dockerfileAt(ctx, undefined);
    if (!df) continue;
    for (const t of tags) {
      const r = ref(t);
      if (r) out.push({ image: r, dockerfile: df, target, source: file, by });
    }
  }
}

function githubWorkflow(file: string, root: string, out: BuildRef[]): void {
  buildCommands(fs.readFileSync(file, 'utf8'), root, file, 'ci', out);
  for (const doc of yamlDocs(file)) {
    for (const job of Object.values<any>((doc as any)?.jobs ?? {})) {
      for (const step of (job?.steps ?? []) as any[]) {
        if (!/^docker\/build-push-action@/.test(String(step?.uses ?? ''))) continue;
        const w = step.with ?? {};
        const context = str(w.context) ?? '.';
        const df = /[$%{]/.test(context) ? undefined : dockerfileAt(path.resolve(root, context), str(w.file) && !/[$%{]/.test(w.file) ? path.relative(path.resolve(root, context), path.resolve(root, w.file)) : undefined);
        if (!df) continue;
        for (const t of String(w.tags ?? '').split(/[\s,]+/)) {
          const r = t ? ref(t) : undefined;
          if (r) out.push({ image: r, dockerfile: df, target: str(w.target), source: file, by: 'ci' });
        }
      }
    }
  }
}

function cloudBuild(file: string, out: BuildRef[]): void {
  for (const doc of yamlDocs(file)) {
    for (const step of ((doc as any)?.steps ?? []) as any[]) {
      if (!Array.isArray(step?.args)) continue;
      const base = path.resolve(path.dirname(file), str(step.dir) ?? '.');
      buildCommands(`docker ${step.args.map(String).join(' ')}`, base, file, 'ci', out);
    }
  }
}

function kustomizeImages(file: string, aliases: Map<string, Set<string>>): void {
  for (const doc of yamlDocs(file)) {
    for (const img of ((doc as any)?.images ?? []) as any[]) {
      const name = str(img?.name);
      const newName = str(img?.newName);
      if (!name || !newName) continue;
      const [a, b] = [ref(name), ref(newName)];
      if (!a || !b) continue;
      for (const [x, y] of [[a, b], [b, a]]) {
        if (!aliases.has(x)) aliases.set(x, new Set());
        aliases.get(x)!.add(y);
      }
    }
  }
}

/** Reads every build file among `files` (absolute paths); `root` is the folder CI files are relative to. */
export function buildIndex(files: string[], root: string): BuildIndex {
  const refs: BuildRef[] = [];
  const aliases = new Map<string, Set<string>>();
  const composeByDir = new Map<string, string[]>();
  for (const f of files) {
    if (/^(docker-)?compose[\w.-]*\.ya?ml$/.test(path.basename(f).toLowerCase())) {
      composeByDir.set(path.dirname(f), [...(composeByDir.get(path.dirname(f)) ?? []), f]);
    }
  }
  for (const group of composeByDir.values()) compose(group, refs);
  for (const f of files) {
    const b = path.basename(f).toLowerCase();
    try {
      if (/^(docker-)?compose[\w.-]*\.ya?ml$/.test(b)) continue;
      else if (/^skaffold[\w.-]*\.ya?ml$/.test(b)) skaffold(f, refs);
      else if (b === 'kustomization.yaml' || b === 'kustomization.yml') kustomizeImages(f, aliases);
      else if (/^cloudbuild[\w.-]*\.ya?ml$/.test(b)) cloudBuild(f, refs);
      else if (f.split(path.sep).includes('.github') && /\.ya?ml$/.test(b)) githubWorkflow(f, root, refs);
      else if (b === '.gitlab-ci.yml') buildCommands(fs.readFileSync(f, 'utf8'), root, f, 'ci', refs);
      else if (b === 'makefile' || b.endsWith('.mk') || b.endsWith('.sh')) buildCommands(fs.readFileSync(f, 'utf8'), path.dirname(f), f, 'script', refs);
    } catch {
      // A build file that cannot be read names no image.
    }
  }
  return { refs, aliases };
}
