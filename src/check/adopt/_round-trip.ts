/**
 * The round trip that proves an adoption: the original container (its Dockerfile's final image and the
 * Kubernetes container it was paired with) against what the emitted statement generates (the statement
 * synthesized in a scratch project, its Dockerfile and probe snippet read back with the checker's own readers),
 * field by field, by meaning. Each difference is classified: `named` (a `// changes:` comment of the fragment
 * names the field), `hardening` (one of the HARDENING list) or `unlisted`. Equal fields are counted as carried.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Change, names } from './_changes';
import { hardeningOf } from './_hardening';
import { synthStatement, writtenDockerfile } from './_scratch';
import { baseAccount, checkUrl, DockerImage, DockerInstruction, DockerStage, K8sContainer, ProbeFacts, readDockerfile, readManifestText, substitute } from '../read';

/** How a difference is accounted for. */
export type DifferenceClass = 'named' | 'hardening' | 'unlisted';

export interface Difference {
  readonly field: string;
  /** The original's value (`(none)` when absent). */
  readonly old: string;
  /** The generated value (`(none)` when absent). */
  readonly new: string;
  readonly class: DifferenceClass;
}

export interface RoundTrip {
  /** The fields compared and equal. */
  readonly carried: string[];
  readonly differences: Difference[];
  /** Why the generated files could not be read back (the round trip then has no differences). */
  readonly error?: string;
}

