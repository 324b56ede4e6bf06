/**
 * The adoption path: from an existing Dockerfile and its container's manifest, the `.projenrc.ts`
 * fragment that reproduces them. `FastApiBackend` when the image runs uvicorn on a python base,
 * `StaticFrontend` when nginx serves what a node stage built, else the general `ContainerService`.
 * Every string is a TypeScript string literal (JSON.stringify).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Change, changeComment, parseChanges } from './_changes';
import { carryCommand, isShellForm, workersOf } from './_command';
import { carryMounts } from './_mounts';
import { carryPorts } from './_ports';
import { carryProbes, servicePort } from './_probes';
import { constructRefusals, fileRefusals, inRepository, Refusal } from './_refusals';
import { buildStages, droppedChanges, roundTrip, RoundTrip, runAsGroupOf, statementChanges } from './_round-trip';
import { runnable, synthStatement, usedImports } from './_scratch';
import { AdoptSide } from './_side';
import { carryStages, declaredGlobalArgs, globalArgsCode, namedGlobalArgs } from './_stages';
import { distinctContainers } from './_workloads';
import { BaseImage } from '../../dockerfile/base-image';
import { ImageFamily } from '../../images/image-family';
import { UNPRIVILEGED_PORT_SYSCTL } from '../../kubernetes/_probes';
import { FASTAPI_ENV } from '../../presets/_fastapi-env';
import { NGINX_ARGV } from '../../presets/_nginx-start';
import { baseAccount, imageName, toolsOfCheck, K8sContainer, argvOf, DockerImage, DockerInstruction, installedPackages } from '../read';
import { uidOfName } from '../rules';

const lit = (s: string) => JSON.stringify(s);

/** Account names from `useradd`/`adduser` and `groupadd`/`addgroup` lines of the chain. */
function accounts(image: DockerImage): { name?: string; group?: string; gid?: number } {
  const out: { name?: string; group?: string; gid?: number } = {};
  // The number after `-g`/`--gid` (or `--gid=N`), when it is one.
  const gidOf = (words: string[]): number | undefined => {
    for (let k = 0; k < words.length; k++) {
      const m = /^--gid=(\d+)$/.exec(words[k]) ?? (/^(-g|--gid)$/.test(words[k]) ? /^(\d+)$/.exec(words[k + 1] ?? '') : null);
      if (m) return Number(m[1]);
    }
    return undefined;
  };
  for (const s of image.chain) {
    for (const i of s.instructions.filter((x) => x.keyword === 'RUN')) {
      for (const part of i.content.split(/&&|;/)) {
        const words = part.trim().split(/\s+/);
        const last = words[words.length - 1];
        if (words[0] === 'useradd' || words[0] === 'adduser') {
          out.name = last;
          out.gid = gidOf(words) ?? out.gid;
        }
        if (words[0] === 'groupadd' || words[0] === 'addgroup') {
          out.group = last;
          out.gid = gidOf(words) ?? out.gid;
        }
      }
    }
  }
  return out;
}

/** A final stage with no shell and no program that could run a Docker check (distroless without a runtime). */
function shellless(base: string): boolean {
  try {
    const b = BaseImage.fromUnpinnedReference(base)._resolve('baseImage');
    return b.family === ImageFamily.DISTROLESS && b.tools.length === 0;
  } catch {
    return false;
  }
}

function kindOf(image: DockerImage): 'fastapi' | 'static' | 'general' {
  const cmd = [...argvOf(image.entrypoint), ...argvOf(image.cmd)];
  // A shell-form command that uses the shell ($VAR, quotes, redirections, &&): the general construct carries it exactly.
  if ([image.entrypoint, image.cmd].some((i) => isShellForm(i) && /[$'"`|&;<>()\\]/.test(i!.content))) return 'general';
  const { repo } = imageName(image.base);
  // FastApiBackend writes its own stages: an image whose final stage copies from build stages of its own (a uv or pip
  // builder) keeps them through the general construct's DockerfileStage code instead of losing them.
  const ownStages = image.target.instructions.some((i) => i.keyword === 'COPY' && i.flags.from !== undefined
    && image.stages.some((st) => st !== image.target && st.name === i.flags.from!.toLowerCase()));
  if (repo === 'python' && !ownStages && cmd.some((w, i) => path.basename(w) === 'uvicorn' || (path.basename(w) === 'fastapi' && cmd[i + 1] === 'run'))) return 'fastapi';
  if ((repo === 'nginx' || repo === 'nginx-unprivileged') && image.stages.some((s) => s !== image.target && imageName(s.from).repo === 'node')) return 'static';
  return 'general';
}

/** Dependency manifests a Python or node image copies before its install step. */
const DEP_FILE = /^(requirements[\w.-]*\.txt|pyproject\.toml|uv\.lock|poetry\.lock|Pipfile(\.lock)?|package(-lock)?\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml)$/;

/** The COPY sources of the chain that are dependency manifests (base names, in order). */
function dependencyFilesOf(image: DockerImage): string[] {
  const out: string[] = [];
  for (const s of image.stages) {
    for (const i of s.instructions.filter((x) => x.keyword === 'COPY' && x.flags.from === undefined)) {
      const words = i.args.filter((a) => !a.startsWith('--'));
      for (const b of words.slice(0, -1).map((w) => path.posix.basename(w))) {
        if (DEP_FILE.test(b) && !out.includes(b)) out.push(b);
      }
    }
  }
  return out;
}

/** The RUN lines of a stage whose command matches `re`, as written (continuations joined). */
function runsOf(stageInstrs: DockerInstruction[], re: RegExp): DockerInstruction[] {
  return stageInstrs.filter((i) => i.keyword === 'RUN' && re.test(i.content));
}

/** nginx `location` blocks that proxy or add routes, from the nginx config files the image copies. */
function nginxRoutes(image: DockerImage): string[] {
  const out: string[] = [];
  for (const i of image.target.instructions.filter((x) => (x.keyword === 'COPY' || x.keyword === 'ADD') && x.flags.from === undefined)) {
    const words = i.args.filter((a) => !a.startsWith('--'));
    for (const src of words.slice(0, -1).filter((w) => /\.conf(\.template)?$/.test(w))) {
      const file = path.resolve(path.dirname(image.absFile), src);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        out.push(`${src} (copied at ${image.file}:${i.line}; not readable here)`);
        continue;
      }
      const re = /location\s+([^{\s]+(?:\s+[^{\s]+)?)\s*\{([^}]*)\}/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text)) !== null) {
        if (/proxy_pass|fastcgi_pass|grpc_pass|return\s|alias\s|rewrite\s/.test(m[2])) out.push(`location ${m[1]} { ${m[2].trim().replace(/\s+/g, ' ')} } (${src})`);
      }
    }
  }
  return out;
}

