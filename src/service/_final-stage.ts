// The container's Dockerfile: the setup step, the final stage (LABEL ... HEALTHCHECK, CMD) and the file that holds them.
import { IConstruct } from 'constructs';
import { createAccountCommands, installPackageCommands } from './_accounts';
import { checkStageChain, ServiceModel } from './_model';
import { rendered } from './_rendered';
import { PortProtocol } from '../container/port-protocol';
import { Dockerfile } from '../dockerfile/dockerfile';
import { DockerfileStage } from '../dockerfile/dockerfile-stage';
import { Instruction } from '../dockerfile/instruction';
import { HealthCheckKind } from '../health/health-check-kind';

/**
 * The setup step of a container: its packages (the check tool's among them) installed and its account
 * created, in one RUN; preceded by `USER 0:0` when the base image's default user is not root.
 */
function setupInstructions(m: ServiceModel): Instruction[] {
  const installs = installPackageCommands(m.base.family, m.packages);
  const u = m.user;
  const accounts = m.createAccount ? createAccountCommands(m.base.family, u) : [];
  if (installs.length === 0 && accounts.length === 0) return [];
  const parts: string[] = [];
  if (installs.length > 0) {
    const what = m.packages.map((p) => (p === m.toolPackage ? `${p} (runs the HEALTHCHECK)` : p)).join(', ');
    parts.push(`System packages ${what}, without package caches in the layer`);
  }
  if (accounts.length > 0) parts.push(`the non-root account ${u.name}:${u.group} with fixed ids ${u.uid}:${u.gid}, no home and no login shell`);
  const out: Instruction[] = [];
  if (m.base.defaultUserNonRoot) {
    out.push(Instruction.rootUser(`The setup below needs root; the base image's default user is ${m.base.user?.name ?? 'not root'}, and USER below switches back.`));
  }
  const text = parts.join('; and ');
  out.push(Instruction.run(`${text.charAt(0).toUpperCase()}${text.slice(1)}.`, [...installs, ...accounts]));
  return out;
}

/** The HEALTHCHECK instruction of the model's liveness check (flags and command from the shared rendering). */
function healthcheckInstruction(m: ServiceModel): Instruction {
  const c = m.liveness;
  const what = c.kind === HealthCheckKind.HTTP_GET
    ? `GET ${c.path} on ${c.host}:${c.port} (127.0.0.1, not localhost: Alpine resolves localhost to ::1 first)`
    : c.kind === HealthCheckKind.TCP_SOCKET ? `a TCP connection to ${c.host}:${c.port}`
      : c.kind === HealthCheckKind.GRPC ? `the gRPC health service${c.service ? ` ${c.service}` : ''} on ${c.host}:${c.port}` : 'the exec check';
  const docker = rendered(m).docker;
  if (docker === undefined) {
    const probe = c.kind === HealthCheckKind.EXEC ? 'an exec probe, run in the container' : `a ${c.kind} probe sent by the kubelet, no program in the image`;
    return Instruction.healthcheckNone(`No Docker health check (noDockerHealthcheck): only the kubelet's probes check this container (${probe}); NONE also turns off any check the base image carries.`);
  }
  const how = m.tool === undefined && c.kind !== HealthCheckKind.EXEC ? ` run by ${docker.command[0]}` : '';
  return Instruction._healthcheck(
    `Health check for docker run, Compose and Swarm (Kubernetes ignores it and uses the generated probes): ${what}${how}; it must exit 0 or 1 (Docker reserves 2).`,
    docker,
  );
}

/**
 * What the final stage says of the port (in its comment) and its EXPOSE: the service port (or none for a worker),
 * then each additional port, naming the checks that use it.
 */
function listening(m: ServiceModel): { readonly comment: string; readonly expose: Instruction[] } {
  const l = m.listen;
  const checked = (port: number) => ([['the health check', m.liveness], ['the readiness check', m.readiness]] as const)
    .filter(([, c]) => c !== undefined && c.kind !== HealthCheckKind.EXEC && c.port === port).map(([what]) => what);
  const others = m.additionalPorts.map((p) => {
    const uses = checked(p.port);
    const comment = `The port named ${p.name} (additionalPorts)${uses.length > 0 ? `; ${uses.join(' and ')} ${uses.length > 1 ? 'use' : 'uses'} it` : ''}.`;
    return Instruction.expose(comment, p.port, p.protocol === 'UDP' ? PortProtocol.UDP : PortProtocol.TCP);
  });
  switch (l.kind) {
    case 'port':
      return {
        comment: ` on port ${l.port}`,
        expose: [Instruction.expose(`The port the service listens on; the probes use the container port named ${l.name}${others.length > 0 ? ' unless they check another port' : ''}.`, l.port), ...others],
      };
    case 'none':
      return { comment: ', listening on no port', expose: others };
  }
}

