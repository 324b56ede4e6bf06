// ComposeFile: the Compose file of several containers (its renderer is _render-compose.ts).
import { IConstruct } from 'constructs';
import { Component, FileBase } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { checkService, checkServices, outputFile, setYaml } from './_common';
import { checkHostPorts } from './_compose-ports';
import { ComposeEntry, renderCompose } from './_render-compose';
import { pathOf } from '../_paths';
import { fail } from '../_validate';
import { ContainerService } from '../service/container-service';

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
 * Options of `ComposeFile`.
 * @see https://docs.docker.com/reference/compose-file/
 */
export interface ComposeFileOptions {
  /** The containers, one Compose service each (named by the container name), in this order. */
  readonly services: ContainerService[];

  /**
   * Project-relative path of the Compose file (`.yaml` or `.yml`).
   * @default 'compose.yaml'
   */
  readonly filePath?: string;

  /**
   * `depends_on` edges (`condition: service_healthy`); `addDependency` adds more.
   * @default []
   */
  readonly dependencies?: ComposeDependency[];

  /**
   * Publish each container's port on the host, on `127.0.0.1` only (`ports: [{ target, published, host_ip }]`).
   * Two containers with the same port are then an error at synth (naming both): Compose could not start both.
   * @default true
   */
  readonly publishPorts?: boolean;
}

/**
 * A Compose file for local work: each container as a service built from its directory's final stage
 * (`production` unless `stageName` says otherwise), with a `healthcheck` equal to the image's HEALTHCHECK (test, interval, timeout, start_period,
 * retries; start_interval when the container sets `dockerStartInterval`, as Compose refuses it on
 * engines before 25), the image's numeric `user`, `read_only` with a `tmpfs` at each writable path,
 * `cap_drop: [ALL]`, `no-new-privileges`, and `depends_on` with `condition: service_healthy`.
 * Every `$` is written `$$` (Compose interpolates `$NAME`).
 *
 * projen's `DockerCompose` has no `healthcheck` and only the short `depends_on` form, so the file is
 * written here (YAML through the `yaml` package).
 *
 * @throws Error `<path>.<field>: must be <constraint>; received <value>` for an invalid option, and at
 *   synth for a dependency on a container not in the file, on itself, or a cycle
 * @see https://docs.docker.com/reference/compose-file/services/#healthcheck
 * @see https://docs.docker.com/reference/compose-file/services/#depends_on
 */
export class ComposeFile extends Component {
  /** The generated Compose file. */
  public readonly file: FileBase;
  private readonly services: ContainerService[];
  private readonly dependencies: ComposeDependency[] = [];
  private readonly publishPorts: boolean;
  private readonly path: string;
  private readonly generated: GeneratedFile;

  /**
   * Adds the Compose file of the given containers to the project.
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages
   * @param options the containers and the file's options
   * @throws Error `<id>.<field>: must be <constraint>; received <value>` for an invalid option
   */
  public constructor(scope: IConstruct, id: string, options: ComposeFileOptions) {
    super(scope, id);
    this.path = pathOf(this);
    this.services = checkServices(`${this.path}.services`, options?.services);
    this.publishPorts = options.publishPorts ?? true;
    for (const d of options.dependencies ?? []) this.addDependency(d.service, d.dependsOn);
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
    checkService(`${this.path}.dependencies.service`, service);
    checkService(`${this.path}.dependencies.dependsOn`, dependsOn);
    this.dependencies.push({ service, dependsOn });
  }

  /** Checks the dependencies and renders the file. */
  public preSynthesize(): void {
    const names = this.services.map((s) => s.name);
    const edges = new Map<string, string[]>(names.map((n) => [n, []]));
    for (const d of this.dependencies) {
      for (const s of [d.service, d.dependsOn]) {
        if (!this.services.includes(s)) fail(`${this.path}.dependencies`, `containers listed in services (${names.join(', ')})`, s.name);
      }
      if (d.service === d.dependsOn) fail(`${this.path}.dependencies`, 'an edge between two different containers', d.service.name);
      const list = edges.get(d.service.name)!;
      if (!list.includes(d.dependsOn.name)) list.push(d.dependsOn.name);
    }
    const cycle = findCycle(edges);
    if (cycle) fail(`${this.path}.dependencies`, 'free of cycles (Compose cannot start any service of a cycle)', cycle.join(' -> '));
    if (this.publishPorts) checkHostPorts(this.path, this.services.map((s) => s._model));
    const entries: ComposeEntry[] = this.services.map((s) => ({ model: s._model, dependsOn: [...edges.get(s.name)!].sort() }));
    setYaml(this.generated, renderCompose(this.generated.path, entries, this.publishPorts));
  }
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
