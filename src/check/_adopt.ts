/**
 * The adoption path: from an existing Dockerfile and its container's manifest, the `.projenrc.ts`
 * fragment that reproduces them. `FastApiBackend` when the image runs uvicorn on a python base,
 * `StaticFrontend` when nginx serves what a node stage built, else the general `ContainerService`.
 * Every string is a TypeScript string literal (JSON.stringify).
 */
import * as fs from 'fs';
import * as path from 'path';
import { argvOf, DockerImage } from './_read-dockerfile';
import { K8sContainer, ProbeFacts } from './_read-manifests';
import { checkUrl, imageName, toolsOfCheck } from './_tools';
import { BaseImage } from '../dockerfile/base-image';

const lit = (s: string) => JSON.stringify(s);
const secs = (s: number) => `Duration.seconds(${Math.max(1, Math.round(s))})`;

function checkExpr(p: ProbeFacts | undefined, fallbackPath?: string): string | undefined {
  if (!p) return fallbackPath !== undefined ? `HealthCheck.httpGet({ path: ${lit(fallbackPath)} })` : undefined;
  if (p.kind === 'httpGet') return `HealthCheck.httpGet({ path: ${lit(p.path ?? '/')} })`;
  if (p.kind === 'tcpSocket') return 'HealthCheck.tcpSocket()';
  if (p.kind === 'exec' && p.command) return `HealthCheck.exec([${p.command.map(lit).join(', ')}])`;
  if (p.kind === 'grpc') return p.service ? `HealthCheck.grpc({ service: ${lit(p.service)} })` : 'HealthCheck.grpc()';
  return undefined;
}

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
  const { repo } = imageName(image.base);
  if (repo === 'python' && cmd.some((w, i) => path.basename(w) === 'uvicorn' || (path.basename(w) === 'fastapi' && cmd[i + 1] === 'run'))) return 'fastapi';
  if (repo === 'nginx' && image.stages.some((s) => s !== image.target && imageName(s.from).repo === 'node')) return 'static';
  return 'general';
}

/** One container's fragment (a `new ...(project, id, {...});` statement). */
export function adoptOne(image: DockerImage, c: K8sContainer, cwd: string): Adopted {
  const kind = kindOf(image);
  const imports = new Set(['Duration', 'HealthCheck']);
  const props: string[] = [];
  const add = (k: string, v: string | undefined) => {
    if (v !== undefined) props.push(`  ${k}: ${v},`);
  };
  const hc = image.healthcheck && !image.healthcheck.none ? image.healthcheck : undefined;
  const url = hc ? checkUrl(hc.argv) : undefined;
  const port = c.ports[0]?.containerPort ?? image.exposes[0]?.port ?? url?.port;

  add('name', lit(c.name));
  add('directory', lit(path.relative(cwd, path.dirname(image.absFile)).split(path.sep).join('/') || '.'));
  add('kubernetesFile', /\.ya?ml$/.test(c.file) && c.kind === 'PodSpec' ? lit(c.file.split(path.sep).join('/')) : undefined);
  const dockerfileName = path.basename(image.absFile);
  add('dockerfileName', dockerfileName === 'Dockerfile' ? undefined : lit(dockerfileName));
  const cmd = [...argvOf(image.entrypoint), ...argvOf(image.cmd)];
  if (kind === 'fastapi') {
    const { tag } = imageName(image.base);
    const ver = /^(\d+\.\d+(?:\.\d+)?)-slim$/.exec(tag);
    if (ver) add('pythonVersion', lit(ver[1]));
    else add('baseImage', lit(image.base));
    const mod = cmd.find((w) => /^[A-Za-z_][\w.]*:[A-Za-z_]\w*$/.test(w));
    add('appModule', mod ? lit(mod) : undefined);
    const w = cmd.indexOf('--workers');
    add('workers', w >= 0 && /^\d+$/.test(cmd[w + 1] ?? '') ? cmd[w + 1] : undefined);
  } else if (kind === 'static') {
    const build = image.stages.find((s) => s !== image.target && imageName(s.from).repo === 'node');
    add('nodeImage', build ? lit(build.from) : undefined);
    add('nginxImage', lit(image.base));
  } else {
    imports.add('BaseImage');
    // fromReference infers the family (distroless, Alpine, Debian) and nginx-unprivileged's own account.
    add('baseImage', `BaseImage.fromReference(${lit(image.base)})`);
    if (image.entrypoint) add('entrypoint', `[${argvOf(image.entrypoint).map(lit).join(', ')}]`);
    if (image.cmd) add('command', `[${argvOf(image.cmd).map(lit).join(', ')}]`);
  }
  add('port', port !== undefined ? String(port) : undefined);
  // No port anywhere (no containerPort, no EXPOSE, no URL in the check): a worker.
  add('noPort', port === undefined ? 'true' : undefined);
  add('portName', c.ports[0]?.name ? lit(c.ports[0].name) : undefined);
  add('healthCheck', checkExpr(c.liveness, url?.path));
  add('readinessCheck', checkExpr(c.readiness));
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
  const live = c.liveness;
  const timing: string[] = [];
  const interval = hc?.interval ?? live?.periodSeconds;
  if (interval !== undefined) timing.push(`interval: ${secs(interval)}`);
  const timeout = hc?.timeout ?? live?.timeoutSeconds;
  if (timeout !== undefined) timing.push(`timeout: ${secs(timeout)}`);
  const startPeriod = hc?.startPeriod || (c.startup ? c.startup.periodSeconds * c.startup.failureThreshold : live?.initialDelaySeconds);
  if (startPeriod) timing.push(`startPeriod: ${secs(startPeriod)}`);
  const startInterval = c.startup?.periodSeconds ?? hc?.startInterval;
  if (startInterval) timing.push(`startInterval: ${secs(startInterval)}`);
  const retries = hc?.retries ?? live?.failureThreshold;
  if (retries !== undefined) timing.push(`retries: ${retries}`);
  if (timing.length > 0) props.push(`  timing: { ${timing.join(', ')} },`);
  if (!c.startup && live && live.initialDelaySeconds > 0) {
    imports.add('StartPeriodMapping');
    add('startPeriodMapping', 'StartPeriodMapping.INITIAL_DELAY');
  }
  if (hc?.startInterval !== undefined) add('dockerStartInterval', 'true');
  if (c.readiness && c.readiness.successThreshold !== 1) add('readinessSuccessThreshold', String(c.readiness.successThreshold));
  const grace = live?.terminationGracePeriodSeconds ?? c.startup?.terminationGracePeriodSeconds;
  if (grace !== undefined) add('probeTerminationGracePeriod', secs(grace));

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
    own = kind === 'general' ? BaseImage.fromReference(image.base)._resolve('baseImage').user : undefined;
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
  const writable = c.mounts.map((m) => m.path).filter((p) => p.startsWith('/'));
  if (writable.length > 0) add('writablePaths', `[${writable.map(lit).join(', ')}]`);

  const cls = kind === 'fastapi' ? 'FastApiBackend' : kind === 'static' ? 'StaticFrontend' : 'ContainerService';
  imports.add(cls);
  return {
    name: c.name,
    comment: `// From ${image.file}${image.target.name ? ` (stage ${image.target.name})` : ''} and ${c.file} (container ${c.name}).`,
    statement: `new ${cls}(project, ${lit(c.name)}, {`,
    props,
    imports: [...imports],
    proxies: kind === 'static' ? nginxProxies(path.join(path.dirname(image.absFile), 'nginx.conf')) : [],
  };
}

