// ComposeFile: the Compose file of several containers (its renderer is _render-compose.ts).
import { posix } from 'path';
import { IConstruct } from 'constructs';
import { Component, FileBase } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { checkService, checkServices, outputFile } from './_common';
import { ComposeOptionNames, composeOptionNames } from './_compose-names';
import { checkHostPorts } from './_compose-ports';
import { ComposeEntry, renderCompose } from './_render-compose';
import { childPath, pathOf } from '../_paths';
import { allowReplaceUnder, existingFile, offersReplaceExisting } from '../_user-file';
import { checkEnvName, checkKnownKeys, fail } from '../_validate';
import { safeYaml } from '../_yaml';
import { ContainerService } from '../service/container-service';

/** The names Compose reads without `-f`, in its order of preference: only the first found in a folder is read. */
const COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
/** The override names Compose reads after that file, from the same folder: again only the first found. */
const OVERRIDE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];
/** A Compose service name (the compose-spec's pattern). */
const SERVICE_NAME_RE = /^[a-zA-Z0-9._-]+$/;

/**
 * One `depends_on` edge: `service` starts once `dependsOn` is healthy.
 * @see https://docs.docker.com/reference/compose-file/services/#depends_on
 */
export interface ComposeDependency {
  /** The dependent container. */
  readonly service: ContainerService;
  /** The container it waits for (`condition: service_healthy`). */
  readonly dependsOn: ContainerService;
}

/**
 * What the Compose service of one container carries beyond the model: environment variables, and the extra
 * services (`extraServices`) it starts after.
 * @see https://docs.docker.com/reference/compose-file/services/#environment
 */
export interface ComposeServiceSettings {
  /** The container (listed in `services`). */
  readonly service: ContainerService;

  /**
   * Environment variables of its Compose service (`environment:`, a map), e.g. `{ DATABASE_URL: 'postgresql://db:5432/app' }`.
   * Names match `[A-Za-z_][A-Za-z0-9_]*`; values are literal strings: every `$` is written `$$`, so Compose
   * interpolates nothing (keep `${VAR}` settings in a Compose file of your own, see `filePath`).
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Names of `extraServices` this container starts after (`depends_on`): `condition: service_healthy` when that
   * service has a `healthcheck` (not `disable: true`), else `service_started`.
   * @default []
   */
  readonly dependsOn?: string[];
}

/**
 * Options of `ComposeFile`.
 * @see https://docs.docker.com/reference/compose-file/
 */
export interface ComposeFileOptions {
  /** The containers, one Compose service each (named by the container name), in this order. */
  readonly services: ContainerService[];

  /**
   * Project-relative path of the Compose file (`.yaml` or `.yml`). Compose reads, without `-f`, only the first of
   * `compose.yaml`, `compose.yml`, `docker-compose.yml`, `docker-compose.yaml` in a folder (and the first of
   * `compose.override.yml`, `compose.override.yaml`, `docker-compose.override.yml`, `docker-compose.override.yaml`
   * after it): a path of either list beside another file of the same list is an error at synth. Beside your own
   * `docker-compose.yml`, `compose.override.yaml` makes Compose merge this file into yours (a service of the same
   * name in both is merged: maps by key, `ports` and other lists appended); a name of its own
   * (`compose.containers.yaml`) is run with `docker compose -f compose.containers.yaml up`.
   * @default 'compose.yaml'
   * @see https://docs.docker.com/compose/how-tos/multiple-compose-files/merge/
   */
  readonly filePath?: string;

  /**
   * `depends_on` edges (`condition: service_healthy`); `addDependency` adds more. A container's proxy upstreams
   * (a frontend's `proxies`) are added by themselves.
   * @default []
   */
  readonly dependencies?: ComposeDependency[];

  /**
   * Publish each container's port on the host, on `127.0.0.1` only (`ports: [{ target, published, host_ip }]`).
   * Two containers with the same port are then an error at synth (naming both): Compose could not start both.
   * @default true
   */
  readonly publishPorts?: boolean;

