// Reads Compose files (compose.yaml, docker-compose*.yml) into their services' healthchecks, builds and `depends_on` conditions, with lines.
import * as fs from 'fs';
import * as path from 'path';
import { isMap, isScalar, LineCounter, Node, parseAllDocuments, YAMLMap } from 'yaml';
import { ComposeRun, composeRunOf } from './_compose-run';
import { parseGoDuration } from './_dockerfile';

/** Compose's `.env` of a folder: KEY=VALUE lines. */
export function dotEnv(dir: string): Record<string, string> {
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

/** A Compose file name: `compose.yaml`, `docker-compose.yml`, `docker-compose.prod.yml`, `compose.override.yaml`. */
export function isComposeFile(file: string): boolean {
  return /^(docker-)?compose[\w.-]*\.ya?ml$/.test(path.basename(file).toLowerCase());
}

/** A service's `healthcheck:` as Docker runs it. */
export interface ComposeHealthcheck {
  /** 1-based line of `healthcheck:`. */
  readonly line: number;
  /** 1-based line of `test:` (else of `healthcheck:`). */
  readonly testLine: number;
  /** 1-based line of `start_period:` (else of `healthcheck:`). */
  readonly startPeriodLine: number;
  /** `disable: true` or `test: ["NONE"]`: no check runs, not even the image's. */
  readonly disabled: boolean;
  /** How `test:` is written: `CMD` (exec), `CMD-SHELL` or a plain string (shell); undefined without `test:` (the image's check runs). */
  readonly form?: 'exec' | 'shell';
  /** The argv Docker runs: `CMD`'s words, or `['/bin/sh', '-c', line]`; Compose interpolation done (`$$` is `$`). */
  readonly argv?: string[];
  /** Seconds, when written (Compose durations: `1m30s`, `10s`). */
  readonly interval?: number;
  readonly timeout?: number;
  readonly startPeriod?: number;
  readonly startInterval?: number;
  readonly retries?: number;
}

/** One `depends_on` entry in the long form. */
export interface ComposeDependency {
  readonly service: string;
  /** `service_started` (the short form), `service_healthy` or `service_completed_successfully`. */
  readonly condition: string;
  /** `required: false`: Compose only warns when the dependency is not there. */
  readonly required: boolean;
  readonly line: number;
}

/** A Compose service. */
export interface ComposeService {
  /** The Compose file, relative to the checker's working directory; `absFile` absolute. */
  readonly file: string;
  readonly absFile: string;
  readonly name: string;
  /** 1-based line of the service's key. */
  readonly line: number;
  /** `image:`, interpolated. */
  readonly image?: string;
  /** `build:`: the Dockerfile (absolute, when it exists) and the stage Compose builds. */
  readonly build?: { readonly dockerfile?: string; readonly target?: string };
  readonly healthcheck?: ComposeHealthcheck;
  readonly dependsOn: ComposeDependency[];
  /** `extends:` another service: fields this file does not write may come from it. */
  readonly extends: boolean;
  /** What it runs with beyond its build (ports, command, environment, user, volumes, security settings). */
  readonly run: ComposeRun;
  /** `labels:` (a map, or a list of `key=value`), interpolated. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Compose's interpolation: `$$` is a literal `$`; `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$VAR` take the
 * folder's `.env`; a variable it does not know is left as written.
 */
export function composeInterpolate(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (all, a: string | undefined, op: string | undefined, d: string | undefined, b: string | undefined) => {
      if (all === '$$') return '$';
      const v = env[a ?? b!];
      if (op === ':-') return v !== undefined && v !== '' ? v : d!;
      if (op === '-') return v ?? d!;
      return v ?? all;
    });
}

function lineOf(counter: LineCounter, node: unknown): number {
  const range = (node as Node | undefined)?.range;
  return range ? counter.linePos(range[0]).line : 0;
}

function keyLine(counter: LineCounter, map: unknown, key: string, fallback: number): number {
  if (!isMap(map)) return fallback;
  const pair = (map as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair ? lineOf(counter, pair.key) || fallback : fallback;
}

function duration(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  return typeof v === 'string' ? parseGoDuration(v.trim()) : undefined;
}

function healthcheckOf(hc: any, node: unknown, line: number, counter: LineCounter, v: (x: string) => string): ComposeHealthcheck | undefined {
  if (hc === null || typeof hc !== 'object') return undefined;
  const testLine = keyLine(counter, node, 'test', line);
  const startPeriodLine = keyLine(counter, node, 'start_period', line);
  const timing = {
    interval: duration(hc.interval),
    timeout: duration(hc.timeout),
    startPeriod: duration(hc.start_period),
    startInterval: duration(hc.start_interval),
    retries: typeof hc.retries === 'number' ? hc.retries : undefined,
  };
  const test = hc.test;
  let form: ComposeHealthcheck['form'];
  let argv: string[] | undefined;
  let none = false;
  if (typeof test === 'string') {
    form = 'shell';
    argv = ['/bin/sh', '-c', v(test)];
  } else if (Array.isArray(test) && test.length > 0) {
    const words = test.map((w) => v(String(w)));
    if (words[0] === 'NONE') none = true;
    else if (words[0] === 'CMD') [form, argv] = ['exec', words.slice(1)];
    else if (words[0] === 'CMD-SHELL') [form, argv] = ['shell', ['/bin/sh', '-c', words.slice(1).join(' ')]];
  }
  return { line, testLine, startPeriodLine, disabled: hc.disable === true || none, form, argv, ...timing };
}

function dependsOnOf(d: unknown, node: unknown, line: number, counter: LineCounter): ComposeDependency[] {
  if (Array.isArray(d)) return d.filter((x) => typeof x === 'string').map((service) => ({ service, condition: 'service_started', required: true, line }));
  if (d === null || typeof d !== 'object') return [];
  return Object.entries<any>(d).map(([service, spec]) => ({
    service,
    condition: typeof spec?.condition === 'string' ? spec.condition : 'service_started',
    required: spec?.required !== false,
    line: keyLine(counter, node, service, line),
  }));
}

/**
 * The services of one Compose file (every document of it). `rel` makes the file name reported; the folder's `.env`
 * is read for interpolation. A file that is not YAML, or has no `services:` map, gives none.
 */
export function readComposeFile(absFile: string, rel: (f: string) => string): ComposeService[] {
  let text: string;
  try {
    text = fs.readFileSync(absFile, 'utf8');
  } catch {
    return [];
  }
  const counter = new LineCounter();
  const env = dotEnv(path.dirname(absFile));
  const v = (x: string) => composeInterpolate(x, env);
  const out: ComposeService[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter: counter, merge: true }) as any[]) {
    if (!doc || doc.errors?.length > 0) continue;
    // Anchors and `<<:` merge keys resolved as Compose resolves them.
    const js = doc.toJS({ maxAliasCount: -1 });
    const services = js?.services;
    const servicesNode = isMap(doc.contents) ? (doc.contents as YAMLMap).get('services', true) : undefined;
    if (services === null || typeof services !== 'object' || Array.isArray(services)) continue;
    for (const [name, svc] of Object.entries<any>(services)) {
      if (svc === null || typeof svc !== 'object') continue;
      const svcNode = isMap(servicesNode) ? (servicesNode as YAMLMap).get(name, true) : undefined;
      const line = keyLine(counter, servicesNode, name, 1);
      const hcLine = keyLine(counter, svcNode, 'healthcheck', line);
      const hcNode = isMap(svcNode) ? (svcNode as YAMLMap).get('healthcheck', true) : undefined;
      const depLine = keyLine(counter, svcNode, 'depends_on', line);
      const depNode = isMap(svcNode) ? (svcNode as YAMLMap).get('depends_on', true) : undefined;
      out.push({
        file: rel(absFile),
        absFile,
        name,
        line,
        image: typeof svc.image === 'string' ? v(svc.image) : undefined,
        build: buildOf(svc.build, path.dirname(absFile), v),
        healthcheck: healthcheckOf(svc.healthcheck, hcNode, hcLine, counter, v),
        dependsOn: dependsOnOf(svc.depends_on, depNode, depLine, counter),
        extends: svc.extends !== undefined,
        run: composeRunOf(svc, v),
        labels: labelsOf(svc.labels, v),
      });
    }
  }
  return out;
}