/** One adopted container, before the containers its nginx proxies to are known. */
interface Adopted {
  readonly name: string;
  readonly comment: string;
  readonly statement: string;
  readonly props: string[];
  readonly imports: string[];
  /** Reverse-proxy locations of its nginx.conf: location prefix and upstream host. */
  readonly proxies: Array<{ path: string; host: string; port: number }>;
}

/** The `location ^~ <prefix> { proxy_pass http://<host>:<port>; ... }` blocks of an nginx.conf, if the file exists. */
function nginxProxies(file: string): Array<{ path: string; host: string; port: number }> {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  const re = /location\s+(?:\^~\s+)?(\/\S*)\s*\{[^}]*?proxy_pass\s+http:\/\/([a-z0-9.-]+):(\d+)\s*;/g;
  return [...text.matchAll(re)].map((m) => ({ path: m[1], host: m[2], port: Number(m[3]) }));
}

/** A TypeScript variable name for a container name (`my-api` -> `myApi`). */
const varName = (name: string) => name.replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase()).replace(/^(\d)/, '_$1');

/**
 * The fragment for every pair: one import line, then one statement per container. A container found in several
 * manifests (a snippet and a kustomize patch, say) is adopted once, from its first manifest.
 */
export function emitProjenrc(pairs: Array<{ container: K8sContainer; image: DockerImage }>, cwd: string = process.cwd()): string {
  const seen = new Set<string>();
  const unique = pairs.filter((p) => {
    const key = `${p.container.name}\u0000${p.image.file}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const adopted = unique.map((p) => adoptOne(p.image, p.container, cwd));
  // A container another one's nginx proxies to gets a variable, and comes first.
  const targets = new Set(adopted.flatMap((a) => a.proxies.map((p) => p.host)).filter((h) => adopted.some((a) => a.name === h)));
  const ordered = [...adopted.filter((a) => targets.has(a.name)), ...adopted.filter((a) => !targets.has(a.name))];
  const codes = ordered.map((a) => {
    const props = [...a.props];
    const known = a.proxies.filter((p) => targets.has(p.host));
    if (known.length > 0) props.push(`  proxies: [${known.map((p) => `{ path: ${lit(p.path)}, service: ${varName(p.host)} }`).join(', ')}],`);
    for (const p of a.proxies.filter((x) => !targets.has(x.host))) {
      props.push(`  // nginx.conf proxies ${p.path} to ${p.host}:${p.port}, a container not adopted here: adopt it too, then proxies: [{ path: ${lit(p.path)}, service: <it> }].`);
    }
    const statement = targets.has(a.name) ? `const ${varName(a.name)} = ${a.statement}` : a.statement;
    return [a.comment, statement, ...props, '});'].join('\n');
  });
  const imports = [...new Set(adopted.flatMap((p) => p.imports))].sort();
  return [`import { ${imports.join(', ')} } from 'projen-containers';`, '', ...codes.map((c) => c + '\n')].join('\n');
}