  /**
   * Environment variables and `depends_on` on extra services, per container.
   * @default []
   */
  readonly serviceSettings?: ComposeServiceSettings[];

  /**
   * Services the model does not own (a database, a queue), by service name, as plain Compose data written after
   * the containers' services, e.g. `{ db: { image: 'postgres:16.4', healthcheck: { test: ['CMD', 'pg_isready'] } } }`.
   * Each needs an `image` or a `build`; its name matches `[a-zA-Z0-9._-]+` and is no container's name; a
   * `depends_on` in it names services of this file. Every `$` in a string value is written `$$` (literal).
   * @default {}
   * @see https://docs.docker.com/reference/compose-file/services/
   */
  readonly extraServices?: { [name: string]: any };

  /**
   * Let synthesis replace a file projen did not generate at `filePath`. Without it, an existing file with no
   * projen marker that is not in `.projen/files.json` stops synthesis with an error naming it.
   * @default false
   */
  readonly replaceExisting?: boolean;
}

/** Every key of `ComposeFileOptions`. */
const COMPOSE_FILE_OPTIONS_KEYS: Record<keyof ComposeFileOptions, true> = {
  services: true,
  filePath: true,
  dependencies: true,
  publishPorts: true,
  serviceSettings: true,
  extraServices: true,
  replaceExisting: true,
};

/** Every key of `ComposeDependency`. */
const COMPOSE_DEPENDENCY_KEYS: Record<keyof ComposeDependency, true> = { service: true, dependsOn: true };

/** Every key of `ComposeServiceSettings`. */
const COMPOSE_SERVICE_SETTINGS_KEYS: Record<keyof ComposeServiceSettings, true> = { service: true, environment: true, dependsOn: true };

/**
 * A Compose file for local work: each container as a service built from its directory's final stage
 * (`production` unless `stageName` says otherwise), with a `healthcheck` equal to the image's HEALTHCHECK (test, interval, timeout, start_period,
 * retries; start_interval when the container sets `dockerStartInterval`, as Compose refuses it on
 * engines before 25), the image's numeric `user`, `read_only` with a `tmpfs` at each writable path,
 * `cap_drop: [ALL]`, `no-new-privileges`, its environment (`serviceSettings`), and `depends_on` with
 * `condition: service_healthy` (the `dependencies`, and each proxy upstream of a frontend); then the
 * `extraServices`. A container with `noDockerHealthcheck` gets `healthcheck: { disable: true }` (its image has
 * `HEALTHCHECK NONE`); a proxy upstream edge to it is `condition: service_started` (nothing can report it healthy),
 * and a `dependencies` edge to it is an error. Every `$` is written `$$` (Compose interpolates `$NAME`). It needs Compose v2 (`docker compose`):
 * Compose 1.x (`docker-compose` 1.29, Debian's package) refuses `host_ip` in `ports`; the file's header says so.
 *
 * projen's `DockerCompose` has no `healthcheck` and only the short `depends_on` form, so the file is
 * written here (YAML through the `yaml` package).
 *
 * @throws Error `<path>.<field>: must be <constraint>; received <value>` for an invalid option, and at
 *   synth for a dependency on a container not in the file, on itself, on one with `noDockerHealthcheck`, or a cycle; a proxied container not in
 *   the file; a path Compose would read in place of another Compose file in the same folder
 * @see https://docs.docker.com/reference/compose-file/services/#healthcheck
 * @see https://docs.docker.com/reference/compose-file/services/#depends_on
 */
export class ComposeFile extends Component {
  /** The generated Compose file. */
  public readonly file: FileBase;
  private readonly services: ContainerService[];
  private readonly dependencies: ComposeDependency[] = [];
  private readonly publishPorts: boolean;
  private readonly names: ComposeOptionNames;
  private readonly generated: GeneratedFile;
  private readonly settings: Map<ContainerService, { environment?: Record<string, string>; dependsOn: string[] }>;
  private readonly extras: Record<string, Record<string, unknown>>;