const NONE = '(none)';
/** The command of a container that runs what its base image runs (the checker does not read base images). */
const BASE_COMMAND = "(the base image's)";
const SHELL_META = /[$`'"\\*?[\]{}~;&|<>()#\n]/;

/** The shell a shell-form instruction runs with: the chain's last SHELL, else /bin/sh -c. */
function shellOf(image: DockerImage, upTo: DockerInstruction): string[] {
  let shell = ['/bin/sh', '-c'];
  for (const s of image.chain) {
    for (const i of s.instructions) {
      if (i === upTo) return shell;
      if (i.keyword === 'SHELL') {
        try {
          const v = JSON.parse(i.content);
          if (Array.isArray(v)) shell = v.map(String);
        } catch {
          // Not JSON: Docker refuses it; keep the default.
        }
      }
    }
  }
  return shell;
}

function execForm(ins: DockerInstruction): string[] | undefined {
  if (!ins.content.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(ins.content);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The argv an instruction runs: exec form as written, shell form as `<shell> <script>`. */
function argvOfInstruction(image: DockerImage, ins: DockerInstruction): { argv: string[]; shell: boolean } {
  const exec = execForm(ins);
  if (exec) return { argv: exec, shell: false };
  return { argv: [...shellOf(image, ins), ins.content.replace(/\\\r?\n\s*/g, ' ').trim()], shell: true };
}

/**
 * The argv the container runs: the image's ENTRYPOINT and CMD (a shell-form ENTRYPOINT ignores CMD), the
 * manifest's `command` replacing the ENTRYPOINT (and dropping the CMD) and `args` replacing the CMD.
 */
export function effectiveArgv(image: DockerImage, c: K8sContainer): string[] {
  const ep = image.entrypoint ? argvOfInstruction(image, image.entrypoint) : undefined;
  const cmd = image.cmd ? argvOfInstruction(image, image.cmd) : undefined;
  const entry = c.command ? c.command.words : ep?.argv ?? [];
  const args = c.command ? c.args?.words ?? [] : c.args ? c.args.words : ep?.shell ? [] : cmd?.argv ?? [];
  return [...entry, ...args];
}

/**
 * The argv by meaning: `sh`/`bash` named by path or not alike, a script's leading `exec ` dropped (the same
 * program runs, as PID 1), and a script without shell syntax (no `$`, quotes, redirections, globs, `;&|`) as the
 * words it splits into (the shell runs exactly those).
 */
export function canonicalArgv(argv: string[]): string[] {
  const shells = ['sh', 'bash', 'ash', 'dash'];
  const base = (w: string) => w.slice(w.lastIndexOf('/') + 1);
  if (argv.length === 3 && shells.includes(base(argv[0])) && argv[1] === '-c') {
    const script = argv[2].trim().replace(/^exec\s+/, '');
    if (!SHELL_META.test(script)) return script.split(/\s+/).filter((w) => w !== '');
    return ['/bin/sh', '-c', script];
  }
  return argv;
}

/** An exec argv of a one-process server without `--workers 1` (`--workers=1`): the same command by meaning. */
function withoutDefaultWorkers(argv: string[]): string[] {
  if (!ONE_PROCESS.test(path.posix.basename(argv[0] ?? ''))) return argv;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--workers=1' || argv[i] === '-w1') continue;
    if ((argv[i] === '--workers' || argv[i] === '-w') && argv[i + 1] === '1') {
      i++;
      continue;
    }
    out.push(argv[i]);
  }
  return out;
}

/** The words of an argv, a shell script's split too (for options such as --workers). */
function words(argv: string[]): string[] {
  const c = canonicalArgv(argv);
  return c.length === 3 && c[1] === '-c' ? c[2].split(/\s+/) : c;
}

const SERVERS = /^(uvicorn|gunicorn|hypercorn|fastapi|uwsgi|puma|unicorn|celery)$/;
const ONE_PROCESS = /^(uvicorn|gunicorn|hypercorn)$/;

/** The process count the command asks for: `--workers N` (`-w`, `--processes`, `--concurrency`), `default` for a known server without one. */
export function workersOf(argv: string[], env: Readonly<Record<string, string>>): string | undefined {
  const w = words(argv);
  for (let i = 0; i < w.length; i++) {
    const m = /^(--workers|-w|--processes|-p|--concurrency|-c|--num-workers)(?:=(.+))?$/.exec(w[i]);
    if (m && !(m[1] === '-c' && w[0] !== 'celery') && !(m[1] === '-p' && !/uwsgi/.test(w.join(' ')))) {
      const v = m[2] ?? w[i + 1];
      if (v !== undefined) return v;
    }
  }
  const server = w.map((x) => x.slice(x.lastIndexOf('/') + 1)).find((x) => SERVERS.test(x));
  if (!server) return undefined;
  if (env.WEB_CONCURRENCY !== undefined && (server === 'gunicorn' || server === 'uvicorn')) return `${env.WEB_CONCURRENCY} (WEB_CONCURRENCY)`;
  // uvicorn, gunicorn and hypercorn run one process by default (--workers 1 is the same count).
  return ONE_PROCESS.test(server) ? '1' : `default of ${server}`;
}

/** The runtime environment: the final chain's ENV, the manifest's env over it (`from <source>` for references). */
function envOf(image: DockerImage, c: K8sContainer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of image.chain) {
    for (const i of s.instructions.filter((x) => x.keyword === 'ENV')) for (const [k, v] of i.properties) out[k] = substitute(v, i.vars);
  }
  for (const e of c.env ?? []) {
    const m = /^([^=\s]+)(?:=([\s\S]*)| from (.+))$/.exec(e);
    if (m) out[m[1]] = m[2] ?? `(from ${m[3]})`;
  }
  return out;
}

/** A probe's port as a number (a named port through the container's ports), or as written. */
function portOf(p: ProbeFacts, c: K8sContainer): string {
  if (p.port === undefined) return NONE;
  if (typeof p.port === 'number' || /^\d+$/.test(p.port)) return String(p.port);
  const named = c.ports.find((x) => x.name === p.port);
  return named ? String(named.containerPort) : p.port;
}

/**
 * The gid a workload's `runAsUser` other than the image's USER uid runs with when it sets no `runAsGroup`: the
 * runtime (containerd, CRI-O, like `docker run --user <uid>`) takes the gid of that uid's /etc/passwd entry in the
 * image, not the USER's; known for a standard account of the base image (`nobody` 65534:65534), else undefined.
 */
export function runAsGroupOf(image: DockerImage, c: K8sContainer): string | undefined {
  if (c.runAsUser === undefined || c.runAsGroup !== undefined) return undefined;
  const u = (image.user?.value ?? '').split(':')[0];
  const imageUid = /^\d+$/.test(u) ? Number(u) : u ? baseAccount(image.base, u)?.uid : undefined;
  if (imageUid === c.runAsUser.value) return undefined;
  const account = baseAccount(image.base, c.runAsUser.value);
  return account === undefined ? undefined : String(account.gid);
}

/** The uid and gid the process runs as (the manifest's over the image's USER; a named account by its `useradd -u`). */
function userOf(image: DockerImage, c: K8sContainer): { user: string; group: string } {
  const [u, g] = (image.user?.value ?? '').split(':');
  const uidOfName = (name: string): string => {
    for (const s of image.chain) {
      for (const i of s.instructions.filter((x) => x.keyword === 'RUN')) {
        const m = new RegExp(`(?:useradd|adduser)\\b[^;&|]*?(?:-u|--uid)[ =](\\d+)[^;&|]*\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).exec(i.content);
        if (m) return m[1];
      }
    }
    return name;
  };
  const imageUser = u ? (/^\d+$/.test(u) ? u : uidOfName(u)) : typeof image.baseUser === 'number' ? String(image.baseUser) : image.baseUser === 'root' ? '0' : NONE;
  return {
    user: c.runAsUser !== undefined ? String(c.runAsUser.value) : imageUser === '0' ? '0' : imageUser,
    group: c.runAsGroup !== undefined ? String(c.runAsGroup.value) : runAsGroupOf(image, c) ?? g ?? NONE,
  };
}