function labelsOf(labels: unknown, v: (x: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(labels)) {
    for (const l of labels) {
      const t = v(String(l));
      const eq = t.indexOf('=');
      if (eq > 0) out[t.slice(0, eq)] = t.slice(eq + 1);
    }
  } else if (labels !== null && typeof labels === 'object') {
    for (const [k, x] of Object.entries(labels)) out[k] = x === null || x === undefined ? '' : v(String(x));
  }
  return out;
}

/** The run settings of service `name` of a Compose file (the last document that has it), or undefined. */
export function readComposeRun(absFile: string, name: string): ComposeRun | undefined {
  return readComposeFile(absFile, (f) => f).filter((s) => s.name === name).pop()?.run;
}

/** `build:` (a context string, or `context`, `dockerfile`, `target`): the Dockerfile when it exists here. */
function buildOf(build: unknown, dir: string, v: (x: string) => string): ComposeService['build'] {
  if (typeof build !== 'string' && (build === null || typeof build !== 'object')) return undefined;
  const b = build as any;
  const context = v(typeof build === 'string' ? build : typeof b.context === 'string' ? b.context : '.');
  const target = typeof b.target === 'string' ? v(b.target) : undefined;
  // A remote context (git URL) or an inline Dockerfile is not a file here.
  if (/^[a-z]+:\/\/|^git@|\$/.test(context) || typeof b.dockerfile_inline === 'string') return { target };
  const name = typeof b.dockerfile === 'string' ? v(b.dockerfile) : 'Dockerfile';
  const file = path.resolve(dir, context, name);
  return { dockerfile: fs.existsSync(file) && fs.statSync(file).isFile() ? file : undefined, target };
}
