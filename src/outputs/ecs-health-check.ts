// EcsHealthCheck: the Amazon ECS container health check of one container, from its model (a JSON fragment and typed props).
import { IConstruct } from 'constructs';
import { Component, FileBase } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { childPath, pathOf } from '../_paths';
import { checkKnownKeys, fail } from '../_validate';
import { checkService, outputFile } from './_common';
import { ServiceModel } from '../service/_model';
import { rendered } from '../service/_rendered';
import { ContainerService } from '../service/container-service';

/**
 * The ECS health check of a container, in the shape of an ECS task definition's
 * `containerDefinitions[].healthCheck` (times in whole seconds). For aws-cdk, pass the values to
 * `ecs.HealthCheck` (this library does not depend on aws-cdk-lib):
 *
 * ```ts
 * const hc = EcsHealthCheck.of(backend);
 * taskDefinition.addContainer('backend', { image, healthCheck: {
 *   command: hc.command,
 *   interval: Duration.seconds(hc.interval),
 *   timeout: Duration.seconds(hc.timeout),
 *   retries: hc.retries,
 *   startPeriod: Duration.seconds(hc.startPeriod),
 * } });
 * ```
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ecs.HealthCheck.html
 */
export interface EcsHealthCheckProps {
  /**
   * `["CMD", ...argv]`: the exec-form command of the image's `HEALTHCHECK` (the same tool, present in the image).
   * ECS ignores the image's `HEALTHCHECK`, so the task definition must carry it; `CMD` first keeps aws-cdk
   * from wrapping it in `CMD-SHELL`.
   */
  readonly command: string[];
  /** Seconds between checks (`--interval`): 5-300. */
  readonly interval: number;
  /** Seconds a check may take (`--timeout`): 2-120. */
  readonly timeout: number;
  /** Consecutive failures before the container is unhealthy (`--retries`): 1-10. */
  readonly retries: number;
  /** Seconds of grace at start in which failures do not count (`--start-period`): 0-300. */
  readonly startPeriod: number;
}

/**
 * An ECS container definition's `systemControls[]` entry: a namespaced kernel parameter (`docker run --sysctl`).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_SystemControl.html
 */
export interface EcsSystemControl {
  /** The sysctl's name, e.g. `net.ipv4.ip_unprivileged_port_start`. */
  readonly namespace: string;
  /** Its value, a string (e.g. `"80"`). */
  readonly value: string;
}

/**
 * Options of `EcsHealthCheck`.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_healthcheck
 */
export interface EcsHealthCheckOptions {
  /** The container whose health check the fragment carries. */
  readonly service: ContainerService;

  /**
   * Project-relative path of the JSON fragment (`.json`).
   * @default 'ecs/<name>.health-check.json'
   */
  readonly filePath?: string;
}

/** ECS's limits of each field, in seconds (retries: a count), and the model field each comes from. */
const LIMITS: ReadonlyArray<readonly [Exclude<keyof EcsHealthCheckProps, 'command'>, number, number, string]> = [
  ['interval', 5, 300, 'timing.interval'],
  ['timeout', 2, 120, 'timing.timeout'],
  ['retries', 1, 10, 'timing.retries'],
  ['startPeriod', 0, 300, 'timing.startPeriod'],
];

/**
 * The ECS health check of a model: the Docker HEALTHCHECK command and timing, checked against ECS's limits.
 * @throws Error `<container path>.timing.<field>: must be <min>-<max> ... for an ECS health check; received <value>`
 */
function renderEcsHealthCheck(m: ServiceModel): EcsHealthCheckProps {
  const t = m.timing;
  if (m.checkCommand === undefined) {
    fail(`${m.path}.noDockerHealthcheck`, 'false for an ECS health check (ECS runs a command in the container, and this image has none: only the kubelet\'s probes check it); give the container a check Docker can run (checkTool or checkBinary)', true);
  }
  const hc: EcsHealthCheckProps = {
    command: ['CMD', ...m.checkCommand],
    interval: t.intervalSeconds,
    timeout: t.timeoutSeconds,
    retries: t.retries,
    startPeriod: t.startPeriodSeconds,
  };
  for (const [field, min, max, source] of LIMITS) {
    const value = hc[field];
    const unit = field === 'retries' ? '' : ' seconds';
    if (value < min || value > max) {
      fail(`${m.path}.${source}`, `${min}-${max}${unit} for an ECS health check (ECS's limit of healthCheck.${field})`, value);
    }
  }
  return hc;
}