/** The stage a COPY --from names: a stage of the file (by name or index), else an image. */
function stageOf(image: DockerImage, from: string): DockerStage | string {
  const byName = image.stages.find((s) => s.name === from.toLowerCase() || String(s.index) === from);
  return byName ?? from;
}

/** The external image at the root of a stage (FROM another stage followed). */
function rootImage(image: DockerImage, s: DockerStage): string {
  for (let st = s, n = 0; n < 50; n++) {
    const parent = image.stages.find((p) => p.index < st.index && p.name !== undefined && p.name === st.from.toLowerCase());
    if (!parent) return st.from;
    st = parent;
  }
  return s.from;
}

/** The build stages the final image uses (COPY --from, RUN --mount from=, FROM), as their root images, sorted. */
export function buildStages(image: DockerImage): string[] {
  const used = new Set<DockerStage>();
  const visit = (s: DockerStage) => {
    for (const i of s.instructions) {
      const refs = [i.flags.from, ...(i.keyword === 'RUN' ? [...i.content.matchAll(/--mount=[^\s]*\bfrom=([^,\s]+)/g)].map((m) => m[1]) : [])];
      for (const r of refs.filter((x): x is string => x !== undefined)) {
        const st = stageOf(image, r);
        if (typeof st !== 'string' && !used.has(st) && !image.chain.includes(st)) {
          used.add(st);
          visit(st);
          for (const p of image.stages.filter((x) => x.index < st.index && x.name === st.from.toLowerCase() && !used.has(x))) {
            used.add(p);
            visit(p);
          }
        }
      }
    }
  };
  for (const s of image.chain) visit(s);
  return [...used].map((s) => rootImage(image, s)).sort();
}

interface Copy {
  /** `context` or `stage <root image>` or `image <ref>`. */
  readonly origin: string;
  readonly src: string;
  /** Where the source lands: a directory's contents (`dir`), or a file. */
  readonly dest: string;
  readonly dir: boolean;
  /** The COPY/ADD instruction's line. */
  readonly line: number;
}