/** What the final stage's comment says of a command it does not write (`baseImageCommand`), else nothing. */
function inherited(m: ServiceModel): string {
  if (!m.baseImageCommand) return '';
  const from = m.from === undefined ? `the base image ${m.base.reference}` : `the stage ${m.from} (from the base image ${m.base.reference}, unless that stage sets its own)`;
  return ` No ENTRYPOINT or CMD is written (baseImageCommand): the container runs the ones it inherits from ${from}.`;
}

/**
 * Every stage of the container's Dockerfile: the build stages (the setup stage with the setup step appended)
 * and the final stage, in this order: FROM, LABEL, setup, the body, USER, EXPOSE, HEALTHCHECK, STOPSIGNAL, ENTRYPOINT, CMD (neither
 * of the last two with `baseImageCommand`).
 * @throws Error `<path>.from` / `<path>.setupStage` when the stage chain does not fit the model
 */
export function containerStages(m: ServiceModel, buildStages: readonly DockerfileStage[], body: readonly Instruction[]): DockerfileStage[] {
  checkStageChain(m, buildStages);
  const setup = setupInstructions(m);
  const stages = buildStages.map((s) => {
    if (s.name !== m.setupStage || setup.length === 0) return s;
    const { name, from, comment, family, unpinnedImages } = s;
    return new DockerfileStage({ name, from, comment, family, unpinnedImages }).add(...s.instructions, ...setup);
  });
  const u = m.user;
  const listen = listening(m);
  // BaseImage.fromUnpinnedReference: the base is written as it is (the stages that start from it too), and said so.
  const unpinned = m.base.pinned ? '' : ` Its base ${m.base.reference} is not pinned (BaseImage.fromUnpinnedReference): each build may take another image.`;
  if (!m.base.pinned) stages.filter((s) => s.from === m.base.reference).forEach((s) => { s._unpinnedFrom = true; });
  const final = new DockerfileStage({
    name: m.stageName,
    from: m.from ?? m.base.reference,
    family: m.base.family,
    unpinnedImages: [...m.unpinnedImages],
    comment: `Final stage (${m.stageName}): the image that runs, as the numeric non-root user ${u.uid}:${u.gid}${listen.comment}.${unpinned}${inherited(m)}`,
  }).add(
    Instruction.label('OCI labels for container metadata (https://github.com/opencontainers/image-spec/blob/main/annotations.md).', m.labels),
    ...(m.setupStage === undefined ? setup : []),
    ...body,
    Instruction.user(m.base.scratch
      ? `Run as the numeric user ${u.uid}:${u.gid} (scratch has no /etc/passwd, so no account by name; Kubernetes runAsNonRoot can verify it), never root.`
      : `Run as ${u.name} (numeric ${u.uid}:${u.gid}, so Kubernetes runAsNonRoot can verify it), never root.`, u.uid, u.gid),
    ...listen.expose,
    healthcheckInstruction(m),
  );
  final._unpinnedFrom = !m.base.pinned && final.from === m.base.reference;
  if (m.stopSignal) {
    final.add(Instruction.stopSignal(`Stop signal ${m.stopSignal}, the program's graceful shutdown (docker stop, Compose and the kubelet, through the container runtime, send it first).`, m.stopSignal));
  }
  if (m.entrypoint) {
    final.add(Instruction.entrypoint(m.command ? 'The program the container runs.' : 'The program the container runs, with no arguments (no CMD: ENTRYPOINT drops the one the base image has).', [...m.entrypoint]));
  }
  if (m.command) final.add(Instruction.cmd(m.commandComment, [...m.command]));
  return [...stages, final];
}

/**
 * A container's Dockerfile: its stages are the container's (`containerStages`), assembled when read;
 * stages are added through the container (`addBuildStage`), never here.
 */
export class ContainerDockerfile extends Dockerfile {
  public constructor(scope: IConstruct, filePath: string, private readonly source: () => DockerfileStage[]) {
    super(scope, filePath);
  }

  public addStage(stage: DockerfileStage): DockerfileStage {
    throw new Error(`${this.path}.stages: must be added through the container that owns this Dockerfile (addBuildStage); received ${stage.name}`);
  }

  public get stages(): DockerfileStage[] {
    return this.source();
  }
}