/** One container's fragment (a `new ...(project, id, {...});` statement) and what it could not carry over. */
export function adoptOne(image: DockerImage, c: K8sContainer, cwd: string, id: string = c.name)
  : { code: string; imports: string[]; notes: string[]; changes: Change[]; refusals: Refusal[] } {
  const kind = kindOf(image);
  const notes: string[] = [];
  // The differences this statement makes on purpose, each named in the fragment (`// changes:`, _changes.ts).
  const changes: Change[] = [];
  const carried = new Set<DockerInstruction>();
  const imports = new Set<string>();
  const refusals: string[] = [];
  const props: string[] = [];
  const add = (k: string, v: string | undefined) => {
    if (v !== undefined) props.push(`  ${k}: ${v},`);
  };
  const hc = image.healthcheck && !image.healthcheck.none ? image.healthcheck : undefined;
  const { port, name: portName } = servicePort(image, c);
  // A service port nothing declares (no containerPort, no EXPOSE: taken from a probe or the HEALTHCHECK URL): the
  // model declares it (EXPOSE and a named containerPort), named as a change.
  if (port !== undefined && !c.ports.some((p) => p.containerPort === port) && !image.exposes.some((e) => e.port === port)) {
    notes.push(`port ${port}: neither ${c.file} nor ${image.file} declares it (the probes or the HEALTHCHECK use it); the model declares its service port (EXPOSE and containerPort)`);
    changes.push({ field: `port ${port}`, old: '(none)', new: 'EXPOSE, containerPort' });
  }

  add('name', lit(id));
  add('directory', lit(path.relative(cwd, path.dirname(image.absFile)).split(path.sep).join('/') || '.'));
  add('kubernetesFile', /\.ya?ml$/.test(c.file) && c.kind === 'PodSpec' ? lit(c.file.split(path.sep).join('/')) : undefined);
  const dockerfileName = path.basename(image.absFile);
  add('dockerfileName', dockerfileName === 'Dockerfile' ? undefined : lit(dockerfileName));
  const cmd = [...argvOf(image.entrypoint), ...argvOf(image.cmd)];
  const allInstrs = image.stages.flatMap((s) => s.instructions);
  if (kind === 'fastapi') {
    // The preset's own environment (its base stage): each variable the image did not set, or set otherwise, is named.
    const imageEnv = new Map(image.chain.flatMap((st) => st.instructions.filter((i) => i.keyword === 'ENV').flatMap((i) => i.properties)));
    for (const [k, v] of Object.entries(FASTAPI_ENV)) {
      if (imageEnv.get(k) !== v) changes.push({ field: `env ${k}`, old: imageEnv.get(k) ?? '(none)', new: `${v} (FastApiBackend's environment)` });
    }
    const { tag } = imageName(image.base);
    const ver = /^(\d+\.\d+(?:\.\d+)?)-slim$/.exec(tag);
    if (ver) add('pythonVersion', lit(ver[1]));
    else add('baseImage', lit(image.base));
    const mod = cmd.find((w) => /^[A-Za-z_][\w.]*:[A-Za-z_]\w*$/.test(w));
    add('appModule', mod ? lit(mod) : undefined);
    // The process count as the image runs it: uvicorn's default is one process (the preset's default is 4).
    add('workers', String(workersOf(cmd).workers));
    const deps = dependencyFilesOf(image).filter((f) => !/^package/.test(f));
    const reqs = deps.filter((f) => /^requirements/.test(f) && !/dev|test/.test(f));
    if (deps.length > 0 && !deps.includes('uv.lock')) {
      // The preset installs into /app/.venv with uv; a requirements file installs there with `uv pip`.
      add('dependencyFiles', `[${deps.map(lit).join(', ')}]`);
      if (reqs.length > 0) {
        const install = ['uv venv /app/.venv', `uv pip install ${reqs.map((r) => `-r ${r}`).join(' ')}`];
        add('installCommands', `[${install.map(lit).join(', ')}]`);
        add('devInstallCommands', `[${lit(`uv pip install ${deps.filter((f) => /^requirements/.test(f)).map((r) => `-r ${r}`).join(' ')}`)}]`);
        for (const r of runsOf(allInstrs, /\bpip\b.*install|uv\s+(pip|sync)/)) carried.add(r);
      } else {
        notes.push(`dependency install from ${deps.join(', ')}: the preset's default is uv sync with uv.lock; set installCommands to the image's own (${runsOf(allInstrs, /install|sync/).map((r) => `${image.file}:${r.line}`).join(', ') || 'none found'})`);
      }
    } else {
      for (const r of runsOf(allInstrs, /uv\s+sync/)) carried.add(r);
    }
  } else if (kind === 'static') {
    const build = image.stages.find((s) => s !== image.target && imageName(s.from).repo === 'node');
    add('nodeImage', build ? lit(build.from) : undefined);
    add('nginxImage', lit(image.base));
    if (build) {
      const deps = dependencyFilesOf(image).filter((f) => /^(package|npm|yarn|pnpm)/.test(f));
      if (deps.length > 0) add('dependencyFiles', `[${deps.map(lit).join(', ')}]`);
      const installs = runsOf(build.instructions, /\b(npm|yarn|pnpm)\s+(ci|install)\b/);
      const builds = runsOf(build.instructions, /\b(npm|yarn|pnpm)\s+(run\s+)?build\b|\bvite\s+build\b/);
      if (installs.length > 0) add('installCommands', `[${installs.map((r) => lit(r.content.replace(/\s*\\\n\s*/g, ' '))).join(', ')}]`);
      if (builds.length > 0) add('buildCommands', `[${builds.map((r) => lit(r.content.replace(/\s*\\\n\s*/g, ' '))).join(', ')}]`);
      for (const r of [...installs, ...builds]) carried.add(r);
      const dist = image.target.instructions.find((i) => i.keyword === 'COPY' && i.flags.from !== undefined && i.flags.from.toLowerCase() === (build.name ?? String(build.index)));
      const src = dist?.args.filter((a) => !a.startsWith('--'))[0];
      if (src && dist) {
        const d = src.replace(/^\/app\//, '').replace(/\/$/, '');
        if (/^[\w.-]+(\/[\w.-]+)*$/.test(d) && d !== 'dist') add('distDir', lit(d));
        carried.add(dist);
      }
    }
    // StaticFrontend writes one node build stage: a chain of the original's stages (development -> build) is named.
    const stages = buildStages(image);
    if (build && stages.join(', ') !== build.from) {
      changes.push({ field: 'build stages', old: stages.join(', ') || '(none)', new: `${build.from} (StaticFrontend's one build stage)` });
    }
    for (const r of nginxRoutes(image)) notes.push(`nginx route not generated by StaticFrontend: ${r}`);
    // StaticFrontend's own start command (nginx, errors to stderr before nginx.conf is read): named when it differs.
    if (JSON.stringify(cmd) !== JSON.stringify(NGINX_ARGV)) {
      changes.push({ field: 'command', old: cmd.length > 0 ? JSON.stringify(cmd) : "the base image's CMD", new: `${JSON.stringify(NGINX_ARGV)} (StaticFrontend's start command)` });
    }
  } else {
    imports.add('BaseImage');
    // fromReference infers the family (distroless, Alpine, Debian) and nginx-unprivileged's own account. A base the
    // original does not pin is carried as it is, through the visible opt-in, and the statement says how to pin it.
    const { tag } = imageName(image.base);
    if (image.base === 'scratch') {
      // Docker's empty image: no shell, no account (USER stays numeric, nothing is created), no check tool.
      add('baseImage', 'BaseImage.scratch()');
    } else if (/\$/.test(image.base) && !/\$/.test(imageName(image.base).path)) {
      // A tag naming a global ARG without a default (latest-${GOARCH}): the image is what --build-arg gives, as in the
      // original; the ARG is declared in globalArgs below (fileRefusals refuses a build arg in the repository).
      props.push(`  // The base image ${image.base} (${image.file}:${image.baseLine}) names a build arg without a default, as in the original: the build passes it (--build-arg), and each value may be another image. Pin it when you can: give the ARG a default in both places (ARG NAME=<value>), or write the reference out (BaseImage.fromReference("<repository>:<version>")).`);
      add('baseImage', `BaseImage.fromUnpinnedReference(${lit(image.base)})`);
    } else if (!image.base.includes('@') && !/\$/.test(image.base) && (tag === '' || tag === 'latest')) {
      const name = image.base.replace(/:latest$/, '');
      props.push(`  // The base image ${image.base} is not pinned (${tag === '' ? 'no tag' : 'tag latest'}, ${image.file}:${image.baseLine}), as in the original: each build may take another image. Pin it in both places: FROM ${name}:<version> and BaseImage.fromReference("${name}:<version>").`);
      add('baseImage', `BaseImage.fromUnpinnedReference(${lit(image.base)})`);
    } else {
      add('baseImage', `BaseImage.fromReference(${lit(image.base)})`);
    }
    // ENTRYPOINT and CMD as Docker runs them (a shell form as /bin/sh -c <text>); the manifest's command and args named.
    const run = carryCommand(image, c);
    if (run.baseImageCommand) {
      props.push(`  // ${image.file} has no CMD or ENTRYPOINT and the workload no command or args: the base image's command runs, as in the original.`);
      add('baseImageCommand', 'true');
      // The base image's command was made for the base image's user; the construct runs it as its own non-root user.
      if (!image.user && !c.runAsUser) notes.push('the base image\'s user: its command now runs as the construct\'s numeric non-root user (a hardening), not as the base image\'s own (root, or an account of its own); a base whose entrypoint needs root or its account (a database that chowns its data directory) needs user set to that account');
    }
    add('entrypoint', run.entrypoint ? `[${run.entrypoint.map(lit).join(', ')}]` : undefined);
    add('command', run.command ? `[${run.command.map(lit).join(', ')}]` : undefined);
    add('commandComment', run.commandComment ? lit(run.commandComment) : undefined);
    notes.push(...run.notes);
    if (image.entrypoint) carried.add(image.entrypoint);
    if (image.cmd) carried.add(image.cmd);
    // The build stages and the final stage's own steps, as DockerfileStage and Instruction code.
    const st = carryStages(image);
    // Global ARGs without a default that the written FROMs name: declared as the original declares them.
    const globalArgs = globalArgsCode(image, namedGlobalArgs(image, [image.base, ...st.stageFroms]));
    // A final FROM naming a global ARG with a default: the base is written with that value (BaseImage takes one
    // reference); --build-arg no longer changes it, named.
    const baseWord = image.target.instructions[0]?.args.filter((a) => !a.startsWith('--'))[0] ?? '';
    const baseArgs = [...declaredGlobalArgs(image).values()].filter((a) => a.value !== undefined && new RegExp(`\\$\\{?${a.name}\\b`).test(baseWord));
    if (baseArgs.length > 0 && image.base !== baseWord) {
      notes.push(`${image.file}:${image.baseLine} FROM ${baseWord}: written as ${image.base}, the value ${baseArgs.map((a) => `ARG ${a.name}`).join(', ')} ${baseArgs.length > 1 ? 'have' : 'has'} by default; a --build-arg ${baseArgs.map((a) => a.name).join(', ')} no longer changes the base image (set baseImage to the image you build with)`);
    }
    add('globalArgs', globalArgs);
    if (globalArgs) imports.add('Instruction');
    add('buildStages', st.buildStages);
    add('from', st.from ? lit(st.from) : undefined);
    add('stageName', image.target.name && /^[a-z][a-z0-9_.-]*$/.test(image.target.name) && image.target.name !== 'production' ? lit(image.target.name) : undefined);
    if (st.finalUnpinned.length > 0) {
      props.push(`  // The final stage copies from ${st.finalUnpinned.join(', ')}, not pinned (no tag, or latest), as in the original: each build may take another image. Pin ${st.finalUnpinned.length > 1 ? 'each' : 'it'} in both places (<repository>:<version> in ${image.file} and here) and take ${st.finalUnpinned.length > 1 ? 'them' : 'it'} out of unpinnedImages.`);
      add('unpinnedImages', `[${st.finalUnpinned.map(lit).join(', ')}]`);
    }
    add('instructions', st.instructions);
    st.imports.forEach((i) => imports.add(i));
    st.carried.forEach((i) => carried.add(i));
    notes.push(...st.notes);
  }
  add('port', port !== undefined ? String(port) : undefined);
  // No port anywhere (no containerPort, no EXPOSE, no URL in the check, no probe port) and an exec or no livenessProbe: a worker.
  add('noPort', port === undefined && (c.liveness?.kind === 'exec' || !c.liveness) ? 'true' : undefined);
  add('portName', portName ? lit(portName) : undefined);
  // The other ports (metrics, a health port of its own, a port only a probe names) as additionalPorts.
  const ports = carryPorts(image, c, { port, name: portName }, kind === 'static');
  add('additionalPorts', ports.additionalPorts);
  ports.imports.forEach((i) => imports.add(i));
  notes.push(...ports.notes);
  changes.push(...ports.changes);
  refusals.push(...ports.refusals);
  // A port below 1024 (ASP.NET, nginx or Apache on 80) is kept: the non-root process binds it through the pod sysctl.
  const lowest = Math.min(port ?? 65536, ports.lowestPort ?? 65536);
  add('lowPortSysctl', lowest < 1024 ? 'true' : undefined);
  changes.push(...lowPortChanges(c, lowest));
  const probes = carryProbes(image, c, port);
  const prop = ([k, v]: [string, string]) => props.push(k.startsWith('//') ? `  ${k}` : `  ${k}: ${v},`);
  const afterLiveness = probes.props.findIndex(([key]) => key === 'healthCheck') + 1;
  probes.props.slice(0, afterLiveness).forEach(prop);
  // A gRPC check in Docker needs grpc_health_probe in the image: declared only when the Dockerfile brings it.
  const hasGrpcProbe = image.chain.some((s) => s.instructions.some((i) => /grpc[_-]health[_-]probe/.test(i.content)));
  if (kind === 'general' && c.liveness?.kind === 'grpc' && hasGrpcProbe && !hc) {
    imports.add('CheckTool');
    add('addedTools', '[CheckTool.GRPC_HEALTH_PROBE]');
  }
  probes.props.slice(afterLiveness).forEach(prop);
  probes.imports.forEach((i) => imports.add(i));
  notes.push(...probes.notes);
  changes.push(...probes.changes);
  refusals.push(...probes.refusals);
  if (hc) {
    const { tools, program: prog } = toolsOfCheck(hc.argv);
    const program = tools.find((t) => t !== 'sh') ?? (prog === 'grpc_health_probe' || prog === 'grpc-health-probe' ? 'grpc' : undefined);
    const tool = program === 'curl' ? 'CURL' : program === 'wget' ? 'WGET' : program === 'python3' ? 'PYTHON'
      : program === 'node' ? 'NODE' : program === 'grpc' ? 'GRPC_HEALTH_PROBE' : undefined;
    if (tool) {
      imports.add('CheckTool');
      add('checkTool', `CheckTool.${tool}`);
      // grpc_health_probe is never in a base image: the Dockerfile copies it in.
      if (tool === 'GRPC_HEALTH_PROBE' && kind === 'general') add('addedTools', '[CheckTool.GRPC_HEALTH_PROBE]');
    } else if (kind === 'general' && hc.argv[0]?.startsWith('/') && /^(https?:\/\/|[\w.-]+:\d+$)/.test(hc.argv[1] ?? '')) {
      // A health program of the image, called as <program> <url | host:port> <timeout>: the model's checkBinary.
      add('checkBinary', lit(hc.argv[0]));
    }
  }
  // A shell-less final stage (distroless, no runtime) with no HEALTHCHECK and no check program: the image keeps having
  // no Docker check; the kubelet's httpGet, tcpSocket and grpc probes need no program in it. An exec probe still does.
  if (!hc && kind === 'general' && port !== undefined && c.liveness?.kind !== 'exec' && shellless(image.base)
    && !props.some((p) => /^ {2}(checkTool|checkBinary|addedTools):/.test(p))) {
    add('noDockerHealthcheck', 'true');
  }
  const [uidText, imageGidText] = (image.user?.value ?? '').split(':');
  const user: string[] = [];
  const names = accounts(image);
  if (names.name) user.push(`name: ${lit(names.name)}`);
  // A named USER runs as the uid its useradd/adduser gave it (or a standard account's): carried as that number.
  const imageUid = /^\d+$/.test(uidText ?? '') ? Number(uidText) : uidText ? uidOfName(image, uidText) : undefined;
  // The workload's runAsUser overrides the image's USER where the container runs: that uid is the model's user (one
  // user for both the Dockerfile and the snippet), and the Dockerfile's USER that `docker run` used is named.
  const uid = c.runAsUser?.value ?? imageUid;
  if (uid !== undefined) user.push(`uid: ${uid}`);
  const overridden = c.runAsUser !== undefined && imageUid !== undefined && imageUid !== uid;
  // Without runAsGroup, the runtime gives that uid the gid of its /etc/passwd entry in the image, not the USER's
  // (runAsGroupOf): known for a standard account of the base (nobody 65534:65534).
  const runtimeGid = overridden && names.name === undefined ? runAsGroupOf(image, c) : undefined;
  // The workload's runAsGroup is the gid where the container runs, as runAsUser is its uid.
  const gidText = c.runAsGroup !== undefined ? String(c.runAsGroup.value) : runtimeGid ?? imageGidText;
  const regrouped = c.runAsGroup !== undefined && /^\d+$/.test(imageGidText ?? '') && Number(imageGidText) !== c.runAsGroup.value;
  if (overridden || regrouped) {
    const by = [overridden ? `runAsUser ${uid}` : '', regrouped ? `runAsGroup ${gidText}` : ''].filter((x) => x !== '').join(' and ');
    const at = (overridden ? c.runAsUser : c.runAsGroup)!.line;
    changes.push({ field: 'USER (docker run)', old: image.user!.value, new: `${uid}${gidText ? `:${gidText}` : ''} (the workload's ${by}, ${c.file}:${at}, ${overridden && regrouped ? 'override' : 'overrides'} the USER where the container runs; the construct writes one user for both)` });
  }
  if (names.group) user.push(`group: ${lit(names.group)}`);
  // The gid the USER gives, else the one groupadd/useradd gave the account (-g/--gid), so that files keep their group.
  if (/^\d+$/.test(gidText ?? '')) user.push(`gid: ${Number(gidText)}`);
  else if (names.gid !== undefined && (names.group !== undefined || names.name !== undefined)) user.push(`gid: ${names.gid}`);
  // No group in the image (FROM scratch and no USER, or USER <uid> alone): the manifest's runAsGroup, which the process ran as.
  else if (c.runAsGroup !== undefined) user.push(`gid: ${c.runAsGroup.value}`);
  // A base image with its own account (node, distroless nonroot, nginx-unprivileged) runs as it when user is unset.
  let own: { uid: number; gid: number } | undefined;
  try {
    own = BaseImage.fromUnpinnedReference(image.base)._resolve('baseImage').user;
  } catch {
    own = undefined;
  }
  const gid = /^\d+$/.test(gidText ?? '') ? Number(gidText) : undefined;
  const ownAccount = own !== undefined && uid === own.uid && (gid === undefined || gid === own.gid);
  // A standard account of the base image (nobody 65534, nonroot 65532, www-data 33, ...) the Dockerfile does not
  // create: the construct runs as it without creating it (existing: true), with the base image's names and ids.
  const std = uid !== undefined && names.name === undefined && names.group === undefined ? baseAccount(image.base, uid) : undefined;
  // Its group: the account's own, or another standard group of the base image (nobody in group nonroot, 65534:65532).
  const stdGroup = std === undefined || gid === undefined || gid === std.gid ? std : baseAccount(image.base, gid);
  if (!ownAccount && std !== undefined && stdGroup !== undefined && stdGroup.gid === (gid ?? std.gid)) {
    props.push(`  user: { name: ${lit(std.name)}, uid: ${std.uid}, group: ${lit(stdGroup.group)}, gid: ${stdGroup.gid}, existing: true },`);
  } else if (user.length > 0 && !ownAccount) {props.push(`  user: { ${user.join(', ')} },`);}

  const labels: string[] = [];
  for (const k of ['title', 'description', 'vendor', 'licenses']) {
    const v = image.labels[`org.opencontainers.image.${k}`];
    if (v !== undefined) labels.push(`${k}: ${lit(v)}`);
  }
  if (labels.length > 0) props.push(`  labels: { ${labels.join(', ')} },`);
  // Writable paths carried; Secret/ConfigMap mounts and env named.
  const mounts = carryMounts(image, c, kind === 'fastapi' ? ['/app'] : []);
  add('writablePaths', mounts.writablePaths ? `[${mounts.writablePaths.map(lit).join(', ')}]` : undefined);
  notes.push(...mounts.notes);
  changes.push(...mounts.changes);

  // The final stage's STOPSIGNAL: StaticFrontend writes SIGQUIT (nginx's graceful stop); the general construct takes it as stopSignal.
  const stop = image.target.instructions.filter((i) => i.keyword === 'STOPSIGNAL').pop();
  if (stop && kind === 'static' && stop.content === 'SIGQUIT') carried.add(stop);
  if (stop && kind === 'general' && /^SIG[A-Z0-9+-]+$/.test(stop.content)) {
    add('stopSignal', lit(stop.content));
    carried.add(stop);
  }

  const cls = kind === 'fastapi' ? 'FastApiBackend' : kind === 'static' ? 'StaticFrontend' : 'ContainerService';
  imports.add(cls);
  if (kind !== 'general') {
    // What the presets write themselves: /app, the dependency manifests and the code, the account, the check tool.
    const extra: string[] = [];
    for (const i of allInstrs) {
      const words = i.args.filter((a) => !a.startsWith('--'));
      if (i.keyword === 'WORKDIR' && path.posix.normalize(i.content).replace(/(.)\/+$/, '$1') === '/app') carried.add(i);
      if (i.keyword === 'COPY' && i.flags.from === undefined && words.slice(0, -1).every((w) => w === '.' || DEP_FILE.test(path.posix.basename(w)))) carried.add(i);
      if (i.keyword === 'RUN' && /^(\S*\/)?(useradd|adduser|groupadd|addgroup)\b/.test(i.content.replace(/^.*&&\s*/, '')) && !/apt|apk|pip|npm/.test(i.content)) carried.add(i);
      if (i.keyword === 'RUN' && installedPackages(i.content).length > 0 && /apt-get|apk/.test(i.content)) {
        extra.push(...installedPackages(i.content).filter((p) => p !== 'curl' && p !== 'wget'));
        if (!/useradd|adduser|pip|npm/.test(i.content)) carried.add(i);
      }
    }
    if (kind === 'fastapi' && extra.length > 0) add('systemPackages', `[${[...new Set(extra)].map(lit).join(', ')}]`);
    else if (extra.length > 0) notes.push(`system packages ${[...new Set(extra)].join(' ')} of the build stage`);
  }
  // Every build step the construct does not write itself is named, so nothing is lost silently.
  const modelled = new Set(['FROM', 'USER', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'CMD', 'ENTRYPOINT', 'ARG', 'MAINTAINER']);
  for (const s of image.stages) {
    for (const i of s.instructions) {
      if (modelled.has(i.keyword) || carried.has(i)) continue;
      // The general construct's stages named what they could not write (carryStages); an account it creates itself.
      if (kind === 'general' && !(s === image.target && i.keyword === 'RUN' && /useradd|adduser|groupadd|addgroup/.test(i.content))) continue;
      if (kind === 'general' && i.keyword === 'RUN' && /(apt-get|apk|dnf|yum|microdnf)\s+(install|add)|useradd|adduser|groupadd|addgroup/.test(i.content)) {
        // Package installs and accounts: the model writes its own (check tool, user); others are listed.
        const pk = installedPackages(i.content);
        if (pk.length > 0) notes.push(`${image.file}:${i.line} installs ${pk.join(' ')}: add them with systemPackages (or instructions) if the app needs them`);
        continue;
      }
      notes.push(`${image.file}:${i.line} ${i.keyword} ${i.content.replace(/\s*\\\r?\n\s*/g, ' ').replace(/\s+/g, ' ').slice(0, 160)}`);
    }
  }
  const code = [
    `// From ${image.file}${image.target.name ? ` (stage ${image.target.name})` : ''} and ${c.file} (${c.kind === 'PodSpec' ? 'container ' + c.name : `${c.kind}/${c.workload}/${c.name}`}).`,
    `new ${cls}(project, ${lit(id)}, {`,
    ...props,
    '});',
  ].join('\n');
  // Imports: exactly the package's names the statement uses (an unused one fails noUnusedLocals). What the model
  // cannot express (the carry* steps) is refused here, with its fix.
  return { code, imports: usedImports(code), notes, changes, refusals: refusals.map(asRefusal) };
}

/**
 * What binding a port below 1024 through `lowPortSysctl` changes, named: the pod sysctl the original did not set (to
 * the lowest port), and the capabilities the original adds, which the constructs drop (NET_BIND_SERVICE included: the
 * sysctl replaces it where a port is below 1024).
 */
function lowPortChanges(c: K8sContainer, lowest: number): Change[] {
  const out: Change[] = [];
  const had = c.sysctls?.value[UNPRIVILEGED_PORT_SYSCTL];
  if (lowest < 1024 && had !== String(lowest)) {
    out.push({ field: `sysctl ${UNPRIVILEGED_PORT_SYSCTL}`, old: had ?? '(none)', new: `${lowest} (lowPortSysctl: the non-root process binds port ${lowest} through this namespaced pod sysctl; no capability, not root)` });
  }
  const adds = c.capabilities?.value.add ?? [];
  if (adds.length > 0) {
    const bind = adds.some((a) => a.replace(/^CAP_/, '') === 'NET_BIND_SERVICE');
    const why = bind && lowest < 1024 ? `the port below 1024 is bound through the sysctl ${UNPRIVILEGED_PORT_SYSCTL} (lowPortSysctl) instead`
      : bind ? 'every port is from 1024, nothing needs NET_BIND_SERVICE' : 'the constructs drop every capability';
    out.push({ field: 'securityContext.capabilities.add', old: adds.join(','), new: `(none) (capabilities.drop: [ALL]; ${why})` });
  }
  return out;
}

/** A carry step's refusal, `<reason>; fix: <fix>`, as a Refusal. */
function asRefusal(text: string): Refusal {
  const at = text.lastIndexOf('; fix: ');
  return at < 0 ? { reason: text, fix: 'adapt the original by hand' } : { reason: text.slice(0, at), fix: text.slice(at + '; fix: '.length) };
}

/** A DNS label from a name (lowercase, `[a-z0-9-]`, at most 63). */
function label(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '') || 'service';
}

