// Adoption of a Compose service built from a Dockerfile here: the service as Compose runs it (its command, healthcheck, user over the image's), its statement, and its round trip against the Compose file the constructs write.
import * as fs from 'fs';
import * as path from 'path';
import { Change } from './_changes';
import { hardeningOf } from './_hardening';
import { emptyContainer, nameOfDockerfile, withoutWorkload, dockerfileSide } from './_image-only';
import { servicePort } from './_probes';
import { compare, Difference, RoundTrip } from './_round-trip';
import { synthStatement, writtenDockerfile } from './_scratch';
import { AdoptSide, StatementParts } from './_side';
import { ComposeRun, ComposeService, DockerImage, DockerInstruction, HealthcheckFacts, isComposeFile, K8sContainer, readComposeFile, readComposeRun, readDockerfile } from '../read';

const lit = (s: string) => JSON.stringify(s);
const NONE = '(none)';

/** A CMD or ENTRYPOINT in exec form, as Compose's `command:` / `entrypoint:` sets it. */
function execInstruction(keyword: string, argv: string[], line: number): DockerInstruction {
  const content = JSON.stringify(argv);
  return { keyword, line, content, flags: {}, args: argv, properties: [], vars: {}, expanded: content };
}

/** The image's HEALTHCHECK with the service's `healthcheck:` over it, field by field, as the engine merges them. */
function mergedHealthcheck(image: DockerImage, s: ComposeService): HealthcheckFacts | undefined {
  const own = image.healthcheck;
  const c = s.healthcheck;
  if (!c) return own;
  if (c.disabled) return { line: c.line, none: true, form: 'exec', argv: [], interval: 30, timeout: 30, startPeriod: 0, retries: 3, flags: {} };
  if (!c.argv && (!own || own.none)) return own;
  const flags: Record<string, string> = { ...(own?.flags ?? {}) };
  if (c.interval !== undefined) flags.interval = `${c.interval}s`;
  if (c.timeout !== undefined) flags.timeout = `${c.timeout}s`;
  if (c.startPeriod !== undefined) flags['start-period'] = `${c.startPeriod}s`;
  if (c.startInterval !== undefined) flags['start-interval'] = `${c.startInterval}s`;
  if (c.retries !== undefined) flags.retries = String(c.retries);
  return {
    line: c.testLine,
    none: false,
    form: c.argv ? c.form! : own!.form,
    argv: c.argv ?? own!.argv,
    interval: c.interval ?? own?.interval ?? 30,
    timeout: c.timeout ?? own?.timeout ?? 30,
    startPeriod: c.startPeriod ?? own?.startPeriod ?? 0,
    startInterval: c.startInterval ?? own?.startInterval,
    retries: c.retries ?? own?.retries ?? 3,
    flags,
  };
}

/** A mount as the round trip names it: `volume:<name>`, `bind:<path>`, `emptyDir:tmpfs`. */
function mountSource(v: ComposeRun['volumes'][number]): string {
  return v.type === 'tmpfs' ? 'emptyDir:tmpfs' : `${v.type}${v.source ? `:${v.source}` : ''}`;
}

/**
 * The service as Compose runs it, in the round trip's terms: the image with the service's `entrypoint`/`command`
 * (an `entrypoint` clears the image's CMD), `user` and `healthcheck` over its own, and a container holding the
 * service's ports, environment, volumes and security settings. `mounts` picks the volumes the container holds.
 */
