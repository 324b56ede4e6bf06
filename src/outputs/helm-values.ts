// HelmValues: a Helm values fragment of one container (its renderer is _render-k8s.ts).
import { IConstruct } from 'constructs';
import { Component, FileBase } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { checkKnownKeys } from '../_validate';
import { checkService, outputFile, setYaml } from './_common';
import { renderHelmValues } from './_render-k8s';
import { childPath, pathOf } from '../_paths';
import { ContainerService } from '../service/container-service';

/**
 * Options of `HelmValues`.
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 */
export interface HelmValuesOptions {
  /** The container whose settings the fragment carries. */
  readonly service: ContainerService;

  /**
   * Project-relative path of the values fragment (`.yaml` or `.yml`).
   * @default 'helm/<name>.values.yaml'
   */
  readonly filePath?: string;
}

/** Every key of `HelmValuesOptions`. */
const HELM_VALUES_OPTIONS_KEYS: Record<keyof HelmValuesOptions, true> = { service: true, filePath: true };

/**
 * A Helm values fragment in the layout of the chart `helm create` writes: `service.port`,
 * `securityContext`, `livenessProbe`, `readinessProbe`, `volumes`, `volumeMounts`, and `startupProbe`
 * (add the `{{- with .Values.startupProbe }}` block docs/outputs/helm.md shows to the chart's deployment template
 * beside the other probes), plus `containerPort` and `portName` for charts that template them, and the pod's
 * `terminationGracePeriodSeconds` at the top level when `shutdownGracePeriod` + 5 s is more than Kubernetes' default
 * of 30 s (add the `{{- with .Values.terminationGracePeriodSeconds }}` block docs/outputs/helm.md shows above the
 * template's `containers:`; at 30 s or less nothing is written, so a chart's own value is kept). The volumes are named
 * `<name>-<path>` (`backend-tmp`), as in the snippet. The probes refer
 * to the port by name (`http` by default, the name `helm create`'s template gives its container port). Pass it
 * with `helm install -f <file>` (copied into the chart's values.yaml, delete its `httpGet: null` lines: Helm
 * renders a null the chart's own values hold).
 *
 * Helm deep-merges `-f` values into the chart's defaults, and `helm create`'s are `httpGet` liveness and readiness
 * probes, so the fragment deletes what it replaces with `null` (Helm removes a key whose override is null): a gRPC,
 * exec or TCP liveness or readiness probe carries `httpGet: null` (else the default `httpGet` stays beside it and
 * the Pod is refused: `may not specify more than 1 handler type`), a worker writes `readinessProbe: null` (else the
 * default probe on port `http` keeps it from ever being Ready), and a model without a startupProbe writes
 * `startupProbe: null`.
 *
 * @throws Error `<path>.<field>: must be <constraint>; received <value>` for an invalid option
 * @see https://helm.sh/docs/helm/helm_create/
 * @see https://helm.sh/docs/chart_template_guide/values_files/
 * @see https://helm.sh/docs/chart_template_guide/values_files/#deleting-a-default-key
 */
export class HelmValues extends Component {
  /** The generated values fragment. */
  public readonly file: FileBase;
  private readonly service: ContainerService;
  private readonly generated: GeneratedFile;

  /**
   * Adds the Helm values fragment of one container to the project.
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages
   * @param options the container and the file's options
   * @throws Error `<id>.<field>: must be <constraint>; received <value>` for an invalid option
   */
  public constructor(scope: IConstruct, id: string, options: HelmValuesOptions) {
    // Before super(): a refused options object leaves nothing in the project.
    checkKnownKeys(childPath(scope, id), options, HELM_VALUES_OPTIONS_KEYS, 'HelmValuesOptions');
    super(scope, id);
    const path = pathOf(this);
    this.service = checkService(`${path}.service`, options?.service);
    this.generated = outputFile(this, options.filePath, `helm/${this.service.name}.values.yaml`, ['.yaml', '.yml']);
    this.file = this.generated;
  }

  /** Renders the values fragment. */
  public preSynthesize(): void {
    setYaml(this.generated, renderHelmValues(this.service._model));
  }
}