/**
 * The container definition's `systemControls` of a model: the pod sysctls of its Kubernetes fragment
 * (`net.ipv4.ip_unprivileged_port_start` at the lowest port with `lowPortSysctl`), else none.
 */
function renderEcsSystemControls(m: ServiceModel): EcsSystemControl[] {
  return rendered(m).kubernetes.sysctls.map((s) => ({ namespace: s.name, value: s.value }));
}

/** Every key of `EcsHealthCheckOptions`. */
const ECS_HEALTH_CHECK_OPTIONS_KEYS: Record<keyof EcsHealthCheckOptions, true> = { service: true, filePath: true };

/**
 * The Amazon ECS health check of one container, written as a JSON fragment of a task definition's container
 * definition (`{ "healthCheck": { "command": ["CMD", ...], "interval", "timeout", "retries", "startPeriod" } }`,
 * times in seconds), from the same model as its Dockerfile `HEALTHCHECK`: ECS ignores the image's
 * `HEALTHCHECK` and runs this command in the container, so it uses the same tool. The props are also
 * available as typed data (`props`, `EcsHealthCheck.of`) for aws-cdk's `ecs.HealthCheck`.
 *
 * ECS's limits apply: interval 5-300 s, timeout 2-120 s, retries 1-10, start period 0-300 s. The start
 * interval has no ECS counterpart and is not written.
 *
 * A container with `lowPortSysctl` (a port below 1024) also gets the fragment's `"systemControls":
 * [{ "namespace": "net.ipv4.ip_unprivileged_port_start", "value": "<lowest port>" }]`, so the non-root process can
 * bind it: ECS supports it on EC2 and on Fargate platform 1.4.0+ (Linux), not with the `host` network mode; with
 * `awsvpc` it applies to every container of the task.
 *
 * @throws Error `<container path>.timing.<field>: must be <min>-<max> seconds for an ECS health check ...` for a
 *   value outside ECS's limits, `<container path>.noDockerHealthcheck: must be false ...` for a container without a
 *   Docker check, and `<path>.<field>: must be <constraint>; received <value>` for an invalid option
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_healthcheck
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_SystemControl.html
 */
export class EcsHealthCheck extends Component {
  /**
   * The ECS health check of `service` as typed data, checked against ECS's limits.
   * @param service a container service (e.g. a FastApiBackend)
   * @throws Error `EcsHealthCheck.service: must be a ContainerService ...` for anything else, and the limit errors of the class
   */
  public static of(service: ContainerService): EcsHealthCheckProps {
    checkService('EcsHealthCheck.service', service);
    const hc = renderEcsHealthCheck(service._model);
    return { ...hc, command: [...hc.command] };
  }

  /** The generated JSON fragment. */
  public readonly file: FileBase;
  /** The health check, as written to the file. */
  public readonly props: EcsHealthCheckProps;
  /**
   * The container definition's `systemControls`, as written to the file: `net.ipv4.ip_unprivileged_port_start` with
   * `lowPortSysctl` (the value is the lowest port, a string, e.g. `"80"`); empty (and not written) without it.
   * @default - empty: every port is from 1024
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_SystemControl.html
   */
  public readonly systemControls: EcsSystemControl[];

  /**
   * Adds the ECS health-check fragment of one container to the project.
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages
   * @param options the container and the file's options
   * @throws Error as the class
   */
  public constructor(scope: IConstruct, id: string, options: EcsHealthCheckOptions) {
    // Before super(): a refused options object leaves nothing in the project.
    checkKnownKeys(childPath(scope, id), options, ECS_HEALTH_CHECK_OPTIONS_KEYS, 'EcsHealthCheckOptions');
    super(scope, id);
    const service = checkService(`${pathOf(this)}.service`, options?.service);
    this.props = renderEcsHealthCheck(service._model);
    this.systemControls = renderEcsSystemControls(service._model);
    const file: GeneratedFile = outputFile(this, options.filePath, `ecs/${service.name}.health-check.json`, ['.json']);
    const sc = this.systemControls.length === 0 ? {} : { systemControls: this.systemControls };
    const text = JSON.stringify({ healthCheck: this.props, ...sc }, undefined, 2);
    file.setContent((marker) => (marker ? text.replace(/^\{/, `{\n  "//": ${JSON.stringify(marker)},`) : text) + '\n');
    this.file = file;
  }
}
