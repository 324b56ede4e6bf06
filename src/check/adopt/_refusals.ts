// Why a statement is not adopted: every reason at once, each with its fix (the emitter's own checks of the files,
// then the constructs' errors, one prop at a time), and the one opt-in a statement needs inside its repository.
import * as fs from 'fs';
import * as path from 'path';
import { synthStatement } from './_scratch';
import { argNames } from './_stages';
import { ImageFamily } from '../../images/image-family';
import { DockerImage, evidentImageFamily, imageName } from '../read';

/** One reason a statement is not adopted, and what to do about it. */
export interface Refusal {
  /** The statement's prop the reason is about (`baseImage`, `checkTool`, ...), when there is one. */
  readonly field?: string;
  readonly reason: string;
  readonly fix: string;
}

/** A shell-less base by its reference (distroless, Chainguard static, scratch): the one rule of src/images/_facts.ts. */
const isDistroless = (ref: string) => evidentImageFamily(ref) === ImageFamily.DISTROLESS;

/** The reasons the files themselves give, before any statement runs (each construct would refuse them). */
export function fileRefusals(image: DockerImage, code: string): Refusal[] {
  const out: Refusal[] = [];
  const at = `${image.file}:${image.baseLine}`;
  const { tag } = imageName(image.base);
  const name = image.base.split('@')[0].replace(/:[^/]*$/, '');
  // FROM scratch: adopted on BaseImage.scratch() (no account, no check tool: the checks below).
  // A build arg in the tag only (latest-${GOARCH}) is carried (fromUnpinnedReference and globalArgs); in the repository, not.
  if (/\$/.test(imageName(image.base).path) || (/\$/.test(image.base) && !/BaseImage\.fromUnpinnedReference\(/.test(code))) {
    const args = [...new Set(argNames(image.base))];
    out.push({
      field: 'baseImage',
      reason: `the base image ${image.base} names the build arg${args.length > 1 ? 's' : ''} ${args.join(', ')} without a default in its repository (${at}): which image it is (its family, tools, accounts) is known only to the build that passes --build-arg`,
      fix: `give ${args.length > 1 ? 'each ARG' : 'the ARG'} before the first FROM in ${image.file} the value your build passes (${args.map((a) => `ARG ${a}=<value>`).join(', ')}), or set baseImage in the statement to the reference that value gives (BaseImage.fromReference("<repository>:<tag>"))`,
    });
  } else if (!image.base.includes('@') && (tag === '' || tag === 'latest') && image.base !== 'scratch' && !/BaseImage\.fromUnpinnedReference\(/.test(code)) {
    out.push({ field: 'baseImage', reason: `the base image ${image.base} is not pinned (${tag === '' ? 'no tag' : 'tag latest'}, ${at})`, fix: `pin it to a version tag or digest (FROM ${name}:<version>) in ${image.file}, or set the pinned reference in the statement (a ContainerService takes it unpinned as BaseImage.fromUnpinnedReference)` });
  }
  const checks = /^\s*(healthCheck|readinessCheck):/m.test(code) || !/noPort: true/.test(code);
  // noDockerHealthcheck: only the kubelet's probes check the image (they need no program in it).
  if (isDistroless(image.base) && checks && !/^\s*(checkBinary|addedTools|noDockerHealthcheck):/m.test(code) && !/HealthCheck\.exec\(/.test(code)) {
    const what = image.base === 'scratch' ? 'scratch (an empty image)' : 'distroless';
    out.push({ field: 'checkTool', reason: `${image.base} is ${what}: no shell, curl or wget to run a HEALTHCHECK, and the image brings no check program`, fix: 'copy a check program into the image (a static binary such as grpc_health_probe or your own /app/healthcheck) and name it: checkBinary: "/app/healthcheck" (HTTP/TCP checks) or addedTools; or build the final stage on a base with a shell' });
  }
  return out;
}

/** The field an error of a construct names (`app.timing.startInterval: must ...` -> `timing`). */
export function errorField(id: string, error: string): string | undefined {
  const m = /^([^\s:]+): must\b/.exec(error);
  if (!m) return undefined;
  // A value type's own check (BaseImage.fromReference) runs while the statement is built: the prop it feeds.
  if (m[1].startsWith('BaseImage.')) return 'baseImage';
  const p = m[1].startsWith(`${id}.`) ? m[1].slice(id.length + 1) : m[1].includes('.') ? m[1].slice(m[1].indexOf('.') + 1) : undefined;
  return p?.split(/[.[]/)[0];
}

const FIXES: Record<string, string> = {
  port: 'keep the app\'s port below 1024 with lowPortSysctl: true in the statement (the pod sysctl net.ipv4.ip_unprivileged_port_start lets the non-root process bind it), or move the app to a port from 1024 (its own setting and the manifest\'s, then port in the statement)',
  checkTool: 'install the tool in the final stage (systemPackages, or your own RUN and addedTools), or pick a checkTool the base image has',
  healthCheck: 'point the check at the service\'s port and a path it answers, or give it HealthCheck.exec([...]) with a program of the image',
  readinessCheck: 'as for healthCheck: a path the service answers on its port, or an exec check',
  timing: 'set timing in the statement so that timeout <= interval (and, with dockerStartInterval, startInterval <= interval)',
  user: 'a numeric non-root uid/gid (1 to 2147483647) and a POSIX account name',
  directory: 'move the statement to the projen project that holds the Dockerfile\'s folder, or set directory to that folder relative to the project',
  baseImage: 'a pinned reference (a version tag other than latest, or a digest)',
  command: 'write what the container runs into the statement: command: [...] (the manifest\'s command and args, or the image\'s ENTRYPOINT and CMD)',
};

/** The fix for a construct's error: the field's own, else the constraint the message states. */
export function fixOf(field: string | undefined, error: string): string {
  // A message that says what to set carries its own fix.
  const own = /[:;(] ?((?:to [^;]*?, )?set [^;]*?); received/.exec(error);
  if (own) return own[1];
  if (field && FIXES[field]) return FIXES[field];
  const m = /: must be (.*?); received/.exec(error);
  return m ? `change ${field ?? 'the value'} in the statement (or the file it came from) so that it is ${m[1]}` : `change ${field ?? 'the statement'} as the message says`;
}

/** Props that answer the same concern: a reason about one is the reason about the others. */
const CONCERNS: readonly string[][] = [['checkTool', 'checkBinary', 'addedTools'], ['baseImage', 'pythonVersion', 'nodeImage', 'nginxImage']];

function sameConcern(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return a === b || CONCERNS.some((g) => g.includes(a) && g.includes(b));
}

/** Stand-ins for props a construct cannot do without, so that the next run reaches the next reason. */
const STAND_INS: Record<string, string> = {
  baseImage: 'BaseImage.fromReference("debian:12-slim")',
  command: '["/bin/true"]',
};

/** Leaves out a top-level prop line (`  field: ...,`) of a statement, or puts a stand-in value there. */
function withoutProp(code: string, field: string): string | undefined {
  const lines = code.split('\n');
  const i = lines.findIndex((l) => l.startsWith(`  ${field}: `));
  if (i >= 0 && STAND_INS[field] && lines[i] !== `  ${field}: ${STAND_INS[field]},`) {
    return [...lines.slice(0, i), `  ${field}: ${STAND_INS[field]},`, ...lines.slice(i + 1)].join('\n');
  }
  if (i < 0 && STAND_INS[field]) {
    const end = code.lastIndexOf('\n});');
    return end < 0 || code.includes(`  ${field}: ${STAND_INS[field]},`) ? undefined : `${code.slice(0, end)}\n  ${field}: ${STAND_INS[field]},${code.slice(end)}`;
  }
  return i < 0 ? undefined : [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n');
}

/**
 * Every error the constructs give the statement: after each, the prop it names is left out (its default taken) and
 * the statement runs again, until it synthesizes or the error names no prop of it. Reasons the files already gave
 * (`known`, by field) are not repeated.
 */
export function constructRefusals(id: string, code: string, known: readonly Refusal[]): Refusal[] {
  const out: Refusal[] = [];
  let current = code;
  for (let n = 0; n < 12; n++) {
    const s = synthStatement(current);
    s.dispose();
    if (!s.error) break;
    const field = errorField(id, s.error);
    if (!known.some((k) => sameConcern(k.field, field))) out.push({ field, reason: s.error, fix: fixOf(field, s.error) });
    const next = field ? withoutProp(current, field) : undefined;
    if (next === undefined) break;
    current = next;
  }
  return out;
}

/** Adds `replaceExisting: true` to a statement. */
export function withReplaceExisting(code: string): string {
  const end = code.lastIndexOf('\n});');
  return `${code.slice(0, end)}\n  replaceExisting: true,${code.slice(end)}`;
}

/** What running the statement inside its repository needs: nothing, the one opt-in (and the files it replaces), or a refusal. */
export interface InRepository {
  /** The repository's own files at paths the statement writes (project-relative). */
  readonly replaces: string[];
  /** True when it synthesizes there only with replaceExisting: true. */
  readonly optIn: boolean;
  readonly refusal?: Refusal;
}

/**
 * Runs the statement as it would run in `cwd` (the repository): in a scratch project holding the repository's files
 * at the paths the statement writes (`written`, when a run in an empty project already listed them; and the
 * repository's .projen/files.json, if any).
 */
export function inRepository(code: string, cwd: string, written?: readonly string[]): InRepository {
  let files = written;
  if (files === undefined) {
    const empty = synthStatement(code);
    empty.dispose();
    files = empty.files;
  }
  const seed = new Map<string, string>();
  for (const f of files) {
    const abs = path.join(cwd, f);
    if (fs.existsSync(abs) && fs.statSync(abs).isFile()) seed.set(f, fs.readFileSync(abs, 'utf8'));
  }
  if (seed.size === 0) return { replaces: [], optIn: false };
  const replaces = [...seed.keys()].sort();
  const filesJson = path.join(cwd, '.projen', 'files.json');
  if (fs.existsSync(filesJson)) seed.set('.projen/files.json', fs.readFileSync(filesJson, 'utf8'));
  const plain = synthStatement(code, seed);
  plain.dispose();
  if (!plain.error) return { replaces, optIn: false };
  const opted = synthStatement(withReplaceExisting(code), seed);
  opted.dispose();
  if (!opted.error && /replaceExisting: must be true/.test(plain.error)) return { replaces, optIn: true };
  const error = opted.error ?? plain.error;
  return { replaces, optIn: false, refusal: { reason: `inside the repository: ${error}`, fix: fixOf(undefined, error) } };
}