  /**
   * Adds the Compose file of the given containers to the project.
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages
   * @param options the containers and the file's options
   * @throws Error `<id>.<field>: must be <constraint>; received <value>` for an invalid option
   */
  public constructor(scope: IConstruct, id: string, options: ComposeFileOptions) {
    // Before super(): a refused options object leaves nothing in the project.
    checkKnownKeys(childPath(scope, id), options, COMPOSE_FILE_OPTIONS_KEYS, 'ComposeFileOptions');
    super(scope, id);
    offersReplaceExisting(this);
    if (options?.replaceExisting) allowReplaceUnder(this);
    this.names = composeOptionNames(scope, pathOf(this));
    this.services = checkServices(this.at('services'), options?.services);
    this.publishPorts = options.publishPorts ?? true;
    this.extras = checkExtras(this.at('extraServices'), options.extraServices ?? {}, this.services);
    this.settings = checkSettings(this.at('serviceSettings'), options.serviceSettings ?? [], this.services, this.extras);
    (options.dependencies ?? []).forEach((d, i) => {
      checkKnownKeys(`${this.at('dependencies')}[${i}]`, d, COMPOSE_DEPENDENCY_KEYS, 'ComposeDependency');
      this.addDependency(d.service, d.dependsOn);
    });
    this.generated = outputFile(this, options.filePath, 'compose.yaml', ['.yaml', '.yml']);
    this.file = this.generated;
  }

  /**
   * Makes `service` start only once `dependsOn` is healthy (`depends_on: { <name>: { condition: service_healthy } }`).
   * Both must be listed in `services` (checked at synth).
   * @param service the dependent container
   * @param dependsOn the container it waits for
   * @throws Error `<path>.dependencies: must be ...` when either is not a ContainerService
   */
  public addDependency(service: ContainerService, dependsOn: ContainerService): void {
    checkService(`${this.at('dependencies')}.service`, service);
    checkService(`${this.at('dependencies')}.dependsOn`, dependsOn);
    this.dependencies.push({ service, dependsOn });
  }

  /** Checks the dependencies, the proxy upstreams and the file name, and renders the file. */
  public preSynthesize(): void {
    const names = this.services.map((s) => s.name);
    // Service name -> (service it waits for -> condition); a model service has a HEALTHCHECK unless noDockerHealthcheck.
    const edges = new Map<string, Map<string, string>>(names.map((n) => [n, new Map<string, string>()]));
    for (const d of this.dependencies) {
      for (const s of [d.service, d.dependsOn]) {
        if (!this.services.includes(s)) fail(this.at('dependencies'), `containers listed in ${this.names.services} (${names.join(', ')})`, s.name);
      }
      if (d.service === d.dependsOn) fail(this.at('dependencies'), 'an edge between two different containers', d.service.name);
      if (d.dependsOn._model.checkCommand === undefined) {
        fail(this.at('dependencies'), `an edge to a container with a Docker health check: ${d.dependsOn.name} has noDockerHealthcheck (Compose disables its healthcheck), so depends_on: condition: service_healthy would never be met; give ${d.dependsOn.name} a check Docker can run (checkTool or checkBinary) or drop the edge`, `${d.service.name} -> ${d.dependsOn.name}`);
      }
      edges.get(d.service.name)!.set(d.dependsOn.name, 'service_healthy');
    }
    for (const s of this.services) {
      for (const u of s._upstreams()) {
        if (!this.services.includes(u)) {
          fail(this.at('services'), `a list with every container a listed container proxies to: ${s.name} proxies to ${u.name}, which is not in this Compose file (its proxied routes would fail); add ${u.name} to ${this.names.services}${this.names.exclude ? ` (and not to ${this.names.exclude})` : ''}`, `${s.name} -> ${u.name}`);
        }
        const own = edges.get(s.name)!;
        // An upstream without a Docker check (noDockerHealthcheck) can only be waited for until it has started.
        if (!own.has(u.name)) own.set(u.name, u._model.checkCommand === undefined ? 'service_started' : 'service_healthy');
      }
    }
    for (const [s, settings] of this.settings) {
      for (const e of settings.dependsOn) edges.get(s.name)!.set(e, hasHealthcheck(this.extras[e]) ? 'service_healthy' : 'service_started');
    }
    const graph = new Map([...edges].map(([n, m]) => [n, [...m.keys()]]));
    for (const [n, spec] of Object.entries(this.extras)) graph.set(n, (dependsOnNames(spec.depends_on) ?? []).map(String));
    const cycle = findCycle(graph);
    if (cycle) fail(this.at('dependencies'), 'free of cycles (Compose cannot start any service of a cycle)', cycle.join(' -> '));
    if (this.publishPorts) checkHostPorts(this.names, this.services.map((s) => s._model));
    this.checkNotShadowing();
    const entries: ComposeEntry[] = this.services.map((s) => ({
      model: s._model,
      dependsOn: edges.get(s.name)!,
      environment: this.settings.get(s)?.environment,
    }));
    const text = safeYaml(renderCompose(this.generated.path, entries, this.publishPorts, this.extras));
    const header = headerLines(this.generated.path);
    this.generated.setContent((marker) => [...(marker ? [`# ${marker}`] : []), ...header].join('\n') + '\n\n' + text);
  }

