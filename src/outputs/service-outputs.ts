// ServiceOutputs: every multi-container output (Compose, kustomize, Helm, report) switched on in one construct.
import { IConstruct } from 'constructs';
import { Component } from 'projen';
import { checkService, checkServices } from './_common';
import { nameComposeOptions } from './_compose-names';
import { checkFilePath, childPath, pathOf } from '../_paths';
import { allowReplaceUnder, offersReplaceExisting } from '../_user-file';
import { checkKnownKeys, checkRelativePath, fail } from '../_validate';
import { AlignmentReport } from './alignment-report';
import { ComposeDependency, ComposeFile, ComposeServiceSettings } from './compose-file';
import { HelmValues } from './helm-values';
import { KustomizePatch } from './kustomize-patch';
import { ContainerService } from '../service/container-service';

/**
 * Options of `ServiceOutputs`. Every output is on by default; each file path is its construct's default.
 * @see https://docs.docker.com/reference/compose-file/services/#healthcheck
 */
export interface ServiceOutputsOptions {
  /**
   * The containers. A container service of the project left out of this list and not in `exclude` is a warning at
   * synth (it would silently miss Compose, Helm, the patches and the report).
   * @default - every ContainerService of the project that exists when ServiceOutputs is created, minus `exclude`
   */
  readonly services?: ContainerService[];

  /**
   * Container services left out on purpose (no warning for them).
   * @default []
   */
  readonly exclude?: ContainerService[];

  /**
   * Write the Compose file, `compose.yaml` unless `composeFilePath` says otherwise (see `ComposeFile`).
   * @default true
   */
  readonly compose?: boolean;

  /**
   * Project-relative path of the Compose file (`ComposeFile`'s `filePath`). Beside your own `docker-compose.yml`,
   * `compose.yaml` is an error at synth (Compose would read it instead of yours): use `compose.override.yaml` to
   * have Compose merge it into yours, or a name of its own run with `docker compose -f`.
   * @default 'compose.yaml'
   */
  readonly composeFilePath?: string;

  /**
   * `depends_on` edges of the Compose file (`condition: service_healthy`); proxy upstreams are added by themselves.
   * @default []
   */
  readonly composeDependencies?: ComposeDependency[];

  /**
   * Publish each container's port on `127.0.0.1` in the Compose file (`ComposeFile`'s `publishPorts`).
   * @default true
   */
  readonly composePublishPorts?: boolean;

  /**
   * Environment variables and `depends_on` on extra services, per container (`ComposeFile`'s `serviceSettings`).
   * @default []
   */
  readonly composeServiceSettings?: ComposeServiceSettings[];

  /**
   * Services the model does not own (a database, a queue) as plain Compose data (`ComposeFile`'s `extraServices`).
   * @default {}
   */
  readonly composeExtraServices?: { [name: string]: any };

  /**
   * Write a kustomize strategic-merge patch per container, `<kustomizeDirectory>/<name>.yaml`, and its guard
   * `<name>.replacements.yaml` (see `KustomizePatch`).
   * @default true
   */
  readonly kustomize?: boolean;

  /**
   * Project-relative folder of the kustomize patches (no `..`, `.git`, `.projen` or `node_modules` segment, no
   * trailing `/`). kustomize loads a patch only from the folder of its kustomization.yaml or below (its load
   * restrictor): give the overlay's folder, e.g. `deploy/overlays/prod/patches`.
   * @default 'k8s/patches'
   */
  readonly kustomizeDirectory?: string;

  /**
   * The patch folder of single containers, by container name (each a folder as in `kustomizeDirectory`), for
   * containers whose Deployments are patched from different overlays. A name of no listed container is an error.
   * @default - every patch in `kustomizeDirectory`
   */
  readonly kustomizeDirectories?: { [container: string]: string };

  /**
   * Write a Helm values fragment per container, `helm/<name>.values.yaml` (see `HelmValues`).
   * @default true
   */
  readonly helm?: boolean;

  /**
   * Write the alignment report, `docs/health-alignment.md` (see `AlignmentReport`).
   * @default true
   */
  readonly report?: boolean;

  /**
   * Let synthesis replace files projen did not generate at these outputs' paths. Without it, an existing file with
   * no projen marker that is not in `.projen/files.json` (a hand-written `compose.yaml`) stops synthesis with an
   * error naming it, and nothing is written.
   * @default false
   */
  readonly replaceExisting?: boolean;
}

/** Every key of `ServiceOutputsOptions`. */
const SERVICE_OUTPUTS_OPTIONS_KEYS: Record<keyof ServiceOutputsOptions, true> = {
  services: true,
  exclude: true,
  compose: true,
  composeFilePath: true,
  composeDependencies: true,
  composePublishPorts: true,
  composeServiceSettings: true,
  composeExtraServices: true,
  kustomize: true,
  kustomizeDirectory: true,
  kustomizeDirectories: true,
  helm: true,
  report: true,
  replaceExisting: true,
};

