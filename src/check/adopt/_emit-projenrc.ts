/**
 * The adoption path: from an existing Dockerfile and its container's manifest, the `.projenrc.ts`
 * fragment that reproduces them. `FastApiBackend` when the image runs uvicorn on a python base,
 * `StaticFrontend` when nginx serves what a node stage built, else the general `ContainerService`.
 * Every string is a TypeScript string literal (JSON.stringify).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import { carryCommand, isShellForm, workersOf } from './_command';
import { carryMounts } from './_mounts';
import { carryProbes, servicePort } from './_probes';
import { carryStages } from './_stages';
import { distinctContainers } from './_workloads';
import * as dockerfile from '../../dockerfile';
import { BaseImage } from '../../dockerfile/base-image';
import * as duration from '../../duration';
import * as health from '../../health';
import * as presets from '../../presets';
import * as service from '../../service';
import { imageName, toolsOfCheck, K8sContainer, argvOf, DockerImage, DockerInstruction, installedPackages } from '../read';

// The package's exports the emitted statements name, from the feature folders that hold them (the package root,
// src/index.ts, is above the checker).
const library: Readonly<Record<string, unknown>> = { ...duration, ...dockerfile, ...health, ...service, ...presets };

const lit = (s: string) => JSON.stringify(s);

/** Account names from `useradd`/`adduser` and `groupadd`/`addgroup` lines of the chain. */
function accounts(image: DockerImage): { name?: string; group?: string } {
  const out: { name?: string; group?: string } = {};
  for (const s of image.chain) {
    for (const i of s.instructions.filter((x) => x.keyword === 'RUN')) {
      for (const part of i.content.split(/&&|;/)) {
        const words = part.trim().split(/\s+/);
        const last = words[words.length - 1];
        if (words[0] === 'useradd' || words[0] === 'adduser') out.name = last;
        if (words[0] === 'groupadd' || words[0] === 'addgroup') out.group = last;
      }
    }
  }
  return out;
}