/** One container's adoption: its statement, what it names, and why it is not adopted (every reason), if it is not. */
export interface Adoption {
  readonly id: string;
  readonly container: K8sContainer;
  readonly image: DockerImage;
  readonly code: string;
  readonly imports: string[];
  readonly notes: string[];
  readonly changes: Change[];
  /** Empty when adopted. */
  readonly refusals: Refusal[];
  /** The repository's own files the statement replaces; `optIn` when it needs replaceExisting: true for them. */
  readonly replaces: string[];
  readonly optIn: boolean;
  readonly roundTrip?: RoundTrip;
  /** What it is adopted from when no Kubernetes container runs the image (a Compose service, a Dockerfile alone). */
  readonly side?: AdoptSide;
}

/** The variable a Compose-adopted statement is assigned to (the fragment's ComposeFile lists it). */
export function variableOf(id: string): string {
  return `${id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase()).replace(/^[^A-Za-z]+/, '')}Service`;
}

/** The fragment text of one adoption (its statement, or the statement commented out under every refusal). */
function render(p: Adoption): string {
  const notes = p.notes.map((n) => `// not carried over: ${n}`);
  const changes = p.changes.map(changeComment);
  if (p.refusals.length === 0) {
    let code = p.side?.compose ? p.code.replace(/^new /m, `const ${variableOf(p.id)} = new `) : p.code;
    if (p.optIn) {
      const end = code.lastIndexOf('\n});');
      code = `${code.slice(0, end)}\n  // opt-in: the repository's own ${p.replaces.join(', ')} ${p.replaces.length > 1 ? 'are at paths' : 'is at a path'} this statement writes; projen replaces ${p.replaces.length > 1 ? 'them' : 'it'} only with the next line (a .dockerignore's lines are kept in the generated one)\n  // replaceExisting: true,${code.slice(end)}`;
    }
    return [code, ...changes, ...notes].join('\n') + '\n';
  }
  const reasons = p.refusals.map((r, i) => `// not adopted${p.refusals.length > 1 ? ` (${i + 1}/${p.refusals.length})` : ''}: ${r.reason}; fix: ${r.fix}`);
  return [...reasons, ...p.code.split('\n').map((l) => (l.startsWith('//') ? l : `// ${l}`)), ...changes, ...notes].join('\n') + '\n';
}

