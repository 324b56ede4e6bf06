/**
 * Where images are built: the image name -> Dockerfile pairs that Compose `build:`, skaffold artifacts, Tilt, a
 * buildx bake file, a Makefile, a shell script, package.json scripts or a CI file (`docker build -t ... -f ...`,
 * kaniko, docker/build-push-action, Cloud Build) name, and kustomize `images:` renames. Every reader ignores what it
 * cannot parse.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ComposeService, readComposeFile } from './_compose';
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
  readonly service?: {
    readonly name: string;
    readonly healthcheck: 'set' | 'disabled' | 'none';
    readonly ports: boolean;
    readonly target?: string;
    /** A restarter acts on the container's health: `autoheal` names the label (`autoheal=true`) or `all` the watcher that watches it. */
    readonly watchedBy?: string;
  };
}

/**
 * An autoheal-style restarter of a Compose project (willfarrell/autoheal and its forks: an image whose last path
 * segment is `autoheal` or `docker-autoheal`): the label it watches (its `AUTOHEAL_CONTAINER_LABEL`, default
 * `autoheal`; `all` watches every container). It restarts a container whose health is `unhealthy`, so it acts only
 * on containers that have a health check.
 */
function autohealLabel(s: ComposeService): string | undefined {
  if (!s.image || !/^(docker-)?autoheal$/.test(imageName(s.image).repo)) return undefined;
  return s.run.environment.find(([k]) => k === 'AUTOHEAL_CONTAINER_LABEL')?.[1] || 'autoheal';
}

/** The variant part of a tag: what follows a version or `latest` (`2.1.3-ad` -> `ad`); undefined for a plain version. */
export function tagVariant(tag: string): string | undefined {
  const m = /^(?:latest|v?\d[\w.]*?)-([a-z][\w.-]*)$/i.exec(tag);
  return m ? m[1].toLowerCase() : undefined;
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
 * `image:` of a service another file builds), each read by `readComposeFile` (the one Compose reader).
 */
