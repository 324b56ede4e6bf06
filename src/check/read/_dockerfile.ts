/**
 * Reads a Dockerfile (dockerfile-ast) into the facts the checker compares: the target stage (the final
 * one, or `--target`) with what it inherits from earlier stages of the same file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DockerfileParser, Instruction as AstInstruction } from 'dockerfile-ast';
import { baseImageDefaults } from '../../images/_facts';

/** A Go duration (`30s`, `1m30s`, `500ms`) in seconds; undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  if (text === '0') return 0;
  let total = 0;
  let end = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * unit[m[2]];
    end = re.lastIndex;
  }
  return end === text.length && end > 0 ? total : undefined;
}

/** An instruction of the file: keyword, 1-based line and its argument text (continuations joined). */
export interface DockerInstruction {
  readonly keyword: string;
  readonly line: number;
  readonly content: string;
  readonly flags: Record<string, string>;
  readonly args: string[];
  /** LABEL/ENV key-value pairs, as dockerfile-ast reads them (quotes and escapes resolved). */
  readonly properties: Array<[string, string]>;
  /** The ARG and ENV values in effect at this instruction (ENV over ARG); a name without a value is absent. */
  readonly vars: Readonly<Record<string, string>>;
  /**
   * `content` with the ARG and ENV values substituted where the build substitutes them: by Docker in `ADD`, `COPY`,
   * `ENV`, `EXPOSE`, `FROM`, `LABEL`, `STOPSIGNAL`, `USER`, `VOLUME`, `WORKDIR`, by the build's shell in `RUN`
   * (`useradd --uid "$APPUID"`). `CMD`, `ENTRYPOINT` and `HEALTHCHECK` run later, as written: `content` itself.
   */
  readonly expanded: string;
}

export interface DockerStage {
  readonly index: number;
  readonly name?: string;
  /** The FROM argument, build args substituted (a `$` left in it: a build arg without a default). */
  readonly from: string;
  readonly line: number;
  readonly instructions: DockerInstruction[];
}

export interface HealthcheckFacts {
  readonly line: number;
  readonly none: boolean;
  readonly form: 'exec' | 'shell';
  /** Exec form: the JSON argv. Shell form: ['/bin/sh', '-c', command] as Docker runs it. */
  readonly argv: string[];
  /** Seconds, Docker defaults filled in where a flag is absent. */
  readonly interval: number;
  readonly timeout: number;
  readonly startPeriod: number;
  readonly startInterval?: number;
  readonly retries: number;
  /** The flags as written. */
  readonly flags: Record<string, string>;
}

/** A global ARG: declared before the first FROM, with its default as the build sees it (unquoted). */
export interface GlobalArgFacts {
  readonly name: string;
  readonly line: number;
  /** The default (`ARG NAME=<default>`); undefined: none, the build passes `--build-arg NAME=<value>`. */
  readonly value?: string;
}

/** The image a Dockerfile's target stage builds. */
export interface DockerImage {
  /** The Dockerfile path, relative to the checker's working directory. */
  readonly file: string;
  readonly absFile: string;
  readonly stages: DockerStage[];
  readonly target: DockerStage;
  /** The target stage and the earlier stages it is built FROM, root first. */
  readonly chain: DockerStage[];
  /** The ARGs declared before the first FROM, in the file's order (a name declared twice: both). */
  readonly globalArgs: readonly GlobalArgFacts[];
  /** The external image at the root of the chain. */
  readonly base: string;
  readonly baseLine: number;
  /** The last USER of the chain, ARG/ENV substituted; `resolved` false when a build arg without a default is left in it. */
  readonly user?: { readonly value: string; readonly line: number; readonly resolved: boolean };
  /**
   * Who the image runs as when it has no USER: `root` for a base image known to run as root (official images,
   * scratch), the uid of a known base with its own account (distroless `:nonroot`), else `unknown` (a base image
   * this file does not build may set its own USER).
   */
  readonly baseUser: 'root' | 'unknown' | number;
  readonly exposes: Array<{ readonly port: number; readonly protocol: string; readonly line: number }>;
  /** True when an EXPOSE could not be read (a build arg without a default), or the image has none and its base may EXPOSE. */
  readonly exposesUnknown: boolean;
  readonly healthcheck?: HealthcheckFacts;
  /** Packages installed by apt-get/apk/dnf/yum/microdnf in the chain. */
  readonly packages: Set<string>;
  readonly volumes: Array<{ readonly path: string; readonly line: number }>;
  readonly labels: Record<string, string>;
  readonly cmd?: DockerInstruction;
  readonly entrypoint?: DockerInstruction;
}