/**
 * Adopts every pair: one statement per container, each run in a scratch project (empty, then holding the
 * repository's own files at the paths it writes), every refusal reason collected with its fix; with `roundTrip`,
 * each adopted statement's round trip. A container found in several manifests (overlay copies) is adopted once,
 * from its first manifest; construct ids and names are unique (`<workload>-<container>` when names repeat), and
 * two containers of one Dockerfile are adopted once.
 */
export function adoptAll(pairs: Array<{ container: K8sContainer; image: DockerImage; side?: AdoptSide }>, cwd: string = process.cwd(),
  options: { validate?: boolean; roundTrip?: boolean } = {}): Adoption[] {
  const validate = options.validate ?? true;
  const unique = distinctContainers(pairs);
  const count = new Map<string, number>();
  for (const p of unique) count.set(p.container.name, (count.get(p.container.name) ?? 0) + 1);
  const ids = new Set<string>();
  const dirs = new Map<string, string>();
  const out: Adoption[] = [];
  for (const p of unique) {
    let id = label(count.get(p.container.name)! > 1 ? `${p.container.workload}-${p.container.name}` : p.container.name);
    for (let n = 2; ids.has(id); n++) id = label(`${id.replace(/-\d+$/, '')}-${n}`);
    ids.add(id);
    const one = adoptOne(p.image, p.container, cwd, id);
    // The ENV and COPY lines the notes name, and what the statement leaves out of the manifest, are changes of
    // fields too: named in the change-comment form.
    const whole = { ...one, changes: [...one.changes, ...droppedChanges(p.image, one.notes), ...statementChanges(p.image, p.container, one.code)] };
    // A Compose service or a Dockerfile alone: its own header, checks and named differences (_side.ts).
    const part = p.side ? { ...whole, ...p.side.adjust(whole, id) } : whole;
    const base = { id, container: p.container, image: p.image, ...part, replaces: [] as string[], optIn: false, ...(p.side ? { side: p.side } : {}) };
    // One construct per Dockerfile (several may share a directory: dockerfileName).
    const other = dirs.get(p.image.absFile);
    if (other !== undefined) {
      out.push({ ...base, refusals: [{ reason: `the Dockerfile of ${other} (one construct writes one Dockerfile)`, fix: 'give this workload its own Dockerfile (dockerfileName), or keep it as it is: its manifest (command, args, env) can run the image the other construct builds' }] });
      continue;
    }
    if (!validate) {
      out.push({ ...base });
      continue;
    }
    const code = runnable(part.code);
    const first = synthStatement(code);
    first.dispose();
    // What the model cannot express (the carry* steps) comes first, then the files' and the constructs' reasons.
    let refusals: Refusal[] = [...part.refusals];
    let repo = { replaces: [] as string[], optIn: false } as ReturnType<typeof inRepository>;
    if (first.error) {
      // Refused: every reason, the files' own first, then each of the constructs' errors.
      const files = fileRefusals(p.image, code);
      refusals = [...refusals, ...files, ...constructRefusals(id, code, files)];
    } else if (refusals.length === 0) {
      repo = inRepository(code, cwd, first.files);
      if (repo.refusal) refusals = [repo.refusal];
    }
    if (refusals.length === 0) dirs.set(p.image.absFile, id);
    const adoption: Adoption = { ...base, refusals, replaces: repo.replaces, optIn: repo.optIn };
    const named = options.roundTrip && refusals.length === 0 ? parseChanges(render(adoption)) : undefined;
    const rt = named ? (p.side ? p.side.roundTrip(code, named) : roundTrip(p.image, p.container, code, named)) : undefined;
    out.push(rt ? { ...adoption, roundTrip: rt } : adoption);
  }
  return out;
}