  /** `<path>.<field>` in the terms of whoever made this file (ComposeFile's own option names, or ServiceOutputs'). */
  private at(field: Exclude<keyof ComposeOptionNames, 'path'>): string {
    return `${this.names.path}.${this.names[field]}`;
  }

  /**
   * Refuses a default Compose file name beside another file of the same list in that folder (a file projen does
   * not write this time, or another file of the project): Compose reads only the first, so one would hide the other.
   */
  private checkNotShadowing(): void {
    const file = this.generated.path;
    const dir = posix.dirname(file);
    const base = posix.basename(file);
    const list = COMPOSE_NAMES.includes(base) ? COMPOSE_NAMES : OVERRIDE_NAMES.includes(base) ? OVERRIDE_NAMES : undefined;
    if (list === undefined) return;
    const at = (n: string) => (dir === '.' ? n : `${dir}/${n}`);
    const present = (n: string) => {
      if (this.project.tryFindFile(at(n)) !== undefined) return true;
      const existing = existingFile(this.project, at(n));
      // A file projen wrote before and does not write now is removed at this synthesis.
      return existing !== undefined && !existing.generated;
    };
    const other = list.find((n) => n !== base && present(n));
    if (other === undefined) return;
    const override = OVERRIDE_NAMES.find(present);
    const fixes = [
      ...(list === COMPOSE_NAMES && override === undefined ? [`set ${this.names.filePath}: '${at('compose.override.yaml')}' to have Compose merge this file into ${other} (services of the same name are merged)`] : []),
      `a name of its own such as '${at('compose.containers.yaml')}' (docker compose -f ${at('compose.containers.yaml')} up)`,
    ];
    fail(
      this.at('filePath'),
      `a name Compose does not read in place of another file: ${at(other)} is in the same folder, and Compose reads only the first of ${list.join(', ')} there (docker compose up would run one without the other's services and environment); ${fixes.join(', or ')}`,
      file,
    );
  }
}

/** The header below the marker: the Compose version needed, and how an override file is read. */
function headerLines(file: string): string[] {
  const lines = ['# Needs Compose v2 (docker compose): Compose 1.x (docker-compose 1.29) refuses host_ip in ports.'];
  if (OVERRIDE_NAMES.includes(posix.basename(file))) {
    lines.push('# An override file: Compose reads it after the compose.yaml/docker-compose.yml beside it and merges the two (a service of the same name in both is merged).');
  }
  return lines;
}

/** True when an extra service declares a health check that is not disabled. */
function hasHealthcheck(spec: Record<string, unknown> | undefined): boolean {
  const hc = spec?.healthcheck;
  return hc !== null && typeof hc === 'object' && (hc as Record<string, unknown>).disable !== true;
}

/** The service names of a `depends_on` (short list or long map form; none when absent), or undefined for anything else. */
function dependsOnNames(deps: unknown): unknown[] | undefined {
  if (deps === undefined) return [];
  if (Array.isArray(deps)) return deps;
  if (deps !== null && typeof deps === 'object') return Object.keys(deps);
  return undefined;
}