export function composeView(image: DockerImage, s: ComposeService, run: ComposeRun,
  options: { readonly mounts?: (v: ComposeRun['volumes'][number]) => boolean; readonly ports?: boolean } = {})
  : { image: DockerImage; container: K8sContainer } {
  const mounts = options.mounts ?? (() => true);
  const entrypoint = run.entrypoint ? (run.entrypoint.length > 0 ? execInstruction('ENTRYPOINT', run.entrypoint, s.line) : undefined) : image.entrypoint;
  const cmd = run.command ? execInstruction('CMD', run.command, s.line) : run.entrypoint ? undefined : image.cmd;
  const user = run.user !== undefined ? { value: run.user, line: s.line, resolved: true } : image.user;
  const viewImage: DockerImage = { ...image, entrypoint, cmd, user, healthcheck: mergedHealthcheck(image, s) };
  const ports = new Map<string, K8sContainer['ports'][number]>();
  for (const p of options.ports === false ? [] : run.ports) ports.set(`${p.target}/${p.protocol}`, { containerPort: p.target, protocol: p.protocol.toUpperCase(), line: s.line });
  const drop = run.capDrop.map((x) => x.toUpperCase());
  const add = run.capAdd.map((x) => x.toUpperCase());
  const container: K8sContainer = {
    ...emptyContainer(s.file, s.name, s.line, 'Compose'),
    ports: [...ports.values()],
    mounts: run.volumes.filter(mounts).map((v) => ({ path: v.target, line: s.line, name: v.source, readOnly: v.readOnly, source: mountSource(v) })),
    env: run.environment.map(([k, v]) => (v === undefined ? `${k} from the host environment` : `${k}=${v}`)),
    envFrom: run.envFile ? ['env_file'] : undefined,
    readOnlyRootFilesystem: run.readOnly !== undefined ? { value: run.readOnly, line: s.line } : undefined,
    allowPrivilegeEscalation: run.securityOpt.some((o) => /^no-new-privileges(:true|=true)?$/.test(o)) ? { value: false, line: s.line } : undefined,
    capabilities: drop.length + add.length > 0 ? { value: { drop, add }, line: s.line } : undefined,
    sysctls: Object.keys(run.sysctls).length > 0 ? { value: run.sysctls, line: s.line } : undefined,
  };
  return { image: viewImage, container };
}

/** The host side of each published port: `publish <target>` = the host port, `publish <target>.host` = the address. */
function publishFacts(run: ComposeRun): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of run.ports.filter((x) => !x.exposeOnly)) {
    out.set(`publish ${p.target}`, p.published ?? 'a random host port');
    out.set(`publish ${p.target}.host`, p.hostIp ?? 'all addresses');
  }
  return out;
}

/**
 * `expose <port>` for each `expose:` entry of the original service (a Compose-side declaration: other services reach
 * the port, the host does not): `set` where the other side declares that port to Compose (`expose:` or `ports:`).
 */
function exposeFacts(original: ComposeRun, side: ComposeRun): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of original.ports.filter((x) => x.exposeOnly)) {
    const key = `expose ${p.target}${p.protocol === 'tcp' ? '' : `/${p.protocol}`}`;
    out.set(key, side.ports.some((q) => q.target === p.target && q.protocol === p.protocol) ? 'set' : NONE);
  }
  return out;
}

/** `depends_on <service>` = its condition. */
function dependsFacts(s: ComposeService): Map<string, string> {
  return new Map(s.dependsOn.map((d) => [`depends_on ${d.service}`, `${d.condition}${d.required ? '' : ' (required: false)'}`]));
}

/** The differences of the Compose-only facts (published ports, depends_on), classified as the round trip does. */
function composeDifferences(a: Map<string, string>, b: Map<string, string>, changes: readonly Change[])
  : { carried: string[]; differences: Difference[] } {
  const carried: string[] = [];
  const differences: Difference[] = [];
  for (const k of [...new Set([...a.keys(), ...b.keys()])]) {
    const o = a.get(k) ?? NONE;
    const n = b.get(k) ?? NONE;
    if (o === n) {
      carried.push(k);
      continue;
    }
    const named = changes.some((c) => k === c.field || k.startsWith(`${c.field}.`) || k.startsWith(`${c.field} `));
    // Publishing on the loopback address only (where all addresses were published) is in the hardening list.
    differences.push({ field: k, old: o, new: n, class: named ? 'named' : hardeningOf(k, o, n) ? 'hardening' : 'unlisted' });
  }
  return { carried, differences };
}

/** The single-service Compose statement the round trip runs after the service's statement. */
function composeStatement(settings: string | undefined, publish: boolean): string {
  return `new ComposeFile(project, "compose", { services: [service]${settings ? `, serviceSettings: [${settings}]` : ''}${publish ? '' : ', publishPorts: false'} });`;
}

