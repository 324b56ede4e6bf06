// ContainerService: the general container construct; its model, files and final stage live in the internal modules beside it.
import { IConstruct } from 'constructs';
import { Component, FileBase, Project } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { childPath, pathOf } from '../_paths';
import { allowReplaceUnder, offersReplaceExisting } from '../_user-file';
import { checkKnownKeys, fail } from '../_validate';
import { addServiceDockerignore, addServiceFiles, emptyContextWarning, renderSnippet, undeclareService } from './_files';
import { ContainerDockerfile, containerStages } from './_final-stage';
import { containerDefaults, resolveService, ServiceModel, serviceWarnings } from './_model';
import { CONTAINER_SERVICE_PROPS_KEYS } from './_option-keys';
import { ContainerServiceProps } from './container-service-props';
import { Dockerfile } from '../dockerfile/dockerfile';
import { DockerfileStage } from '../dockerfile/dockerfile-stage';
import { Instruction } from '../dockerfile/instruction';

/**
 * A container built from one model, on any base image: your own build stages and instructions, plus
 * everything the model guarantees in the final stage (OCI labels, the check tool installed or verified
 * present, a numeric non-root `USER`, `EXPOSE`, an exec-form `HEALTHCHECK`) and the matching Kubernetes
 * probe snippet. The presets (`FastApiBackend`, `StaticFrontend`, `NodeService`, `GoService`) are container
 * services; outputs spanning containers take this type.
 *
 * Writes `<directory>/Dockerfile`, `<directory>/.dockerignore` (unless disabled) and the Kubernetes snippet
 * (`k8s/<name>.yaml` by default).
 *
 * Defaults of the shared options when used directly: name = the construct id, port 8080, health check
 * HTTP GET `/healthz`, readiness check HTTP GET `/readyz` (with `noPort`: no port, no default health check, no
 * readinessProbe unless given), start period 10 s, start interval 2 s, user
 * appuser:appuser 1000:1000 (or the base image's own account), labels title = the name, description
 * `<name> service`; check tool (from the cost figures in docs/performance.md): an HTTP client the final stage has
 * (installed by `systemPackages`, BusyBox wget on Alpine, or one `addedTools` declares), else wget installed (Debian),
 * else the runtime the image has (node, python3).
 *
 * @throws Error `<path>.<field>: must be <constraint>; received <value>` for any invalid option
 * @see https://docs.docker.com/reference/dockerfile/#healthcheck
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export class ContainerService extends Component {
  /** The container name (an RFC 1123 DNS label), as in the Kubernetes snippet. */
  public readonly name: string;
  /** The port the container serves on (1024-65535); its other ports are `additionalPorts`. @default - none for a service without a port (`noPort`) */
  public readonly port?: number;
  /** The generated Dockerfile. */
  public readonly dockerfile: Dockerfile;
  /** The generated Kubernetes snippet (a PodSpec fragment). */
  public readonly kubernetesSnippet: FileBase;
  /** The uid the container runs as. */
  public readonly uid: number;
  /** The gid the container runs as. */
  public readonly gid: number;

  /**
   * The validated model every output of this container is rendered from.
   * @internal
   */
  public readonly _model: ServiceModel;

  private readonly probes: GeneratedFile;
  private readonly buildStages: DockerfileStage[] = [];
  private readonly body: Instruction[] = [];

  /**
   * Adds the container: its Dockerfile, .dockerignore and Kubernetes snippet.
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages (and as the default name)
   * @param props the model: the base image and what runs (command, entrypoint or baseImageCommand) are required, everything else has a default
   * @throws Error `<path>.<field>: must be <constraint>; received <value>` for an invalid option, and
   * `<path>.<key>: must be an option of ContainerServiceProps (did you mean <key>?)` for an unknown key. After an error
   * the construct is not part of the project: a caught error leaves nothing for synthesis
   */
  public constructor(scope: IConstruct, id: string, props: ContainerServiceProps) {
    // The model is validated before the construct joins the project, so a caught error leaves nothing behind.
    const path = childPath(scope, id);
    if (props === null || typeof props !== 'object') fail(path, 'an object (ContainerServiceProps)', props);
    // A preset checks its own options (a superset) before it calls this constructor.
    if (new.target === ContainerService) checkKnownKeys(path, props, CONTAINER_SERVICE_PROPS_KEYS, 'ContainerServiceProps');
    const model = resolveService(path, props, containerDefaults(id, props.name, props.noPort, Project.of(scope)));
    super(scope, id);
    this._model = model;
    this.name = model.name;
    this.port = model.listen.kind === 'port' ? model.listen.port : undefined;
    this.uid = model.user.uid;
    this.gid = model.user.gid;
    try {
      for (const s of props.buildStages ?? []) this.addBuildStage(s);
      this.addInstruction(...(props.instructions ?? []));

      offersReplaceExisting(this);
      if (props.replaceExisting) allowReplaceUnder(this);
      this.probes = addServiceFiles(this, model);
      this.dockerfile = new ContainerDockerfile(this, model.dockerfilePath, () => containerStages(model, this.buildStages, this.body));
      for (const a of props.globalArgs ?? []) this.dockerfile.addGlobalArg(a);
      addServiceDockerignore(this, model);
    } catch (e) {
      undeclareService(this, path);
      throw e;
    }
    this.kubernetesSnippet = this.probes;
  }

  /**
   * Appends a stage before the final one (stages build in the order they are added).
   * @param stage the stage; its name must differ from the final stage's and the other stages' (checked at synth)
   * @returns the stage
   * @throws Error `<path>.buildStages: must be DockerfileStage instances; received ...` for anything else
   */
  public addBuildStage(stage: DockerfileStage): DockerfileStage {
    if (!(stage instanceof DockerfileStage)) fail(`${pathOf(this)}.buildStages`, 'DockerfileStage instances', stage);
    this.buildStages.push(stage);
    return stage;
  }

  /**
   * Appends instructions to the final stage, after the setup step and the earlier instructions, before `USER`.
   * @param instructions the instructions (USER, EXPOSE, HEALTHCHECK, STOPSIGNAL, ENTRYPOINT and CMD are written by the container itself)
   * @throws Error `<path>.instructions[<n>]: must be an instruction other than USER, EXPOSE, HEALTHCHECK, STOPSIGNAL, CMD and ENTRYPOINT ...`
   */
  public addInstruction(...instructions: Instruction[]): void {
    const path = pathOf(this);
    instructions.forEach((i, n) => {
      if (!(i instanceof Instruction)) fail(`${path}.instructions[${n}]`, 'an Instruction', i);
      const keyword = i._render().keyword;
      if (['USER', 'EXPOSE', 'HEALTHCHECK', 'STOPSIGNAL', 'CMD', 'ENTRYPOINT'].includes(keyword)) {
        fail(`${path}.instructions[${this.body.length + n}]`, 'an instruction other than USER, EXPOSE, HEALTHCHECK, STOPSIGNAL, CMD and ENTRYPOINT (the container writes those from the model: stopSignal, entrypoint, command)', keyword);
      }
    });
    this.body.push(...instructions);
  }

  /**
   * The containers this one sends requests to by name (a frontend's proxy upstreams), distinct, in declaration
   * order; Compose makes this container depend on them.
   * @internal
   */
  public _upstreams(): ContainerService[] {
    return [];
  }

  /**
   * Renders the Kubernetes snippet and logs warnings for risky choices.
   */
  public preSynthesize(): void {
    renderSnippet(this.probes, this._model);
    const empty = emptyContextWarning(this.project, this._model);
    for (const w of [...serviceWarnings(this._model), ...(empty ? [empty] : [])]) this.project.logger.warn(w);
  }
}