/**
 * The fragment for every pair: one import line naming exactly what the adopted statements use, then one statement
 * per container (`adoptAll`); a statement the constructs refuse is printed commented out under every reason with
 * its fix; each is followed by `// changes:` comments naming what it changes and `// not carried over:` comments
 * naming the Dockerfile lines it does not write.
 */
export function emitProjenrc(pairs: Array<{ container: K8sContainer; image: DockerImage }>, cwd: string = process.cwd(), validate = true): string {
  return renderFragment(adoptAll(pairs, cwd, { validate }));
}

/** The fragment text of adoptions (see emitProjenrc). */
export function renderFragment(parts: readonly Adoption[]): string {
  const composed = parts.filter((p) => p.refusals.length === 0 && p.side?.compose);
  const imports = [...new Set([...parts.filter((p) => p.refusals.length === 0).flatMap((p) => p.imports), ...(composed.length > 0 ? ['ComposeFile'] : [])])].sort();
  const body = [...parts.map(render), ...composeStatements(composed)];
  return [...(imports.length > 0 ? [`import { ${imports.join(', ')} } from 'projen-containers';`, ''] : []), ...body].join('\n');
}

/**
 * One ComposeFile per Compose file of the adopted services: its services, their environment; written beside it as
 * `compose.containers.yaml` (a name of its own: the repository's file is not replaced; run with `docker compose -f`).
 */