/** The COPY/ADD of the final chain: where each source lands (WORKDIR applied; a directory's contents or a file). */
function copiesOf(image: DockerImage): Copy[] {
  const out: Copy[] = [];
  const context = path.dirname(image.absFile);
  // WORKDIR carries from a stage to the stages built FROM it (the chain, root first).
  let workdir = '/';
  for (const s of image.chain) {
    for (const i of s.instructions) {
      if (i.keyword === 'WORKDIR') workdir = path.posix.resolve(workdir, substitute(i.content, i.vars));
      if (i.keyword !== 'COPY' && i.keyword !== 'ADD') continue;
      const list = execForm(i) ?? i.args.filter((a) => !a.startsWith('--'));
      if (list.length < 2) continue;
      const rawDest = substitute(list[list.length - 1], i.vars);
      const destDir = rawDest.endsWith('/') || rawDest === '.' || list.length > 2;
      const dest = path.posix.resolve(workdir, rawDest);
      const from = i.flags.from;
      const st = from !== undefined ? stageOf(image, from) : undefined;
      const origin = st === undefined ? 'context' : typeof st === 'string' ? `image ${st}` : `stage ${rootImage(image, st)}`;
      for (const raw of list.slice(0, -1)) {
        const src = path.posix.normalize(substitute(raw, i.vars)).replace(/\/$/, '') || '.';
        let dir = src === '.' || raw.endsWith('/');
        if (origin === 'context' && !dir) {
          try {
            dir = fs.statSync(path.resolve(context, src)).isDirectory();
          } catch {
            dir = !/\.[A-Za-z0-9]+$/.test(src);
          }
        } else if (!dir) {
          dir = !/\.[A-Za-z0-9]+$/.test(path.posix.basename(src)) && destDir && !rawDest.endsWith('/');
        }
        out.push({ origin, src, dir, line: i.line, dest: dir ? dest : destDir ? path.posix.join(dest, path.posix.basename(src)) : dest });
      }
    }
  }
  return out;
}

/** Where a source path lands through a copy that covers it, if it does. */
function landsThrough(c: Copy, origin: string, src: string): string | undefined {
  if (c.origin !== origin) return undefined;
  const rel = c.src === '.' ? src : src === c.src ? '' : src.startsWith(`${c.src}/`) ? src.slice(c.src.length + 1) : undefined;
  if (rel === undefined) return undefined;
  if (!c.dir) return rel === '' ? c.dest : undefined;
  return rel === '' ? c.dest : path.posix.join(c.dest, rel);
}