function compose(files: string[], out: BuildRef[]): void {
  const services = new Map<string, { build?: { dockerfile?: string; target?: string; file: string }; images: Set<string>; healthcheck: 'set' | 'disabled' | 'none'; ports: boolean; labels: Map<string, string> }>();
  const watchers = new Set<string>();
  for (const file of files) {
    for (const svc of readComposeFile(file, (f) => f)) {
      const entry = services.get(svc.name) ?? { images: new Set<string>(), healthcheck: 'none' as const, ports: false, labels: new Map<string, string>() };
      services.set(svc.name, entry);
      for (const [k, x] of Object.entries(svc.labels)) entry.labels.set(k, x);
      const watcher = autohealLabel(svc);
      if (watcher) watchers.add(watcher);
      // A healthcheck: with timing only and no test: runs the image's HEALTHCHECK, which is what is judged.
      if (svc.healthcheck?.disabled) entry.healthcheck = 'disabled';
      else if (svc.healthcheck?.argv) entry.healthcheck = 'set';
      if (svc.run.ports.length > 0) entry.ports = true;
      const image = svc.image?.trim();
      if (image) entry.images.add(image);
      if (svc.build) entry.build = { dockerfile: svc.build.dockerfile, target: svc.build.target, file };
    }
  }
  // Without a restarter in the project, an `autoheal=true` label still says one runs beside it (started on its own).
  if (watchers.size === 0) watchers.add('autoheal');
  for (const [name, s] of services) {
    const df = s.build?.dockerfile;
    if (!s.build || !df) continue;
    const watchedBy = watchers.has('all') ? 'all' : [...watchers].find((l) => s.labels.get(l)?.toLowerCase() === 'true');
    for (const image of [...s.images, name]) {
      const r = ref(image);
      const variant = image === name ? undefined : tagVariant(imageName(image).tag);
      // Compose's build target is the local (often dev) stage; the deployed image is the file's own default.
      if (r) out.push({ image: r, dockerfile: df, source: s.build.file, by: 'compose', variant, service: { name, healthcheck: s.healthcheck, ports: s.ports, target: s.build.target, watchedBy } });
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

/** A build file's variables: Makefile `X ?= v` / `X := v` / `X = v`, shell `X=v` (and `export`), CI `X: v` lines. */
export function fileVariables(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const set = (k: string, v: string) => {
    // `TAG=${TAG:-latest}`: the default, as the variable is not set outside the file.
    if (!(k in out)) out[k] = v.trim().replace(/^(['"])(.*)\1$/, '$2').replace(new RegExp(`\\$\\{${k}:?-([^}]*)\\}`, 'g'), '$1');
  };
  for (const line of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const make = /^\s*(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:\?|:{1,3}|\+)?=\s*(.*?)\s*(?:#.*)?$/.exec(line);
    if (make && !/^\s*(?:export\s+|override\s+)?\w+\s*==/.test(line)) {
      set(make[1], make[2]);
      continue;
    }
    const yamlVar = /^\s+([A-Z_][A-Z0-9_]*):\s+(['"]?[^\s'"#][^#]*?['"]?)\s*$/.exec(line);
    if (yamlVar) set(yamlVar[1], yamlVar[2]);
  }
  return out;
}

/**
 * Substitutes the known variables of a build file: `$(X)`, `${X}`, `${X:-default}` / `${X-default}` (the default when
 * X is unknown), `$X`, `${{ env.X }}`; an unknown one is left as written.
 */
export function substituteVariables(text: string, vars: Record<string, string>): string {
  let out = text;
  for (let i = 0; i < 5; i++) {
    const next = out
      .replace(/\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (all, k: string) => vars[k] ?? all)
      .replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, k: string) => vars[k] ?? all)
      .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (all, k: string, d: string | undefined) => vars[k] ?? d ?? all)
      .replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, k: string) => vars[k] ?? all);
    if (next === out) break;
    out = next;
  }
  return out;
}

/** A word that is a variable (`$(DOCKER)`, `${CONTAINER_TOOL}`, `$ENGINE`): a build tool the file chooses. */
const VARIABLE_WORD = /^(?:\$\([A-Za-z_]\w*\)|\$\{[A-Za-z_]\w*(?::?-[^}]*)?\}|\$[A-Za-z_]\w*)$/;
const TOOLS = /^(?:.*\/)?(docker|podman|nerdctl|buildah)$/;
const VALUE_FLAGS = ['--build-arg', '--platform', '--label', '--cache-from', '--cache-to', '--secret', '--output', '-o', '--progress', '--network',
  '--ssh', '--builder', '--build-context', '--iidfile', '--metadata-file', '--annotation', '--attest', '--add-host', '--shm-size', '--ulimit',
  '--memory', '-m', '--cpu-shares', '--isolation', '--cgroup-parent', '--allow', '--provenance', '--sbom', '--format', '--authfile', '--arch', '--os'];

/** Shell words: quotes taken out, a `$(...)` without nested parentheses kept whole (`$(shell git describe)`). */
function splitWords(text: string): string[] {
  return (text.match(/(?:"[^"]*"|'[^']*'|\$\([^()]*\)|[^\s"'])+/g) ?? []).map((w) => w.replace(/"([^"]*)"|'([^']*)'/g, '$1$2'));
}

/**
 * The words of one command, each with the file's variables substituted (a value of several words, `docker buildx`,
 * gives several): quotes kept out, `VAR=value` prefixes and `sudo`/`time`/`exec` dropped.
 */
function commandWords(command: string, vars: Record<string, string>): string[] {
  const words = splitWords(command).flatMap((w) => splitWords(substituteVariables(w, vars)));
  // A pipe or a redirection ends the command's own words.
  const end = words.findIndex((w) => w === '|' || /^(\d?>|&>|<)/.test(w));
  if (end >= 0) words.splice(end);
  while (words.length > 0 && (/^[A-Za-z_]\w*=/.test(words[0]) || ['sudo', 'time', 'exec', 'command', '@', '-', '+'].includes(words[0]))) words.shift();
  if (words.length > 0) words[0] = words[0].replace(/^[@+-]+/, '');
  return words;
}

/** The arguments of a build command (after `build`), or undefined when the words are not one. */
function buildArgs(words: string[]): string[] | undefined {
  const [tool, ...rest] = words;
  if (tool === undefined || !(TOOLS.test(tool) || VARIABLE_WORD.test(tool))) return undefined;
  if (/buildah$/.test(tool) && (rest[0] === 'bud' || rest[0] === 'build')) return rest.slice(1);
  if (rest[0] === 'build') return rest.slice(1);
  if ((rest[0] === 'buildx' || rest[0] === 'image') && rest[1] === 'build') return rest.slice(2);
  return undefined;
}

const unresolved = (s: string) => /[$%{]/.test(s);

/**
 * `docker build` / `docker buildx build` / `podman build` / `buildah bud` command lines (the tool also as a variable:
 * `${DOCKER} build`, `$(CONTAINER_TOOL) build`) and kaniko's executor: -t, -f, --target and the context, after
 * substituting the file's own variables; `cd dir &&` before the command moves its base folder (in a script, a
 * `cd dir` line moves it for the lines after).
 */
function buildCommands(source: string, base: string, file: string, by: BuildRef['by'], out: BuildRef[], extra: Record<string, string> = {}, root?: string): void {
  const b = path.basename(file).toLowerCase();
  const variants = b === 'makefile' || b === 'gnumakefile' || b.endsWith('.mk') ? makeBranches(source) : [source];
  if (variants.length > 1) {
    // Every branch of a Makefile conditional is a candidate (`ifeq ($(DEBUG),1) ... else ... endif`): the build
    // lines and variables of each, once.
    const seen = new Set(out.map((r) => JSON.stringify(r)));
    for (const v of variants) {
      const found: BuildRef[] = [];
      buildCommandsIn(v, base, file, by, found, extra, root);
      for (const r of found) {
        const key = JSON.stringify(r);
        if (!seen.has(key)) {
          seen.add(key);
          out.push(r);
        }
      }
    }
    return;
  }
  buildCommandsIn(source, base, file, by, out, extra, root);
}

/**
 * The texts of a Makefile, one for each branch of its conditionals (`ifeq`/`ifneq`/`ifdef`/`ifndef` ... `else` ...
 * `endif`, nested too): the k-th text keeps the k-th branch of every conditional (its last when it has fewer) and
 * drops the others, directives included. A file without conditionals is one text.
 */
export function makeBranches(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const open = /^\s*(ifeq|ifneq|ifdef|ifndef)\b/;
  const elseLine = /^\s*else\b/;
  const end = /^\s*endif\b/;
  // Pass 1: each conditional's number of branches, by its opening line.
  const counts = new Map<number, number>();
  const stack: number[] = [];
  lines.forEach((l, i) => {
    if (open.test(l)) {
      stack.push(i);
      counts.set(i, 1);
    } else if (elseLine.test(l) && stack.length > 0) {
      const top = stack[stack.length - 1];
      counts.set(top, counts.get(top)! + 1);
    } else if (end.test(l)) {
      stack.pop();
    }
  });
  const n = Math.max(1, ...counts.values());
  if (n === 1) return [text];
  const out: string[] = [];
  for (let k = 0; k < n; k++) {
    const kept: string[] = [];
    const at: Array<{ start: number; branch: number }> = [];
    lines.forEach((l, i) => {
      if (open.test(l)) {
        at.push({ start: i, branch: 0 });
        kept.push('');
      } else if (elseLine.test(l) && at.length > 0) {
        at[at.length - 1].branch++;
        kept.push('');
      } else if (end.test(l) && at.length > 0) {
        at.pop();
        kept.push('');
      } else {
        const taken = at.every((c) => c.branch === Math.min(k, counts.get(c.start)! - 1));
        kept.push(taken ? l : '');
      }
    });
    out.push(kept.join('\n'));
  }
  return out;
}

function buildCommandsIn(source: string, base: string, file: string, by: BuildRef['by'], out: BuildRef[], extra: Record<string, string>, root?: string): void {
  const script = /\.(sh|bash)$/i.test(file);
  const yaml = /\.ya?ml$/i.test(file);
  // A script's own folder: `$(dirname "$0")`, `${BASH_SOURCE%/*}`, and `$(cd <dir> && pwd)` is <dir>.
  // The folder the file runs in: `$(shell pwd)`, `$(CURDIR)` in a Makefile, `$(pwd)`, `$PWD` in a script.
  const here = source.replace(/\$\(shell pwd\)|\$\(CURDIR\)|\$\{CURDIR\}|\$\(pwd\)|\$\{PWD\}|\$PWD\b|\$\(PWD\)/g, base);
  const text = !script ? here : here
    .replace(/\$\(\s*dirname\s+"?(?:\$0|\$\{0\}|\$\{BASH_SOURCE(?:\[0\])?\})"?\s*\)|\$\{BASH_SOURCE(?:\[0\])?%\/\*\}/g, base)
    .replace(/\$\(\s*cd\s+"?([^")]+?)"?\s*(?:&&|;)\s*pwd(?:\s+-P)?\s*\)/g, '$1');
  const vars = { ...extra, ...fileVariables(text) };
  const joined = text.replace(/\\\r?\n/g, ' ');
  let scriptBase = base;
  for (const line of joined.split(/\r?\n/)) {
    let dir = script ? scriptBase : base;
    for (const command of line.split(/&&|\|\||;/)) {
      // In a CI file a command may follow its key on the same line (`- run: docker build ...`, `script: ...`).
      const words = commandWords(command.replace(yaml ? /^\s*-?\s*(?:[\w-]+:\s+)?[-(]?\s*/ : /^\s*[-(]\s*/, ''), vars);
      if ((words[0] === 'cd' || words[0] === 'pushd') && words[1] !== undefined) {
        if (!unresolved(words[1])) dir = path.resolve(dir, words[1]);
        // A script's `cd` holds for the lines after it, unless in a subshell `( cd x && ... )`.
        if (script && !line.trim().startsWith('(')) scriptBase = dir;
        continue;
      }
      if (words.length > 0 && /(^|\/)executor$/.test(words[0])) {
        kaniko(words.slice(1), dir, file, by, out);
        continue;
      }
      const args = buildArgs(words);
      if (!args) continue;
      const tags: string[] = [];
      let file_: string | undefined;
      let target: string | undefined;
      const positional: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const w = args[i];
        const [flag, inline] = w.includes('=') && w.startsWith('-') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, undefined];
        const val = () => inline ?? args[++i];
        if (flag === '-t' || flag === '--tag') {tags.push(val() ?? '');} else if (flag === '-f' || flag === '--file') {file_ = val();} else if (flag === '--target') {target = val();} else if (VALUE_FLAGS.includes(flag)) { if (inline === undefined) i++; } else if (!w.startsWith('-')) {positional.push(w);}
      }
      // The context is the last word that is not an option (an unknown option's value may come before it).
      const context = positional[positional.length - 1];
      if (!context || unresolved(context) || context === '-') continue;
      const at = (d: string) => {
        const ctx = path.resolve(d, context);
        return file_ && !unresolved(file_) ? dockerfileAt(path.isAbsolute(file_) ? '/' : d, file_) ?? dockerfileAt(ctx, file_) : dockerfileAt(ctx, undefined);
      };
      // A script that never changes folder runs where it is called from: its own folder, else the repository's root
      // (`./hack/build.sh` from the top, as Makefiles and CI call it).
      const df = at(dir) ?? (script && dir === base && root !== undefined ? at(root) : undefined);
      if (!df) continue;
      for (const t of tags) {
        const r = ref(t);
        if (r) out.push({ image: r, dockerfile: df, target: target && !unresolved(target) ? target : undefined, source: file, by });
      }
    }
  }
}

/** kaniko's executor: `--context`, `--dockerfile` (relative to the context), `--destination` (repeatable), `--target`. */
function kaniko(args: string[], base: string, file: string, by: BuildRef['by'], out: BuildRef[]): void {
  const get = (names: string[]) => {
    const vals: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const [flag, inline] = args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i], undefined];
      if (names.includes(flag)) vals.push(inline ?? args[++i] ?? '');
    }
    return vals;
  };
  const context = (get(['--context', '-c'])[0] ?? '.').replace(/^dir:\/\//, '');
  if (unresolved(context)) return;
  const ctx = path.resolve(base, context);
  const dockerfile = get(['--dockerfile', '-f'])[0];
  const df = dockerfile && !unresolved(dockerfile) ? dockerfileAt(path.isAbsolute(dockerfile) ? '/' : ctx, dockerfile) : dockerfileAt(ctx, undefined);
  if (!df) return;
  const target = get(['--target'])[0];
  for (const d of get(['--destination', '-d'])) {
    const r = ref(d);
    if (r) out.push({ image: r, dockerfile: df, target: target && !unresolved(target) ? target : undefined, source: file, by });
  }
}

/** Tilt's `docker_build('image', 'context', dockerfile='...', target='...')` calls with literal strings. */
function tiltfile(file: string, out: BuildRef[]): void {
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/\bdocker_build\(\s*(?:ref\s*=\s*)?['"]([^'"]+)['"]\s*,\s*(?:context\s*=\s*)?['"]([^'"]+)['"]([^)]*)\)/g)) {
    const kw = (k: string) => new RegExp(`\\b${k}\\s*=\\s*['"]([^'"]+)['"]`).exec(m[3])?.[1];
    const ctx = path.resolve(path.dirname(file), m[2]);
    const dockerfile = kw('dockerfile');
    const df = dockerfile ? dockerfileAt(path.dirname(file), dockerfile) : dockerfileAt(ctx, undefined);
    const r = ref(m[1]);
    if (df && r) out.push({ image: r, dockerfile: df, target: kw('target'), source: file, by: 'script' });
  }
}