/**
 * Every other place a health setting lives, from the containers' one model: a Compose file, a kustomize
 * patch and a Helm values fragment per container, and the alignment report. Each is on by default and
 * can be switched off; for other paths or options use `ComposeFile`, `KustomizePatch`, `HelmValues` and
 * `AlignmentReport` directly. For cdk8s, see `KubernetesProbes.of`.
 *
 * @throws Error `<path>.services: must be a non-empty array of ContainerService ...` for invalid services
 * @see https://docs.docker.com/reference/compose-file/services/#healthcheck
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export class ServiceOutputs extends Component {
  /** The Compose file. @default - none when `compose` is false */
  public readonly compose?: ComposeFile;
  /** The kustomize patches, one per container (empty when `kustomize` is false). */
  public readonly kustomizePatches: KustomizePatch[];
  /** The Helm values fragments, one per container (empty when `helm` is false). */
  public readonly helmValues: HelmValues[];
  /** The alignment report. @default - none when `report` is false */
  public readonly report?: AlignmentReport;

  private readonly services: ContainerService[];
  private readonly exclude: ContainerService[];
  private readonly allServices: () => ContainerService[];

  /**
   * Adds every output spanning the given containers (each optional, on by default).
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages
   * @param options the containers and which outputs to write
   * @throws Error `<id>.<field>: must be <constraint>; received <value>` for an invalid option
   */
  public constructor(scope: IConstruct, id: string, options: ServiceOutputsOptions = {}) {
    // Before super(): a refused options object leaves nothing in the project.
    checkKnownKeys(childPath(scope, id), options, SERVICE_OUTPUTS_OPTIONS_KEYS, 'ServiceOutputsOptions');
    super(scope, id);
    offersReplaceExisting(this);
    if (options?.replaceExisting) allowReplaceUnder(this);
    const path = pathOf(this);
    const exclude = [...(options?.exclude ?? [])];
    exclude.forEach((s, i) => checkService(`${path}.exclude[${i}]`, s));
    const all = () => this.project.components.filter((c): c is ContainerService => c instanceof ContainerService);
    const services = checkServices(`${path}.services`, options?.services ?? all().filter((s) => !exclude.includes(s)));
    for (const s of services) {
      if (exclude.includes(s)) fail(`${path}.exclude`, 'containers not also listed in services', s.name);
    }
    this.services = services;
    this.exclude = exclude;
    this.allServices = all;
    if (options.compose ?? true) {
      if (options.composeFilePath !== undefined) checkFilePath(`${path}.composeFilePath`, options.composeFilePath, ['.yaml', '.yml']);
      // The Compose file's errors name these options (and `services`), not ComposeFile's.
      nameComposeOptions(this, {
        path,
        services: 'services',
        filePath: 'composeFilePath',
        publishPorts: 'composePublishPorts',
        dependencies: 'composeDependencies',
        serviceSettings: 'composeServiceSettings',
        extraServices: 'composeExtraServices',
        exclude: 'exclude',
      });
      this.compose = new ComposeFile(this, 'compose', {
        services,
        filePath: options.composeFilePath,
        dependencies: options.composeDependencies,
        publishPorts: options.composePublishPorts,
        serviceSettings: options.composeServiceSettings,
        extraServices: options.composeExtraServices,
      });
    }
    const patchDir = checkRelativePath(`${path}.kustomizeDirectory`, options.kustomizeDirectory ?? 'k8s/patches');
    const dirs = options.kustomizeDirectories ?? {};
    if (typeof dirs !== 'object' || dirs === null || Array.isArray(dirs)) fail(`${path}.kustomizeDirectories`, 'an object of folders by container name', dirs);
    for (const [name, dir] of Object.entries(dirs)) {
      if (!services.some((s) => s.name === name)) {
        fail(`${path}.kustomizeDirectories`, `container names of the listed services (${services.map((s) => s.name).join(', ')})`, name);
      }
      checkRelativePath(`${path}.kustomizeDirectories.${name}`, dir);
    }
    this.kustomizePatches = (options.kustomize ?? true)
      ? services.map((s) => new KustomizePatch(this, `kustomize-${s.name}`, { service: s, filePath: `${dirs[s.name] ?? patchDir}/${s.name}.yaml` }))
      : [];
    this.helmValues = (options.helm ?? true) ? services.map((s) => new HelmValues(this, `helm-${s.name}`, { service: s })) : [];
    if (options.report ?? true) this.report = new AlignmentReport(this, 'report', { services });
  }

  /** Warns about container services of the project that are neither covered nor excluded. */
  public preSynthesize(): void {
    const path = pathOf(this);
    for (const s of this.allServices()) {
      if (!this.services.includes(s) && !this.exclude.includes(s)) {
        const proxiers = this.services.filter((x) => x._upstreams().includes(s)).map((x) => x.name);
        const proxied = proxiers.length === 0 ? '' : ` though ${proxiers.join(' and ')} ${proxiers.length === 1 ? 'proxies' : 'proxy'} to it (its Kubernetes Service and Deployment are yours to write then)`;
        this.project.logger.warn(`${path}.services: container ${s.name} is not covered (no Compose service, Helm values, kustomize patch or report section)${proxied}; list it in services, or in exclude to leave it out on purpose`);
      }
    }
  }
}