function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0] ? s.slice(1, -1) : s;
}

/**
 * Substitutes `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+alternative}` as the Dockerfile reference
 * describes; a name without a value (and no default) is left as written.
 */
export function substitute(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (all, a: string | undefined, op: string | undefined, word: string | undefined, b: string | undefined) => {
      const name = a ?? b!;
      const v = Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined;
      if (op === ':-' || op === '-') return v !== undefined && (op === '-' || v !== '') ? v : word!;
      if (op === ':+' || op === '+') return v !== undefined && (op === '+' || v !== '') ? word! : '';
      return v ?? all;
    });
}

/** True when a `$NAME` reference is left in a substituted text. */
export function unresolved(text: string): boolean {
  return /\$\{?[A-Za-z_]/.test(text);
}

/** Instructions whose variables the build substitutes (Docker's list, and RUN's shell); the rest run as written. */
const BUILD_TIME = new Set(['ADD', 'COPY', 'ENV', 'EXPOSE', 'FROM', 'LABEL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR', 'RUN']);

/** The global ARGs of a Dockerfile's text (those before its first FROM), in order. */
export function parseGlobalArgs(text: string): GlobalArgFacts[] {
  const out: GlobalArgFacts[] = [];
  for (const ins of DockerfileParser.parse(text).getInstructions() as AstInstruction[]) {
    const keyword = ins.getKeyword().toUpperCase();
    if (keyword === 'FROM') break;
    if (keyword !== 'ARG') continue;
    const line = ins.getRange().start.line + 1;
    const props: any[] = typeof (ins as any).getProperties === 'function' ? (ins as any).getProperties() : [];
    for (const p of props) out.push({ name: p.getName(), line, value: p.getValue() === null ? undefined : unquote(p.getValue()) });
  }
  return out;
}

/** Parses the file's text into stages. */
export function parseStages(text: string): DockerStage[] {
  const doc = DockerfileParser.parse(text);
  const globalArgs: Record<string, string> = {};
  const stages: Array<{ index: number; name?: string; from: string; line: number; instructions: DockerInstruction[] }> = [];
  // ARG values of the current stage, and ENV values by stage (a stage built FROM another inherits its ENV).
  let args: Record<string, string> = {};
  let env: Record<string, string> = {};
  const stageEnv: Record<string, Record<string, string>> = {};
  for (const ins of doc.getInstructions() as AstInstruction[]) {
    const keyword = ins.getKeyword().toUpperCase();
    const line = ins.getRange().start.line + 1;
    const flags: Record<string, string> = {};
    const anyIns = ins as any;
    if (typeof anyIns.getFlags === 'function') {
      for (const f of anyIns.getFlags()) flags[f.getName()] = f.getValue() ?? '';
    }
    const content = (ins.getArgumentsContent() ?? '').trim();
    const properties: Array<[string, string]> = typeof anyIns.getProperties === 'function'
      ? anyIns.getProperties().map((p: any) => [p.getName(), p.getValue() ?? ''])
      : [];
    const words = ins.getArguments().map((a) => a.getValue());
    if (keyword === 'FROM') {
      const fromWords = words.filter((a) => !a.startsWith('--'));
      const asIndex = fromWords.findIndex((w) => w.toUpperCase() === 'AS');
      const from = substitute(fromWords[0] ?? '', globalArgs);
      const name = asIndex >= 0 ? fromWords[asIndex + 1]?.toLowerCase() : undefined;
      args = {};
      env = { ...(stageEnv[from.toLowerCase()] ?? {}) };
      const data: DockerInstruction = {
        keyword, line, content, flags, args: words, properties, vars: { ...globalArgs }, expanded: substitute(content, globalArgs),
      };
      stages.push({ index: stages.length, name, from, line, instructions: [data] });
      if (name) stageEnv[name] = env;
      continue;
    }
    const vars = { ...args, ...env };
    const expanded = BUILD_TIME.has(keyword) ? substitute(content, vars) : content;
    const data: DockerInstruction = { keyword, line, content, flags, args: words, properties, vars, expanded };
    if (keyword === 'ARG') {
      // `ARG PKGS="curl ca-certificates"`: dockerfile-ast's properties keep a quoted value with spaces whole.
      const props: any[] = typeof anyIns.getProperties === 'function' ? anyIns.getProperties() : [];
      const argWords = props.length > 0 ? props.map((p) => (p.getValue() === null ? p.getName() : `${p.getName()}=${p.getValue()}`)) : words;
      for (const a of argWords) {
        const eq = a.indexOf('=');
        const key = eq > 0 ? a.slice(0, eq) : a;
        if (stages.length === 0) {
          if (eq > 0) globalArgs[key] = unquote(a.slice(eq + 1));
        } else if (eq > 0) {
          args[key] = substitute(unquote(a.slice(eq + 1)), vars);
        } else if (globalArgs[key] !== undefined) {
          // `ARG NAME` in a stage brings in the global default.
          args[key] = globalArgs[key];
        }
      }
    } else if (keyword === 'ENV') {
      for (const [k, v] of properties) env[k] = substitute(v, vars);
    }
    if (stages.length > 0) stages[stages.length - 1].instructions.push(data);
  }
  return stages;
}

/** The packages a RUN line installs (apt-get/apt/apk/dnf/yum/microdnf), version pins stripped. */
export function installedPackages(run: string): string[] {
  const out: string[] = [];
  for (const part of run.split(/&&|;|\|\||\n/)) {
    const words = part.trim().split(/\s+/);
    const i = words.findIndex((w, k) =>
      ((w === 'apt-get' || w === 'apt' || w === 'dnf' || w === 'yum' || w === 'microdnf') && words[k + 1] === 'install')
      || (w === 'apk' && words[k + 1] === 'add'));
    if (i < 0) continue;
    for (const w of words.slice(i + 2)) {
      if (w.startsWith('-') || w === '\\' || w === '') continue;
      out.push(w.replace(/[=<>~].*$/, ''));
    }
  }
  return out;
}

function parseExec(content: string): string[] | undefined {
  if (!content.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(content);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

function healthcheckOf(ins: DockerInstruction): HealthcheckFacts {
  // The flags come before the CMD word; the rest of the content is the command (build args substituted).
  const m = /^((?:--[a-z-]+=\S+\s+)*)(CMD|NONE)\b\s*([\s\S]*)$/i.exec(substitute(ins.content, ins.vars));
  const flags = Object.fromEntries(Object.entries(ins.flags).map(([k, v]) => [k, substitute(v, ins.vars)]));
  const seconds = (name: string, dflt: number) => (flags[name] !== undefined ? parseGoDuration(flags[name]) ?? dflt : dflt);
  const none = !m || m[2].toUpperCase() === 'NONE';
  const command = m ? m[3].trim() : '';
  const exec = parseExec(command);
  return {
    line: ins.line,
    none,
    form: exec ? 'exec' : 'shell',
    argv: exec ?? ['/bin/sh', '-c', command],
    interval: seconds('interval', 30),
    timeout: seconds('timeout', 30),
    startPeriod: seconds('start-period', 0),
    startInterval: flags['start-interval'] !== undefined ? parseGoDuration(flags['start-interval']) : undefined,
    retries: flags.retries !== undefined && /^\d+$/.test(flags.retries) ? Number(flags.retries) : 3,
    flags,
  };
}

/** Reads a Dockerfile; `target` names the stage (default: the last one). */
export function readDockerfile(absFile: string, cwd: string, target?: string): DockerImage {
  const text = fs.readFileSync(absFile, 'utf8');
  if (text.includes('\u0000')) throw new Error(`${path.relative(cwd, absFile) || absFile}: must be a text Dockerfile; received binary content`);
  const stages = parseStages(text);
  const file = path.relative(cwd, absFile) || absFile;
  if (stages.length === 0) throw new Error(`${file}: must be a Dockerfile with a FROM instruction; received none`);
  const targetStage = target === undefined ? stages[stages.length - 1] : stages.find((s) => s.name === target.toLowerCase());
  if (!targetStage) throw new Error(`${file}: --target must be a stage of the file (${stages.map((s) => s.name ?? s.index).join(', ')}); received ${JSON.stringify(target)}`);

  const chain: DockerStage[] = [targetStage];
  for (let s = targetStage; ;) {
    const parent = stages.find((p) => p.index < s.index && p.name !== undefined && p.name === s.from.toLowerCase());
    if (!parent) break;
    chain.unshift(parent);
    s = parent;
  }
  const all = chain.flatMap((s) => s.instructions.filter((i) => i.keyword !== 'FROM'));
  const last = (k: string) => [...all].reverse().find((i) => i.keyword === k);

  const exposes: Array<{ port: number; protocol: string; line: number }> = [];
  let exposesUnknown = false;
  const volumes: Array<{ path: string; line: number }> = [];
  const labels: Record<string, string> = {};
  const packages = new Set<string>();
  for (const i of all) {
    if (i.keyword === 'EXPOSE') {
      for (const a of i.args.map((x) => substitute(x, i.vars))) {
        const m = /^(\d+)(?:-\d+)?(?:\/(tcp|udp|sctp))?$/i.exec(a);
        if (m) exposes.push({ port: Number(m[1]), protocol: (m[2] ?? 'tcp').toLowerCase(), line: i.line });
        else exposesUnknown = true;
      }
    } else if (i.keyword === 'VOLUME') {
      for (const v of parseExec(i.content) ?? i.args) volumes.push({ path: path.posix.normalize(substitute(v, i.vars)), line: i.line });
    } else if (i.keyword === 'LABEL') {
      for (const [k, v] of i.properties) labels[k] = v;
    } else if (i.keyword === 'RUN') {
      for (const p of installedPackages(i.expanded)) packages.add(p);
    }
  }
  const user = last('USER');
  const hc = last('HEALTHCHECK');
  const userValue = user ? substitute(user.args[0] ?? '', user.vars) : undefined;
  const knownBase = baseImageDefaults(chain[0].from);
  return {
    file,
    absFile,
    stages,
    target: targetStage,
    chain,
    globalArgs: parseGlobalArgs(text),
    base: chain[0].from,
    baseLine: chain[0].line,
    user: user && userValue !== undefined ? { value: userValue, line: user.line, resolved: !unresolved(userValue) } : undefined,
    baseUser: knownBase?.user ?? 'unknown',
    exposes,
    exposesUnknown: exposesUnknown || (exposes.length === 0 && knownBase?.exposes !== false),
    healthcheck: hc ? healthcheckOf(hc) : undefined,
    packages,
    volumes,
    labels,
    cmd: last('CMD'),
    entrypoint: last('ENTRYPOINT'),
  };
}

/** The argv of a CMD/ENTRYPOINT (exec form), or the shell form's words. */
export function argvOf(ins: DockerInstruction | undefined): string[] {
  if (!ins) return [];
  return parseExec(ins.content) ?? ins.content.split(/\s+/).filter((w) => w.length > 0);
}