/** A workflow's `env:` maps (workflow, job and step level), for `${{ env.X }}`. */
function workflowEnv(doc: any): Record<string, string> {
  const env: Record<string, string> = {};
  const add = (m: unknown) => {
    if (!m || typeof m !== 'object') return;
    for (const [k, v] of Object.entries(m)) if (typeof v === 'string' || typeof v === 'number') env[k] = String(v);
  };
  add(doc?.env);
  for (const job of Object.values<any>(doc?.jobs ?? {})) {
    add(job?.env);
    for (const step of (job?.steps ?? []) as any[]) add(step?.env);
  }
  return env;
}

/** The images of `docker/metadata-action` steps by step id (`images:` lines or commas, `name=` and `,enable=` forms). */
function metadataImages(steps: any[], env: Record<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const step of steps) {
    if (!/^docker\/metadata-action@/.test(String(step?.uses ?? '')) || typeof step?.id !== 'string') continue;
    const images = String(step.with?.images ?? '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '')
      .map((l) => substituteVariables(l.split(',').find((p) => !/^(enable|priority)=/.test(p.trim()))?.trim().replace(/^name=/, '') ?? '', env));
    out.set(step.id, images.filter((i) => i !== ''));
  }
  return out;
}

function githubWorkflow(file: string, root: string, out: BuildRef[]): void {
  const docs = yamlDocs(file);
  const env = Object.assign({ GITHUB_WORKSPACE: root }, ...docs.map(workflowEnv)) as Record<string, string>;
  buildCommands(fs.readFileSync(file, 'utf8').replace(/\$\{\{\s*github\.workspace\s*\}\}/g, root), root, file, 'ci', out, env);
  for (const doc of docs) {
    for (const job of Object.values<any>((doc as any)?.jobs ?? {})) {
      const steps = (job?.steps ?? []) as any[];
      const meta = metadataImages(steps, env);
      for (const step of steps) {
        if (!/^docker\/build-push-action@/.test(String(step?.uses ?? ''))) continue;
        const w = step.with ?? {};
        const v = (x: unknown) => { const t = str(x); return t === undefined ? undefined : substituteVariables(t.replace(/\$\{\{\s*github\.workspace\s*\}\}/g, root), env); };
        const context = v(w.context) ?? '.';
        const file_ = v(w.file);
        const df = /[$%{]/.test(context) ? undefined : dockerfileAt(path.resolve(root, context), file_ && !/[$%{]/.test(file_) ? path.relative(path.resolve(root, context), path.resolve(root, file_)) : undefined);
        if (!df) continue;
        const tags = String(w.tags ?? '').replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, e: string) => '${{' + e.replace(/\s+/g, '') + '}}').split(/[\s,]+/).filter((t) => t !== '').flatMap((t) => {
          // `${{ steps.meta.outputs.tags }}`: the images of that metadata-action step.
          const id = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.tags\s*\}\}$/.exec(t)?.[1];
          return id ? meta.get(id) ?? [] : [substituteVariables(t, env)];
        });
        for (const t of tags) {
          const r = ref(t);
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

/** package.json `scripts` that build an image (`"docker:build": "docker build -t acme/web ."`), run in its folder. */
function packageScripts(file: string, out: BuildRef[]): void {
  const scripts = (JSON.parse(fs.readFileSync(file, 'utf8')) as { scripts?: unknown }).scripts;
  if (!scripts || typeof scripts !== 'object') return;
  const lines = Object.values(scripts).filter((v): v is string => typeof v === 'string' && /\bbuild\b/.test(v));
  if (lines.length > 0) buildCommands(lines.join('\n'), path.dirname(file), file, 'script', out);
}

/**
 * `docker buildx bake` files (HCL): each `target "x" { context, dockerfile, target, tags = [...] }` with literal
 * strings, `${VAR}` taken from `variable "VAR" { default = "..." }`.
 */
function bake(file: string, out: BuildRef[]): void {
  const text = fs.readFileSync(file, 'utf8');
  const vars: Record<string, string> = {};
  for (const m of text.matchAll(/\bvariable\s+"([A-Za-z_]\w*)"\s*\{[^}]*?\bdefault\s*=\s*"([^"]*)"/g)) vars[m[1]] = m[2];
  for (const m of text.matchAll(/\btarget\s+"([^"]+)"\s*\{/g)) {
    // The block up to its closing brace (`${VAR}` has braces of its own).
    let depth = 1;
    let end = m.index! + m[0].length;
    for (; end < text.length && depth > 0; end++) depth += text[end] === '{' ? 1 : text[end] === '}' ? -1 : 0;
    const body = substituteVariables(text.slice(m.index! + m[0].length, end - 1), vars);
    const attr = (k: string) => new RegExp(`\\b${k}\\s*=\\s*"([^"]*)"`).exec(body)?.[1];
    const context = attr('context') ?? '.';
    if (unresolved(context)) continue;
    const ctx = path.resolve(path.dirname(file), context);
    const dockerfile = attr('dockerfile');
    const df = dockerfileAt(ctx, dockerfile && !unresolved(dockerfile) ? dockerfile : undefined);
    const tags = /\btags\s*=\s*\[([^\]]*)\]/.exec(body)?.[1].match(/"[^"]*"/g)?.map((t) => t.slice(1, -1)) ?? [];
    const target = attr('target');
    for (const t of df ? tags : []) {
      const r = ref(t);
      if (r) out.push({ image: r, dockerfile: df!, target: target && !unresolved(target) ? target : undefined, source: file, by: 'script' });
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
      else if (b === '.gitlab-ci.yml') buildCommands(fs.readFileSync(f, 'utf8'), root, f, 'ci', refs, { CI_PROJECT_DIR: root });
      else if (b === 'tiltfile') tiltfile(f, refs);
      else if (b === 'makefile' || b === 'gnumakefile' || b.endsWith('.mk') || b.endsWith('.sh')) buildCommands(fs.readFileSync(f, 'utf8'), path.dirname(f), f, 'script', refs, {}, root);
      else if (b === 'package.json') packageScripts(f, refs);
      else if (/^docker-bake(\.override)?\.hcl$/.test(b)) bake(f, refs);
    } catch {
      // A build file that cannot be read names no image.
    }
  }
  return { refs, aliases };
}