/** Plain data only (what YAML can write back as given): strings, finite numbers, booleans, null, arrays and plain objects. */
function checkPlainData(path: string, value: unknown): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(path, 'a finite number', value);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkPlainData(`${path}[${i}]`, v));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) checkPlainData(`${path}.${k}`, v);
    return;
  }
  fail(path, 'plain data (strings, numbers, booleans, null, arrays, objects)', typeof value);
}

/** The extra services, checked: plain data with an image or a build, names free and valid, depends_on naming services of the file. */
function checkExtras(path: string, value: unknown, services: readonly ContainerService[]): Record<string, Record<string, unknown>> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, 'an object of Compose services by name', value);
  const own = services.map((s) => s.name);
  const all = [...own, ...Object.keys(value)];
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, spec] of Object.entries(value)) {
    const at = `${path}.${name}`;
    if (!SERVICE_NAME_RE.test(name)) fail(path, 'service names matching /^[a-zA-Z0-9._-]+$/', name);
    if (own.includes(name)) fail(path, `service names no container of this file has (${own.join(', ')})`, name);
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) fail(at, 'an object (a Compose service)', spec);
    checkPlainData(at, spec);
    const s = spec as Record<string, unknown>;
    if (s.image === undefined && s.build === undefined) fail(at, 'a service with an image or a build (Compose refuses one with neither)', Object.keys(s));
    const depNames = dependsOnNames(s.depends_on);
    if (depNames === undefined) fail(`${at}.depends_on`, 'a list or map of service names', s.depends_on);
    for (const d of depNames) if (typeof d !== 'string' || !all.includes(d) || d === name) fail(`${at}.depends_on`, `names of other services of this file (${all.filter((n) => n !== name).join(', ')})`, d);
    out[name] = s;
  }
  return out;
}

/** The per-container settings, checked: containers of the file (each once), environment names and string values, extra services' names. */
function checkSettings(
  path: string,
  value: unknown,
  services: readonly ContainerService[],
  extras: Record<string, unknown>,
): Map<ContainerService, { environment?: Record<string, string>; dependsOn: string[] }> {
  if (!Array.isArray(value)) fail(path, 'an array of ComposeServiceSettings', value);
  const out = new Map<ContainerService, { environment?: Record<string, string>; dependsOn: string[] }>();
  value.forEach((s: ComposeServiceSettings, i) => {
    checkKnownKeys(`${path}[${i}]`, s, COMPOSE_SERVICE_SETTINGS_KEYS, 'ComposeServiceSettings');
    const at = `${path}[${i}]`;
    if (s === null || typeof s !== 'object') fail(at, 'a ComposeServiceSettings object', s);
    checkService(`${at}.service`, s.service);
    if (!services.includes(s.service)) fail(`${at}.service`, `a container listed in services (${services.map((x) => x.name).join(', ')})`, s.service.name);
    if (out.has(s.service)) fail(`${at}.service`, 'a container no other entry has settings for', s.service.name);
    let environment: Record<string, string> | undefined;
    if (s.environment !== undefined) {
      if (s.environment === null || typeof s.environment !== 'object' || Array.isArray(s.environment)) fail(`${at}.environment`, 'an object of variable names to string values', s.environment);
      environment = {};
      for (const [k, v] of Object.entries(s.environment)) {
        checkEnvName(`${at}.environment`, k);
        if (typeof v !== 'string') fail(`${at}.environment.${k}`, "a string (write a number as '8000')", v);
        environment[k] = v;
      }
    }
    const dependsOn = s.dependsOn ?? [];
    if (!Array.isArray(dependsOn)) fail(`${at}.dependsOn`, 'an array of extra service names', dependsOn);
    for (const d of dependsOn) if (typeof d !== 'string' || !(d in extras)) fail(`${at}.dependsOn`, `names of extraServices (${Object.keys(extras).join(', ') || 'none given'})`, d);
    out.set(s.service, { environment, dependsOn: [...dependsOn] });
  });
  return out;
}

/** A dependency cycle as a list of names (first repeated at the end), or undefined. */
function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of edges.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}