function probeFields(name: string, p: ProbeFacts | undefined, c: K8sContainer, out: Map<string, string>): void {
  if (!p) return;
  out.set(`${name}.handler`, p.kind);
  if (p.kind === 'httpGet') {
    out.set(`${name}.path`, p.path ?? '/');
    out.set(`${name}.scheme`, (p.scheme ?? 'HTTP').toUpperCase());
    out.set(`${name}.headers`, (p.headers ?? []).join(', ') || NONE);
  }
  if (p.kind !== 'exec' && p.kind !== 'none') {
    out.set(`${name}.port`, portOf(p, c));
    out.set(`${name}.host`, p.host ?? NONE);
  }
  if (p.kind === 'exec') out.set(`${name}.command`, JSON.stringify(canonicalArgv(p.command ?? [])));
  if (p.kind === 'grpc') out.set(`${name}.service`, p.service ?? '');
  for (const k of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'] as const) out.set(`${name}.${k}`, String(p[k]));
  out.set(`${name}.terminationGracePeriodSeconds`, p.terminationGracePeriodSeconds === undefined ? NONE : String(p.terminationGracePeriodSeconds));
}

/** Every compared field of one side, by meaning (absent fields are left out; `(none)` is compared as a value). */
export function factsOf(image: DockerImage, c: K8sContainer): Map<string, string> {
  const out = new Map<string, string>();
  const env = envOf(image, c);
  const argv = effectiveArgv(image, c);
  // No ENTRYPOINT or CMD in the image and no command or args in the workload: the base image's runs, unread.
  const fromBase = !image.entrypoint && !image.cmd && !c.command && !c.args;
  out.set('command', fromBase ? BASE_COMMAND : JSON.stringify(withoutDefaultWorkers(canonicalArgv(argv))));
  out.set('workers', workersOf(argv, env) ?? NONE);
  const ports = new Map<number, string[]>();
  for (const p of c.ports) ports.set(p.containerPort, [...(ports.get(p.containerPort) ?? []), `containerPort${p.name ? ` ${p.name}` : ''}${p.protocol !== 'TCP' ? `/${p.protocol}` : ''}`]);
  for (const e of image.exposes) ports.set(e.port, [...(ports.get(e.port) ?? []), `EXPOSE${e.protocol !== 'tcp' ? `/${e.protocol}` : ''}`]);
  for (const [n, v] of ports) out.set(`port ${n}`, [...new Set(v)].sort().join(', '));
  out.set('livenessProbe', c.liveness ? 'set' : NONE);
  out.set('readinessProbe', c.readiness ? 'set' : NONE);
  out.set('startupProbe', c.startup ? 'set' : NONE);
  probeFields('livenessProbe', c.liveness, c, out);
  probeFields('readinessProbe', c.readiness, c, out);
  probeFields('startupProbe', c.startup, c, out);
  const hc = image.healthcheck && !image.healthcheck.none ? image.healthcheck : undefined;
  out.set('HEALTHCHECK', hc ? 'set' : NONE);
  if (hc) {
    const url = checkUrl(hc.argv);
    out.set('HEALTHCHECK.check', url ? `GET ${url.path} on port ${url.port}` : JSON.stringify(canonicalArgv(hc.argv)));
    out.set('HEALTHCHECK.interval', `${hc.interval}s`);
    out.set('HEALTHCHECK.timeout', `${hc.timeout}s`);
    out.set('HEALTHCHECK.startPeriod', `${hc.startPeriod}s`);
    out.set('HEALTHCHECK.retries', String(hc.retries));
  }
  const { user, group } = userOf(image, c);
  out.set('user', user);
  out.set('group', group);
  out.set('securityContext.readOnlyRootFilesystem', c.readOnlyRootFilesystem ? String(c.readOnlyRootFilesystem.value) : NONE);
  out.set('securityContext.runAsNonRoot', c.runAsNonRoot ? String(c.runAsNonRoot.value) : NONE);
  out.set('securityContext.allowPrivilegeEscalation', c.allowPrivilegeEscalation ? String(c.allowPrivilegeEscalation.value) : NONE);
  out.set('securityContext.privileged', c.privileged ? String(c.privileged.value) : NONE);
  out.set('securityContext.capabilities.drop', c.capabilities?.value.drop.join(',') || NONE);
  out.set('securityContext.capabilities.add', c.capabilities?.value.add.join(',') || NONE);
  out.set('securityContext.seccompProfile', c.seccompProfile?.value ?? NONE);
  // The pod's sysctls (lowPortSysctl writes net.ipv4.ip_unprivileged_port_start); a side without one reads (none).
  for (const [k, v] of Object.entries(c.sysctls?.value ?? {})) out.set(`sysctl ${k}`, v);
  for (const m of c.mounts) {
    out.set(`volumeMount ${m.path}`, `${m.source ?? m.name ?? 'volume'}${m.readOnly ? ' read-only' : ''}${m.subPath ? ` subPath ${m.subPath}` : ''}`);
  }
  for (const [k, v] of Object.entries(env)) out.set(`env ${k}`, v);
  for (const f of c.envFrom ?? []) out.set(`envFrom ${f}`, 'set');
  out.set('build stages', buildStages(image).join(', ') || NONE);
  return out;
}

const contentsField = (c: Copy) => `contents ${c.origin === 'context' ? '' : `${c.origin}:`}${c.src}`;

/**
 * The changes a statement makes by leaving out Dockerfile lines its notes name (`<file>:<line> ENV ...`,
 * `<file>:<line> COPY ...` of the final image): each variable and each copied source, in the change-comment form.
 */
export function droppedChanges(image: DockerImage, notes: readonly string[]): Change[] {
  const noted = new Set<number>();
  for (const n of notes) {
    const m = new RegExp(`^${image.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+) (ENV|COPY|ADD) `).exec(n);
    if (m) noted.add(Number(m[1]));
  }
  const out: Change[] = [];
  for (const s of image.chain) {
    for (const i of s.instructions.filter((x) => x.keyword === 'ENV' && noted.has(x.line))) {
      for (const [k, v] of i.properties) out.push({ field: `env ${k}`, old: substitute(v, i.vars), new: NONE });
    }
  }
  for (const c of copiesOf(image).filter((x) => noted.has(x.line))) out.push({ field: contentsField(c), old: c.dest, new: NONE });
  return out;
}

/**
 * The changes a statement makes by what it leaves out of the manifest, read from its own text (so a statement that
 * does carry a field names nothing): manifest `env`/`envFrom` and `command`/`args` it does not write, a mount it
 * turns into an emptyDir (`writablePaths`), and probes the construct adds where the original has none.
 */
export function statementChanges(image: DockerImage, c: K8sContainer, code: string): Change[] {
  const out: Change[] = [];
  const text = code.split('\n').filter((l) => !l.trim().startsWith('//')).join('\n');
  for (const e of c.env ?? []) {
    const m = /^([^=\s]+)(?:=([\s\S]*)| from (.+))$/.exec(e);
    // Written only when the statement sets this name to this value (an ENV of the Dockerfile with another value is not it).
    const written = m && (m[2] !== undefined ? text.includes(`${JSON.stringify(m[1])}: ${JSON.stringify(m[2])}`) : text.includes(JSON.stringify(m[1])));
    if (m && !written) out.push({ field: `env ${m[1]}`, old: m[2] ?? `(from ${m[3]})`, new: NONE });
  }
  for (const f of c.envFrom ?? []) if (!text.includes(JSON.stringify(f.split(':')[1] ?? f))) out.push({ field: `envFrom ${f}`, old: 'set', new: NONE });
  if (c.command || c.args) {
    const given = [...(c.command?.words ?? []), ...(c.args?.words ?? [])];
    if (!given.every((w) => text.includes(JSON.stringify(w)))) {
      out.push({ field: 'command', old: JSON.stringify(canonicalArgv(effectiveArgv(image, c))), new: 'the image\'s ENTRYPOINT and CMD (the manifest\'s command/args are not written)' });
    }
  }
  const writable = /^\s*writablePaths: \[(.*)\],$/m.exec(text);
  const paths: string[] = writable ? JSON.parse(`[${writable[1]}]`) : [];
  for (const m of c.mounts) {
    const kind = (m.source ?? '').split(':')[0];
    if (paths.includes(m.path) && (kind !== 'emptyDir' || m.readOnly || m.subPath)) {
      out.push({ field: `volumeMount ${m.path}`, old: `${m.source ?? m.name ?? 'volume'}${m.readOnly ? ' read-only' : ''}${m.subPath ? ` subPath ${m.subPath}` : ''}`, new: 'emptyDir (writablePaths)' });
    }
  }
  const service = /^new ContainerService\(|^new (FastApiBackend|StaticFrontend|NodeService|GoService)\(/m.test(text);
  const worker = /^\s*noPort: true,$/m.test(text);
  // A probe the original does not have: the construct always writes a livenessProbe (a readinessProbe when it serves).
  const check = (key: string) => /^\s*(\w+): (.*),$/m.exec(text.split('\n').filter((l) => l.trim().startsWith(`${key}: `))[0] ?? '')?.[2];
  if (service && !c.liveness) out.push({ field: 'livenessProbe', old: NONE, new: check('healthCheck') ?? 'the construct\'s default check (set healthCheck, or remove the probe from the snippet)' });
  if (service && !worker && !c.readiness) out.push({ field: 'readinessProbe', old: NONE, new: check('readinessCheck') ?? 'the construct\'s default check (set readinessCheck)' });
  if (service && !c.startup && !/StartPeriodMapping\.INITIAL_DELAY/.test(text)) {
    out.push({ field: 'startupProbe', old: NONE, new: 'a startupProbe covering timing.startPeriod' });
  }
  return out;
}

/** The contents differences: each original COPY source that the generated image does not land at the same place. */
function contentDifferences(original: DockerImage, generated: DockerImage): Array<{ field: string; old: string; new: string }> {
  const gen = copiesOf(generated);
  const out: Array<{ field: string; old: string; new: string }> = [];
  for (const c of copiesOf(original)) {
    const field = contentsField(c);
    const old = c.dest;
    const lands = gen.map((g) => landsThrough(g, c.origin, c.src)).filter((x): x is string => x !== undefined);
    if (lands.includes(old)) continue;
    out.push({ field, old, new: lands[0] ?? NONE });
  }
  return out;
}

/**
 * A port that gained a name where the original had none (nothing referred to a name), an EXPOSE beside the
 * containerPort the original declared, or a containerPort beside the EXPOSE the original had: nothing the container
 * does changes (both only declare a port the process listens on; neither opens nor publishes it).
 */
function sameByMeaning(field: string, old: string, now: string): boolean {
  if (!field.startsWith('port ')) return false;
  const parts = (v: string) => v.split(', ');
  const declared = (v: string, kind: string) => parts(v).some((x) => x === kind || x.startsWith(`${kind} `) || x.startsWith(`${kind}/`));
  // EXPOSE only documents a port: added beside a declared containerPort, it changes nothing the container does; the
  // same for a containerPort added beside an EXPOSE of the same protocol.
  const exposeAdded = (v: string) => {
    if (declared(old, 'containerPort') && !declared(old, 'EXPOSE')) return parts(v).filter((x) => !x.startsWith('EXPOSE'));
    if (declared(old, 'EXPOSE') && !declared(old, 'containerPort')) return parts(v).filter((x) => !x.startsWith('containerPort'));
    return parts(v);
  };
  const unnamed = (v: string) => exposeAdded(v).map((x) => (/containerPort [^/]/.test(old) ? x : x.replace(/^containerPort [^/\s]+/, 'containerPort'))).join(', ');
  return unnamed(old) === unnamed(now);
}

/** Compares two sides; classifies each difference against the fragment's changes and the hardening list. */
export function compare(original: { image: DockerImage; container: K8sContainer }, generated: { image: DockerImage; container: K8sContainer },
  changes: readonly Change[]): RoundTrip {
  const a = factsOf(original.image, original.container);
  const b = factsOf(generated.image, generated.container);
  const carried: string[] = [];
  const raw: Array<{ field: string; old: string; new: string }> = [];
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  for (const k of keys) {
    const o = a.get(k) ?? NONE;
    const n = b.get(k) ?? NONE;
    // A probe field of a probe one side lacks: the probe's own difference says it.
    const probe = /^(livenessProbe|readinessProbe|startupProbe|HEALTHCHECK)\./.exec(k);
    if (probe && (a.get(probe[1]) === NONE || b.get(probe[1]) === NONE)) continue;
    if (o === n || sameByMeaning(k, o, n)) carried.push(k);
    else raw.push({ field: k, old: o, new: n });
  }
  raw.push(...contentDifferences(original.image, generated.image));
  const differences = raw.map((d): Difference => {
    if (changes.some((c) => names(c, d.field))) return { ...d, class: 'named' };
    // What the final stage copies from a build stage the fragment names as not written is named with it.
    const fromStage = /^contents stage ([^:]+):/.exec(d.field);
    if (fromStage && changes.some((c) => c.field === 'build stages' && c.old.split(', ').includes(fromStage[1]))) return { ...d, class: 'named' };
    if (hardeningOf(d.field, d.old, d.new)) return { ...d, class: 'hardening' };
    return { ...d, class: 'unlisted' };
  });
  return { carried, differences };
}

/**
 * The round trip of one emitted statement: synthesizes it in a scratch project, reads back the Dockerfile and the
 * probe snippet it wrote with the checker's readers, and compares them with the original.
 * @param code the statement (`new X(project, ...)`; comment lines ignored)
 * @param changes the differences the fragment names (`parseChanges` of its comments)
 */
export function roundTrip(image: DockerImage, container: K8sContainer, code: string, changes: readonly Change[]): RoundTrip {
  const s = synthStatement(code);
  try {
    if (s.error) return { carried: [], differences: [], error: s.error };
    const dockerfile = writtenDockerfile(s.files);
    const snippets = s.files.filter((f) => /\.ya?ml$/.test(f)).flatMap((f) => readManifestText(fs.readFileSync(path.join(s.outdir, f), 'utf8'), f).containers)
      .filter((c) => c.kind === 'PodSpec');
    if (!dockerfile || snippets.length === 0) return { carried: [], differences: [], error: `the statement wrote ${dockerfile ? 'no probe snippet' : 'no Dockerfile'}` };
    const generated = readDockerfile(path.join(s.outdir, dockerfile), s.outdir);
    return compare({ image, container }, { image: generated, container: snippets[0] }, changes);
  } finally {
    s.dispose();
  }
}