/** The environment the Compose statement writes (literal values), and the variables it cannot write, as changes. */
function environmentOf(run: ComposeRun, file: string): { written: Array<[string, string]>; changes: Change[]; notes: string[] } {
  const written: Array<[string, string]> = [];
  const changes: Change[] = [];
  const notes: string[] = [];
  for (const [k, v] of run.environment) {
    if (v === undefined) {
      changes.push({ field: `env ${k}`, old: `${k} from the host environment`, new: NONE });
      notes.push(`${file}: environment ${k} (no value: Compose takes it from the shell that runs it): keep it in a Compose file of your own`);
      continue;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
      changes.push({ field: `env ${k}`, old: v, new: NONE });
      continue;
    }
    written.push([k, v]);
    // An interpolation left as written (no value in .env): Compose filled it from the shell; the constructs write it literally.
    if (/\$\{?[A-Za-z_]/.test(v)) changes.push({ field: `env ${k}`, old: `${v} (interpolated by Compose when it runs)`, new: `${v} (literal: the constructs write $$)` });
  }
  if (run.envFile) notes.push(`${file}: env_file: the variables it reads are not written; keep it in a Compose file of your own`);
  return { written, changes, notes };
}

/** The side of a Compose service built from a Dockerfile here (with no Kubernetes container running the image). */
export function composeSide(image: DockerImage, s: ComposeService, run: ComposeRun, publish = true): AdoptSide {
  const env = environmentOf(run, s.file);
  const settings = (v: string) => (env.written.length > 0 ? `{ service: ${v}, environment: { ${env.written.map(([k, x]) => `${lit(k)}: ${lit(x)}`).join(', ')} } }` : undefined);
  // Volumes: a tmpfs is a writable path (the Compose file writes one); every other volume stays the user's, named.
  const kept = (v: ComposeRun['volumes'][number]) => v.type === 'tmpfs';
  const view = composeView(image, s, run);
  return {
    source: 'compose',
    describe: `${s.file} service ${s.name}`,
    adjust: (parts: StatementParts) => {
      const hc = view.image.healthcheck && !view.image.healthcheck.none ? view.image.healthcheck : undefined;
      const base: { -readonly [K in keyof StatementParts]: StatementParts[K] } = withoutWorkload(parts, view.image, hc,
        `// From ${image.file}${image.target.name ? ` (stage ${image.target.name})` : ''} and ${s.file} (service ${s.name}).`,
        'Kubernetes: no manifest deploys this image; the Deployment snippet and probes the statement writes are new files (nothing existing changes). '
        + 'Compose: the service is written to the ComposeFile below');
      // A check from the Compose file: its lines are the Compose file's, not the Dockerfile's.
      if (hc && s.healthcheck?.argv) {
        const from = (t: string) => t.split(`${image.file}:${hc.line} HEALTHCHECK`).join(`${s.file}:${hc.line} healthcheck`).split(`(${image.file}:${hc.line})`).join(`(${s.file}:${hc.line})`);
        base.code = from(base.code);
        base.notes = base.notes.map(from);
      }
      const changes: Change[] = [...base.changes.filter((c) => !/^env /.test(c.field) || !env.written.some(([k]) => c.field === `env ${k}`)), ...env.changes];
      const notes = [...base.notes, ...env.notes];
      for (const v of run.volumes.filter((x) => !kept(x))) {
        changes.push({ field: `volumeMount ${v.target}`, old: `${mountSource(v)}${v.readOnly ? ' read-only' : ''}`, new: NONE });
        notes.push(`${s.file}: ${v.type} ${v.source ?? '(anonymous)'} at ${v.target}${v.readOnly ? ' (read-only)' : ''}: the ComposeFile writes no volumes (a tmpfs at each writable path only); keep it in a Compose file of your own`);
      }
      // cap_add: the ComposeFile writes cap_drop: [ALL] and adds none back.
      if (run.capAdd.length > 0) changes.push({ field: 'securityContext.capabilities.add', old: run.capAdd.map((x) => x.toUpperCase()).join(','), new: `${NONE} (the ComposeFile drops every capability)` });
      for (const d of s.dependsOn) {
        changes.push({ field: `depends_on ${d.service}`, old: d.condition, new: NONE });
        notes.push(`${s.file}:${d.line} depends_on ${d.service} (${d.condition}): not written; add it with the ComposeFile's dependencies (service_healthy) or serviceSettings.dependsOn with extraServices`);
      }
      const model = /^\s*port: (\d+),$/m.exec(base.code)?.[1];
      if (!publish) {
        // Another service of the same Compose file has the same port: the ComposeFile publishes none (publishPorts: false).
        for (const p of run.ports.filter((x) => !x.exposeOnly)) {
          changes.push({ field: `publish ${p.target}`, old: p.published ?? 'a random host port', new: `${NONE} (publishPorts: false: another service of ${s.file} has port ${model ?? p.target} too)` });
        }
      } else if (model !== undefined && !run.ports.some((p) => !p.exposeOnly && String(p.target) === model)) {
        changes.push({ field: `publish ${model}`, old: NONE, new: `${model} on 127.0.0.1 (the ComposeFile publishes the service's port; publishPorts: false to publish none)` });
      }
      for (const p of run.ports.filter((x) => publish && !x.exposeOnly)) {
        if (p.published !== String(p.target) || String(p.target) !== model) {
          changes.push({ field: `publish ${p.target}`, old: p.published ?? 'a random host port', new: String(p.target) === model ? `${model} on 127.0.0.1` : `${NONE} (the ComposeFile publishes the model's one port, ${model ?? 'none'})` });
        }
      }
      if (run.readOnly === false || run.capAdd.length > 0) notes.push(`${s.file}: read_only/cap_add of the service: the ComposeFile writes read_only: true and cap_drop: [ALL]`);
      return { ...base, changes, notes };
    },
    roundTrip: (code, changes) => composeRoundTrip(view, s, run, code, settings('service'), publish, changes),
    compose: { file: s.file, settings, publish },
  };
}

/** Synthesizes the statement and a one-service ComposeFile, reads back the Dockerfile and compose.yaml, compares as Compose runs each. */
function composeRoundTrip(original: { image: DockerImage; container: K8sContainer }, s: ComposeService, run: ComposeRun, code: string,
  settings: string | undefined, publish: boolean, changes: readonly Change[]): RoundTrip {
  const sx = synthStatement(`const service = ${code.trim()}\n${composeStatement(settings, publish)}`);
  try {
    if (sx.error) return { carried: [], differences: [], error: sx.error };
    const dockerfile = writtenDockerfile(sx.files);
    const composeFile = sx.files.find((f) => isComposeFile(f));
    if (!dockerfile || !composeFile) return { carried: [], differences: [], error: `the statement wrote no ${dockerfile ? 'Compose file' : 'Dockerfile'}` };
    const abs = path.join(sx.outdir, composeFile);
    const generatedImage = readDockerfile(path.join(sx.outdir, dockerfile), sx.outdir);
    const service = readComposeFile(abs, (f) => path.relative(sx.outdir, f)).find((x) => x.build !== undefined);
    const genRun = service ? readComposeRun(abs, service.name) : undefined;
    if (!service || !genRun || !fs.existsSync(abs)) return { carried: [], differences: [], error: 'the Compose file written has no service' };
    // Ports: what is published is compared as `publish <port>` (below); EXPOSE as the image's.
    const generated = composeView(generatedImage, service, genRun, { ports: false });
    const rt = compare({ image: original.image, container: { ...original.container, ports: [] } }, generated, changes);
    // An EXPOSE the generated image adds for a port the service published or exposed (`expose:`, compared as Compose's
    // own declaration below): it documents that port, nothing changes.
    const published = new Set(run.ports.map((p) => `port ${p.target}`));
    const same = rt.differences.filter((d) => published.has(d.field) && d.old === NONE && d.new === 'EXPOSE');
    rt.carried.push(...same.map((d) => d.field));
    rt.differences.splice(0, rt.differences.length, ...rt.differences.filter((d) => !same.includes(d)));
    const before = new Map([...publishFacts(run), ...exposeFacts(run, run), ...dependsFacts(s)]);
    const extra = composeDifferences(before, new Map([...publishFacts(genRun), ...exposeFacts(run, genRun), ...dependsFacts(service)]), changes);
    return { carried: [...rt.carried, ...extra.carried], differences: [...rt.differences, ...extra.differences] };
  } finally {
    sx.dispose();
  }
}

/** The stage a Compose `build:` builds: its `target`, else the last stage (among the images read, else read here). */
function imageOfBuild(images: readonly DockerImage[], s: ComposeService, cwd: string): DockerImage | undefined {
  const file = s.build?.dockerfile;
  if (!file) return undefined;
  const target = s.build?.target?.toLowerCase();
  const found = images.find((i) => i.absFile === file && (target ? i.target.name === target : i.target === i.stages[i.stages.length - 1]));
  if (found) return found;
  try {
    return readDockerfile(file, cwd, target);
  } catch {
    // Unreadable, or no such stage: the check names it (skipped).
    return undefined;
  }
}

/**
 * The adoptions without a Kubernetes workload: each Compose service built from a Dockerfile here whose image no
 * paired container runs (one per Dockerfile and stage: the first service), then each Dockerfile that neither a
 * container nor a Compose service runs (its last stage). Base images other Dockerfiles build FROM are left out.
 */
export function undeployedPairs(input: {
  readonly images: readonly DockerImage[];
  readonly compose: readonly ComposeService[];
  readonly deployed: readonly DockerImage[];
}, cwd: string): Array<{ container: K8sContainer; image: DockerImage; side: AdoptSide }> {
  const out: Array<{ container: K8sContainer; image: DockerImage; side: AdoptSide }> = [];
  const deployedFiles = new Set(input.deployed.map((i) => i.absFile));
  const taken = new Set<string>();
  const found: Array<{ s: ComposeService; image: DockerImage; run: ComposeRun; port?: number }> = [];
  for (const s of input.compose) {
    const image = imageOfBuild(input.images, s, cwd);
    if (!image || deployedFiles.has(image.absFile) || s.extends) continue;
    const key = `${image.absFile}\u0000${image.target.index}`;
    if (taken.has(key)) continue;
    const run = readComposeRun(s.absFile, s.name);
    if (!run) continue;
    taken.add(key);
    const view = composeView(image, s, run, { mounts: (v) => v.type === 'tmpfs' });
    found.push({ s, image, run, port: servicePort(view.image, view.container).port });
  }
  // The ComposeFile publishes each service's port on 127.0.0.1 at the same port: two services of one file with one port
  // cannot both be published, so that file publishes none.
  const clash = (f: typeof found[number]) => f.port !== undefined && found.some((g) => g !== f && g.s.absFile === f.s.absFile && g.port === f.port);
  const shared = new Set(found.filter(clash).map((f) => f.s.absFile));
  for (const { s, image, run } of found) {
    const side = composeSide(image, s, run, !shared.has(s.absFile));
    const view = composeView(image, s, run, { mounts: (v) => v.type === 'tmpfs' });
    out.push({ container: view.container, image: view.image, side });
  }
  const composeFiles = new Set([...taken].map((k) => k.split('\u0000')[0]));
  const fromRefs = new Set(input.images.flatMap((i) => i.stages.map((st) => st.from)));
  const seen = new Set<string>();
  for (const image of input.images) {
    if (deployedFiles.has(image.absFile) || composeFiles.has(image.absFile) || seen.has(image.absFile)) continue;
    seen.add(image.absFile);
    // A base image another Dockerfile builds FROM (by its folder's name) is not run on its own.
    const name = nameOfDockerfile(image, cwd);
    if ([...fromRefs].some((f) => f.split('@')[0].split(':')[0].split('/').pop() === name && input.images.some((o) => o !== image && o.stages.some((st) => st.from === f)))) continue;
    out.push({ container: emptyContainer(image.file, name), image, side: dockerfileSide(image) });
  }
  return out;
}