function composeStatements(parts: readonly Adoption[]): string[] {
  const byFile = new Map<string, Adoption[]>();
  for (const p of parts) byFile.set(p.side!.compose!.file, [...(byFile.get(p.side!.compose!.file) ?? []), p]);
  let n = 0;
  const dirOf = (f: string) => path.posix.dirname(f.split(path.sep).join('/'));
  return [...byFile].map(([file, ps]) => {
    const dir = dirOf(file);
    // Two Compose files of one folder: each its own name (`docker-compose.prod.containers.yaml`).
    const shared = [...byFile.keys()].filter((f) => dirOf(f) === dir).length > 1;
    const name = shared ? `${path.posix.basename(file.split(path.sep).join('/')).replace(/\.ya?ml$/i, '')}.containers.yaml` : 'compose.containers.yaml';
    const settings = ps.map((p) => p.side!.compose!.settings(variableOf(p.id))).filter((x): x is string => x !== undefined);
    const id = byFile.size > 1 ? `compose-${++n}` : 'compose';
    return [
      `// ${file}'s services ${ps.map((p) => p.id).join(', ')} as the constructs write them: docker compose -f ${dir === '.' ? '' : `${dir}/`}${name} up`,
      `new ComposeFile(project, ${lit(id)}, {`,
      `  filePath: ${lit(`${dir === '.' ? '' : `${dir}/`}${name}`)},`,
      `  services: [${ps.map((p) => variableOf(p.id)).join(', ')}],`,
      ...(ps.some((p) => !p.side!.compose!.publish) ? ['  // Two of these services have the same port: published on the host, they would clash (named above).', '  publishPorts: false,'] : []),
      ...(settings.length > 0 ? [`  serviceSettings: [${settings.join(', ')}],`] : []),
      '});',
      '',
    ].join('\n');
  });
}