function kindOf(image: DockerImage): 'fastapi' | 'static' | 'general' {
  const cmd = [...argvOf(image.entrypoint), ...argvOf(image.cmd)];
  // A shell-form command that uses the shell ($VAR, quotes, redirections, &&): the general construct carries it exactly.
  if ([image.entrypoint, image.cmd].some((i) => isShellForm(i) && /[$'"`|&;<>()\\]/.test(i!.content))) return 'general';
  const { repo } = imageName(image.base);
  if (repo === 'python' && cmd.some((w, i) => path.basename(w) === 'uvicorn' || (path.basename(w) === 'fastapi' && cmd[i + 1] === 'run'))) return 'fastapi';
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
  : { code: string; imports: string[]; notes: string[]; refusals: string[] } {
  const kind = kindOf(image);
  const notes: string[] = [];
  const carried = new Set<DockerInstruction>();
  const imports = new Set<string>();
  const refusals: string[] = [];
  const props: string[] = [];
  const add = (k: string, v: string | undefined) => {
    if (v !== undefined) props.push(`  ${k}: ${v},`);
  };
  const hc = image.healthcheck && !image.healthcheck.none ? image.healthcheck : undefined;
  const { port, name: portName } = servicePort(image, c);

  add('name', lit(id));
  add('directory', lit(path.relative(cwd, path.dirname(image.absFile)).split(path.sep).join('/') || '.'));
  add('kubernetesFile', /\.ya?ml$/.test(c.file) && c.kind === 'PodSpec' ? lit(c.file.split(path.sep).join('/')) : undefined);
  const dockerfileName = path.basename(image.absFile);
  add('dockerfileName', dockerfileName === 'Dockerfile' ? undefined : lit(dockerfileName));
  const cmd = [...argvOf(image.entrypoint), ...argvOf(image.cmd)];
  const allInstrs = image.stages.flatMap((s) => s.instructions);
  if (kind === 'fastapi') {
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
    for (const r of nginxRoutes(image)) notes.push(`nginx route not generated by StaticFrontend: ${r}`);
  } else {
    imports.add('BaseImage');
    // fromReference infers the family (distroless, Alpine, Debian) and nginx-unprivileged's own account.
    add('baseImage', `BaseImage.fromReference(${lit(image.base)})`);
    // ENTRYPOINT and CMD as Docker runs them (a shell form as /bin/sh -c <text>); the manifest's command and args named.
    const run = carryCommand(image, c);
    add('entrypoint', run.entrypoint ? `[${run.entrypoint.map(lit).join(', ')}]` : undefined);
    add('command', run.command ? `[${run.command.map(lit).join(', ')}]` : undefined);
    add('commandComment', run.commandComment ? lit(run.commandComment) : undefined);
    notes.push(...run.notes);
    if (image.entrypoint) carried.add(image.entrypoint);
    if (image.cmd) carried.add(image.cmd);
    // The build stages and the final stage's own steps, as DockerfileStage and Instruction code.
    const st = carryStages(image);
    add('buildStages', st.buildStages);
    add('from', st.from ? lit(st.from) : undefined);
    add('stageName', image.target.name && /^[a-z][a-z0-9_.-]*$/.test(image.target.name) && image.target.name !== 'production' ? lit(image.target.name) : undefined);
    add('instructions', st.instructions);
    st.imports.forEach((i) => imports.add(i));
    st.carried.forEach((i) => carried.add(i));
    notes.push(...st.notes);
  }
  add('port', port !== undefined ? String(port) : undefined);
  // No port anywhere (no containerPort, no EXPOSE, no URL in the check, no probe port) and an exec or no livenessProbe: a worker.
  add('noPort', port === undefined && (c.liveness?.kind === 'exec' || !c.liveness) ? 'true' : undefined);
  add('portName', portName ? lit(portName) : undefined);
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
  const [uidText, gidText] = (image.user?.value ?? '').split(':');
  const user: string[] = [];
  const names = accounts(image);
  if (names.name) user.push(`name: ${lit(names.name)}`);
  const uid = /^\d+$/.test(uidText ?? '') ? Number(uidText) : c.runAsUser?.value;
  if (uid !== undefined) user.push(`uid: ${uid}`);
  if (names.group) user.push(`group: ${lit(names.group)}`);
  if (/^\d+$/.test(gidText ?? '')) user.push(`gid: ${Number(gidText)}`);
  // A base image with its own account (node, distroless nonroot, nginx-unprivileged) runs as it when user is unset.
  let own: { uid: number; gid: number } | undefined;
  try {
    own = BaseImage.fromReference(image.base)._resolve('baseImage').user;
  } catch {
    own = undefined;
  }
  const gid = /^\d+$/.test(gidText ?? '') ? Number(gidText) : undefined;
  const ownAccount = own !== undefined && uid === own.uid && (gid === undefined || gid === own.gid);
  if (user.length > 0 && !ownAccount) props.push(`  user: { ${user.join(', ')} },`);

  const labels: string[] = [];
  for (const k of ['title', 'description', 'vendor', 'licenses']) {
    const v = image.labels[`org.opencontainers.image.${k}`];
    if (v !== undefined) labels.push(`${k}: ${lit(v)}`);
  }
  if (labels.length > 0) props.push(`  labels: { ${labels.join(', ')} },`);
  // Writable paths carried; Secret/ConfigMap mounts, env and extra ports named.
  const mounts = carryMounts(image, c, kind === 'fastapi' ? ['/app'] : [], port);
  add('writablePaths', mounts.writablePaths ? `[${mounts.writablePaths.map(lit).join(', ')}]` : undefined);
  notes.push(...mounts.notes);

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
      if (i.keyword === 'WORKDIR' && i.content === '/app') carried.add(i);
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
  return { code, imports: [...imports], notes, refusals };
}

/** A DNS label from a name (lowercase, `[a-z0-9-]`, at most 63). */
function label(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '') || 'service';
}

/**
 * Runs one statement as the fragment would (the statements are JavaScript as well as TypeScript) in a scratch
 * project synthesized into a temporary folder: the constructs' own validation. Returns the error, if any.
 */
export function validateStatement(code: string, imports: string[]): string | undefined {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-adopt-'));
  try {
    const project = new Project({ name: 'adopt-check', outdir });
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('project', ...imports, code)(project, ...imports.map((i) => library[i]));
    project.synth();
    return undefined;
  } catch (e) {
    return ((e as Error).message ?? String(e)).split('\n')[0];
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The fragment for every pair: one import line, then one statement per container, each validated by running it
 * (a statement the constructs refuse is printed commented out, with their error), each followed by comments
 * naming what it could not carry over. A container found in several manifests (overlay copies) is adopted once,
 * from its first manifest; construct ids and names are unique (`<workload>-<container>` when names repeat), and
 * two containers of one Dockerfile directory are adopted once.
 */
export function emitProjenrc(pairs: Array<{ container: K8sContainer; image: DockerImage }>, cwd: string = process.cwd(), validate = true): string {
  const unique = distinctContainers(pairs);
  const count = new Map<string, number>();
  for (const p of unique) count.set(p.container.name, (count.get(p.container.name) ?? 0) + 1);
  const ids = new Set<string>();
  const dirs = new Map<string, string>();
  const parts: Array<{ code: string; imports: string[]; notes: string[]; refusals: string[]; error?: string }> = [];
  for (const p of unique) {
    let id = label(count.get(p.container.name)! > 1 ? `${p.container.workload}-${p.container.name}` : p.container.name);
    for (let n = 2; ids.has(id); n++) id = label(`${id.replace(/-\d+$/, '')}-${n}`);
    ids.add(id);
    const part = adoptOne(p.image, p.container, cwd, id);
    // One construct per Dockerfile (several may share a directory: dockerfileName).
    const dir = p.image.absFile;
    const other = dirs.get(dir);
    if (other !== undefined) {
      parts.push({ ...part, error: `the Dockerfile of ${other} (one construct writes one Dockerfile); fix: give this workload its own Dockerfile (dockerfileName), or keep it as it is: its manifest (command, args, env) can run the image the other construct builds` });
      continue;
    }
    // What the model cannot express (carry*), then the constructs' own error, all at once.
    const invalid = validate ? validateStatement(part.code.split('\n').filter((l) => !l.startsWith('//')).join('\n'), part.imports) : undefined;
    const error = [...part.refusals, ...(invalid ? [invalid] : [])].join('; ') || undefined;
    if (!error) dirs.set(dir, id);
    parts.push({ ...part, error });
  }
  const used = parts.filter((p) => !p.error);
  const imports = [...new Set(used.flatMap((p) => p.imports))].sort();
  const body = parts.map((p) => {
    const notes = p.notes.map((n) => `// not carried over: ${n}`);
    if (!p.error) return [p.code, ...notes].join('\n') + '\n';
    return [`// not adopted: ${p.error}`, ...p.code.split('\n').map((l) => (l.startsWith('//') ? l : `// ${l}`)), ...notes].join('\n') + '\n';
  });
  return [...(imports.length > 0 ? [`import { ${imports.join(', ')} } from 'projen-containers';`, ''] : []), ...body].join('\n');
}
