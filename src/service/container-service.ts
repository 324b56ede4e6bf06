import { IConstruct } from 'constructs';
import { Component, FileBase } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { allowReplaceUnder } from '../_user-file';
import { projectLabels } from '../container/_project-labels';
import { checkAbsolutePath, checkLine, checkNonEmpty, checkPackageName, checkStageName, fail } from '../_validate';
import {
  addServiceFiles,
  healthcheckInstruction,
  pathOf,
  renderServiceFiles,
  resolveService,
  ServiceDefaults,
  ServiceModel,
} from './_service';
import { setupInstructions } from './_setup';
import { ContainerServiceProps } from './container-service-props';
import { BaseImage } from '../dockerfile/base-image';
import { Dockerfile } from '../dockerfile/dockerfile';
import { DockerfileStage } from '../dockerfile/dockerfile-stage';
import { Instruction } from '../dockerfile/instruction';
import { CheckTool } from '../health/check-tool';
import { HealthCheck } from '../health/health-check';

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
  /** The one port the container listens on (1024-65535). @default - none for a service without a port (`noPort`) */
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
  private readonly command: string[];
  private readonly commandComment: string;
  private readonly entrypoint?: string[];
  private readonly from?: string;
  private readonly setupStage?: string;

  /**
   * Adds the container: its Dockerfile, .dockerignore and Kubernetes snippet.
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages (and as the default name)
   * @param props the model: base image and command are required, everything else has a default
   * @throws Error `<path>.<field>: must be <constraint>; received <value>` for an invalid option
   */
  public constructor(scope: IConstruct, id: string, props: ContainerServiceProps) {
    super(scope, id);
    const path = pathOf(this);
    const defaults: ServiceDefaults = {
      name: id,
      port: 8080,
      // A service without a port has no HTTP default: its exec checks are the user's.
      healthCheck: props.noPort ? undefined : HealthCheck.httpGet({ path: '/healthz' }),
      readinessCheck: props.noPort ? undefined : HealthCheck.httpGet({ path: '/readyz' }),
      startPeriodSeconds: 10,
      startIntervalSeconds: 2,
      group: 'appuser',
      // The project's own metadata (license, repository, homepage, version), then the container's title and description.
      labels: { ...projectLabels(this.project), title: props.name ?? id, description: `${props.name ?? id} service` },
      protectedPaths: [...(props.protectedPaths ?? [])],
    };
    if (!(props.baseImage instanceof BaseImage)) fail(`${path}.baseImage`, 'a BaseImage (BaseImage.debian(...), .alpine, .distroless, .nginxUnprivileged)', props.baseImage);
    const base = props.baseImage._resolve(`${path}.baseImage`);
    const packages = [...(props.systemPackages ?? [])];
    packages.forEach((p, i) => checkPackageName(`${path}.systemPackages[${i}]`, p));
    const added = [...(props.addedTools ?? [])];
    added.forEach((t, i) => {
      if (!Object.values(CheckTool).includes(t)) fail(`${path}.addedTools[${i}]`, 'a CheckTool', t);
    });
    defaults.protectedPaths.forEach((p, i) => checkAbsolutePath(`${path}.protectedPaths[${i}]`, p));
    const stageName = checkStageName(`${path}.stageName`, props.stageName ?? 'production');
    const model = resolveService(path, props, defaults, base, packages, added, stageName);
    this._model = model;
    this.name = model.name;
    this.port = model.port;
    this.uid = model.user.uid;
    this.gid = model.user.gid;

    this.command = checkArgv(`${path}.command`, props.command);
    this.commandComment = checkLine(`${path}.commandComment`, props.commandComment ?? 'The service, in the foreground, exec form (it receives SIGTERM directly).');
    this.entrypoint = props.entrypoint === undefined ? undefined : checkArgv(`${path}.entrypoint`, props.entrypoint);
    this.from = props.from === undefined ? undefined : checkStageName(`${path}.from`, props.from);
    this.setupStage = props.setupStage === undefined ? undefined : checkStageName(`${path}.setupStage`, props.setupStage);
    for (const s of props.buildStages ?? []) this.addBuildStage(s);
    this.addInstruction(...(props.instructions ?? []));

    if (props.replaceExisting) allowReplaceUnder(this);
    this.probes = addServiceFiles(this, model, props.dockerignore, [...(props.dockerignoreEntries ?? [])]);
    this.dockerfile = new Dockerfile(this, model.dockerfilePath);
    this.dockerfile._stageSource = () => this.assembleStages();
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
   * @param instructions the instructions (USER, EXPOSE, HEALTHCHECK and CMD are written by the container itself)
   * @throws Error `<path>.instructions[<n>]: must be an instruction other than USER, EXPOSE, HEALTHCHECK, CMD and ENTRYPOINT ...`
   */
  public addInstruction(...instructions: Instruction[]): void {
    const path = pathOf(this);
    instructions.forEach((i, n) => {
      if (!(i instanceof Instruction)) fail(`${path}.instructions[${n}]`, 'an Instruction', i);
      const keyword = i._render().keyword;
      if (['USER', 'EXPOSE', 'HEALTHCHECK', 'CMD', 'ENTRYPOINT'].includes(keyword)) {
        fail(`${path}.instructions[${this.body.length + n}]`, 'an instruction other than USER, EXPOSE, HEALTHCHECK, CMD and ENTRYPOINT (the container writes those from the model)', keyword);
      }
    });
    this.body.push(...instructions);
  }

  /**
   * Renders the Kubernetes snippet and logs warnings for risky choices.
   */
  public preSynthesize(): void {
    renderServiceFiles(this, this.probes, this._model);
  }

  /** The build stages (the setup stage with the setup step appended) and the final stage. */
  private assembleStages(): DockerfileStage[] {
    const m = this._model;
    const path = pathOf(this);
    const setup = setupInstructions(m);
    const names = new Map(this.buildStages.map((s) => [s.name, s]));
    if (this.from !== undefined && !names.has(this.from)) fail(`${path}.from`, `the name of a build stage (${[...names.keys()].join(', ') || 'none'})`, this.from);
    // The chain of stages the final stage descends from, ending at an image.
    const chain: string[] = [];
    let cursor = this.from;
    while (cursor !== undefined && names.has(cursor) && !chain.includes(cursor)) {
      chain.push(cursor);
      cursor = names.get(cursor)!.from;
    }
    const root = this.from === undefined ? m.base.reference : cursor;
    if (root !== m.base.reference) fail(`${path}.from`, `a stage descending from the base image ${m.base.reference}`, root);
    if (this.setupStage !== undefined && !chain.includes(this.setupStage)) {
      fail(`${path}.setupStage`, `a build stage the final stage descends from (${chain.join(', ') || 'none'})`, this.setupStage);
    }
    const stages = this.buildStages.map((s) => {
      if (s.name !== this.setupStage || setup.length === 0) return s;
      return new DockerfileStage({ name: s.name, from: s.from, comment: s.comment, family: s.family }).add(...s.instructions, ...setup);
    });
    const u = m.user;
    const final = new DockerfileStage({
      name: m.stageName,
      from: this.from ?? m.base.reference,
      family: m.base.family,
      comment: `Final stage (${m.stageName}): the image that runs, as the numeric non-root user ${u.uid}:${u.gid}${m.port === undefined ? ', listening on no port' : ` on port ${m.port}`}.`,
    }).add(
      Instruction.label('OCI labels for container metadata (https://github.com/opencontainers/image-spec/blob/main/annotations.md).', m.labels),
      ...(this.setupStage === undefined ? setup : []),
      ...this.body,
      Instruction.user(`Run as ${u.name} (numeric ${u.uid}:${u.gid}, so Kubernetes runAsNonRoot can verify it), never root.`, u.uid, u.gid),
    );
    if (m.port !== undefined) final.add(Instruction.expose(`The port the service listens on; the probes use the container port named ${m.portName}.`, m.port));
    final.add(healthcheckInstruction(m));
    if (this.entrypoint) final.add(Instruction.entrypoint('The program the container runs.', this.entrypoint));
    final.add(Instruction.cmd(this.commandComment, this.command));
    return [...stages, final];
  }
}

function checkArgv(path: string, argv: string[]): string[] {
  if (!Array.isArray(argv) || argv.length === 0) fail(path, 'a non-empty argv array', argv);
  argv.forEach((a, i) => checkNonEmpty(`${path}[${i}]`, a));
  return [...argv];
}
