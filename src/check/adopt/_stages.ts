// The build stages and the final stage's own steps of an adopted image, as DockerfileStage and Instruction code (each built once here with the real factories, so a step they refuse is named instead).
import * as path from 'path';
import { instructionText } from './_command';
import { checkUnpinnedImageReference, isPinned } from '../../_validate';
import * as dockerfile from '../../dockerfile';
import { DockerImage, DockerInstruction, DockerStage, GlobalArgFacts, substitute } from '../read';

const lit = (s: string) => JSON.stringify(s);

/** The stages' code and the instructions of the final stage; what could not be written, named. */
export interface StageCarry {
  /** `buildStages` expression, or undefined when the image has one stage. */
  readonly buildStages?: string;
  /** `unpinnedImages` of the final stage: the unpinned images its `COPY --from` names. */
  readonly finalUnpinned: string[];
  /** The images the written build stages start FROM (as written: a global ARG without a default stays `$NAME`). */
  readonly stageFroms: string[];
  /** The stage the final stage starts FROM, when it is a build stage. */
  readonly from?: string;
  /** `instructions` expression (the final stage's steps), or undefined when there are none. */
  readonly instructions?: string;
  readonly imports: string[];
  /** The instructions written as code (not to be listed as not carried over). */
  readonly carried: Set<DockerInstruction>;
  readonly notes: string[];
}

/** A stage name the model accepts (`[a-z][a-z0-9_.-]*`): the stage's own, else `stage-<index>`. */
function stageName(s: DockerStage): string {
  return s.name && /^[a-z][a-z0-9_.-]*$/.test(s.name) ? s.name : `stage-${s.index}`;
}

/** The stages the target needs: its FROM chain and every stage it (or a needed stage) copies or mounts from. */
function neededStages(image: DockerImage): DockerStage[] {
  const byRef = (ref: string) => image.stages.find((s) => s.name === ref.toLowerCase() || String(s.index) === ref);
  const need = new Set<DockerStage>();
  const visit = (s: DockerStage) => {
    if (need.has(s)) return;
    need.add(s);
    const parent = byRef(s.from);
    if (parent && parent.index < s.index) visit(parent);
    for (const i of s.instructions) {
      const refs = [i.flags.from, ...[...i.content.matchAll(/--mount=\S*\bfrom=([^,\s]+)/g)].map((m) => m[1])];
      const mount = i.flags.mount ? /\bfrom=([^,\s]+)/.exec(i.flags.mount)?.[1] : undefined;
      for (const r of [...refs, mount]) {
        const t = r !== undefined ? byRef(r) : undefined;
        if (t && t.index < s.index) visit(t);
      }
    }
  };
  visit(image.target);
  return image.stages.filter((s) => need.has(s) && s !== image.target);
}

const SKIPPED_IN_BUILD = new Set(['FROM', 'EXPOSE', 'LABEL', 'HEALTHCHECK', 'CMD', 'ENTRYPOINT', 'MAINTAINER', 'STOPSIGNAL', 'ONBUILD']);

/**
 * One instruction as `Instruction.<factory>(...)` code, built once with the real factory (its validation), or the
 * reason it cannot be written. `names` maps stage references (`0`, `Builder`) to the emitted stage names.
 */
function instructionCode(
  image: DockerImage, i: DockerInstruction, names: Map<string, string>, globals: Readonly<Record<string, string>>,
): { code?: string; why?: string } {
  const comment = `${image.file}:${i.line} ${i.keyword}, as the original writes it.`;
  const I = dockerfile.Instruction;
  const attempt = (code: string, build: () => unknown) => {
    try {
      build();
      return { code };
    } catch (e) {
      return { why: (e as Error).message.split('\n')[0] };
    }
  };
  switch (i.keyword) {
    case 'RUN': {
      if (i.content.startsWith('[')) return { why: 'exec-form RUN (Instruction.run writes shell form)' };
      const text = instructionText(image.absFile, i);
      if (/<<-?\s*['"]?\w+/.test(text) || /\n/.test(text)) return { why: 'a heredoc or multi-line RUN' };
      const mounts = Object.entries(i.flags).filter(([k]) => k === 'mount');
      if (mounts.some(([, v]) => !/\btype=cache\b/.test(v))) return { why: `RUN --mount=${i.flags.mount} (a bind or secret mount; add it with RunMount)` };
      return attempt(`Instruction.run(${lit(comment)}, [${lit(text)}])`, () => I.run(comment, [text]));
    }
    case 'COPY':
    case 'ADD': {
      if (i.content.startsWith('[')) return { why: `JSON-form ${i.keyword}` };
      const words = i.args.filter((a) => !a.startsWith('--')).map((w) => substitute(w, i.vars));
      const sources = words.slice(0, -1);
      const dest = words[words.length - 1];
      if (i.keyword === 'ADD' && sources.some((s) => /^(https?|git)[:@]|\.(tar|tgz|tar\.\w+|zip)$/.test(s))) return { why: 'ADD of a URL or an archive (ADD unpacks it; write it with RUN or Instruction.addRemoteFile)' };
      const from = i.flags.from !== undefined ? names.get(i.flags.from.toLowerCase()) ?? substitute(i.flags.from, i.vars) : undefined;
      const opts: Record<string, string | boolean> = {};
      if (from !== undefined) opts.from = from;
      if (i.flags.chown !== undefined) opts.chown = substitute(i.flags.chown, i.vars);
      if (i.flags.chmod !== undefined) opts.chmod = i.flags.chmod;
      if (i.flags.link !== undefined) opts.link = true;
      const o = Object.entries(opts).map(([k, v]) => `${k}: ${typeof v === 'string' ? lit(v) : v}`).join(', ');
      const c2 = i.keyword === 'ADD' ? `${image.file}:${i.line} ADD of local files, as COPY (the same result).` : comment;
      return attempt(`Instruction.copy(${lit(c2)}, [${sources.map(lit).join(', ')}], ${lit(dest ?? '')}${o ? `, { ${o} }` : ''})`,
        () => I.copy(c2, sources, dest ?? '', opts as dockerfile.CopyOptions));
    }
    case 'ENV': {
      const vars: Record<string, string> = {};
      for (const [k, v] of i.properties) vars[k] = substitute(v, { ...i.vars, ...vars });
      if (Object.values(vars).some((v) => /\$/.test(v))) return { why: 'an ENV value naming a variable without a value here' };
      return attempt(`Instruction.env(${lit(comment)}, { ${Object.entries(vars).map(([k, v]) => `${lit(k)}: ${lit(v)}`).join(', ')} })`, () => I.env(comment, vars));
    }
    case 'ARG': {
      const [name, ...rest] = i.content.split('=');
      // `ARG NAME` in a stage takes the global default (an ARG before the first FROM).
      const def = rest.length > 0 ? rest.join('=').replace(/^(["'])(.*)\1$/, '$2') : globals[name];
      if (/\s/.test(i.content.trim())) return { why: 'several ARGs on one line' };
      return attempt(`Instruction.arg(${lit(comment)}, ${lit(name)}${def !== undefined ? `, ${lit(def)}` : ''})`, () => I.arg(comment, name, def));
    }
    case 'WORKDIR': {
      const written = substitute(i.content, i.vars);
      // A relative WORKDIR is relative to the one before it (the stage's, then its parent stage's; `/` when none); an
      // absolute one is written as Instruction.workdir takes it (`/go/src/x/` -> `/go/src/x`, `//`, `/./`): Docker
      // cleans the path the same way.
      const absolute = written.startsWith('/');
      const p = absolute ? path.posix.normalize(written).replace(/(.)\/+$/, '$1') : path.posix.resolve(workdirBefore(image, i), written);
      const c = p === written ? comment : absolute
        ? `${image.file}:${i.line} WORKDIR ${written}, the same directory written normalized.`
        : `${image.file}:${i.line} WORKDIR ${written}, relative to ${workdirBefore(image, i)} (the WORKDIR before it; / when the file sets none).`;
      return attempt(`Instruction.workdir(${lit(c)}, ${lit(p)})`, () => I.workdir(c, p));
    }
    case 'USER': {
      const u = substitute(i.content, i.vars);
      if (u === 'root' || u === '0' || u === '0:0') return attempt(`Instruction.rootUser(${lit(comment)})`, () => I.rootUser(comment));
      const m = /^(\d+)(?::(\d+))?$/.exec(u);
      if (!m) return { why: 'USER by name in a build stage (Instruction.user takes uid and gid)' };
      return attempt(`Instruction.user(${lit(comment)}, ${m[1]}, ${m[2] ?? m[1]})`, () => I.user(comment, Number(m[1]), Number(m[2] ?? m[1])));
    }
    case 'SHELL': {
      if (!i.content.startsWith('[')) return { why: 'SHELL not in JSON form' };
      const argv = JSON.parse(i.content) as string[];
      return attempt(`Instruction.shell(${lit(comment)}, [${argv.map(lit).join(', ')}])`, () => I.shell(comment, argv));
    }
    case 'VOLUME':
      return { why: 'VOLUME in a build stage' };
    default:
      return { why: `${i.keyword} has no Instruction factory` };
  }
}

/** The WORKDIR in effect before an instruction: the last of its stage before it, else of the stages it is built FROM; `/` when none. */
function workdirBefore(image: DockerImage, ins: DockerInstruction): string {
  const stage = image.stages.find((st) => st.instructions.includes(ins));
  const chain: DockerStage[] = [];
  const parentOf = (st: DockerStage) => image.stages.find((x) => x.index < st.index && x.name !== undefined && x.name === st.from.toLowerCase());
  for (let st = stage; st !== undefined && chain.length < 50; st = parentOf(st)) chain.unshift(st);
  let dir = '/';
  for (const st of chain) {
    for (const i of st.instructions) {
      if (i === ins) return dir;
      if (i.keyword === 'WORKDIR') dir = path.posix.resolve(dir, substitute(i.content, i.vars));
    }
  }
  return dir;
}

/**
 * The images a build stage names without a pin: its FROM (when not an earlier stage, not scratch; `fromValue` is what
 * it is with the global ARGs' defaults, unresolved for an ARG without one) and its `COPY --from` images, as the
 * stage's code writes them.
 */
function unpinnedImagesOf(s: DockerStage, from: string, fromValue: string, names: Map<string, string>): string[] {
  const copies = s.instructions.filter((i) => i.keyword === 'COPY' && i.flags.from !== undefined && !names.has(i.flags.from.toLowerCase()))
    .map((i) => substitute(i.flags.from!, i.vars));
  const floats = (written: string, value: string) => !names.has(written.toLowerCase()) && written !== 'scratch' && !isPinned(value) && isImageReference(written);
  return [...new Set([...(floats(from, fromValue) ? [from] : []), ...copies.filter((r) => floats(r, r))])];
}

/** A well-formed image reference, pinned or not, build args allowed (what unpinnedImages takes). */
function isImageReference(r: string): boolean {
  try {
    checkUnpinnedImageReference('ref', r);
    return true;
  } catch {
    return false;
  }
}

/** The global ARGs of the image's Dockerfile, by name (the last declaration of a name wins, as in the build). */
export function declaredGlobalArgs(image: DockerImage): Map<string, GlobalArgFacts> {
  return new Map(image.globalArgs.map((a) => [a.name, a]));
}

/** The names a FROM word refers to (`${NAME}`, `$NAME`). */
export const argNames = (text: string): string[] => [...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);

/**
 * The global ARGs the written FROMs name (`froms`: the final base, the build stages' images as the statement writes
 * them), with their lines and defaults: the statement declares them as the original does, so --build-arg still sets them.
 */
export function namedGlobalArgs(image: DockerImage, froms: readonly string[]): GlobalArgFacts[] {
  const named = new Set(froms.flatMap(argNames));
  return [...declaredGlobalArgs(image).values()].filter((a) => named.has(a.name));
}

/** `globalArgs: [...]` code of those ARGs, each as the original writes it. */
export function globalArgsCode(image: DockerImage, args: readonly GlobalArgFacts[]): string | undefined {
  if (args.length === 0) return undefined;
  const code = args.map((a) => a.value === undefined
    ? `    Instruction.arg(${lit(`${image.file}:${a.line} ARG, as the original writes it: no default, the build passes --build-arg ${a.name}=<value>.`)}, ${lit(a.name)}),`
    : `    Instruction.arg(${lit(`${image.file}:${a.line} ARG, as the original writes it (--build-arg ${a.name}=<value> replaces the default).`)}, ${lit(a.name)}, ${lit(a.value)}),`);
  return `[\n${code.join('\n')}\n  ]`;
}

/** True for a RUN that creates an account (the construct creates its own). */
const ACCOUNT_RUN = /(^|[\s;&|(])(useradd|adduser|groupadd|addgroup)\b/;

/**
 * The image's build stages (only those the final stage needs, in order, unnamed ones named `stage-<n>`) as
 * `new DockerfileStage(...).add(...)` code, and the final stage's own steps (COPY, RUN, ENV, WORKDIR, ...) as
 * `instructions`. The final stage's FROM, USER, EXPOSE, HEALTHCHECK, LABEL, STOPSIGNAL, CMD and ENTRYPOINT are
 * the model's; an account-creating RUN is left out (the construct creates the account; named); VOLUME becomes a
 * writable path (carryMounts). Every instruction a factory refuses is named with its reason.
 */
export function carryStages(image: DockerImage): StageCarry {
  const notes: string[] = [];
  const carried = new Set<DockerInstruction>();
  const names = new Map<string, string>();
  for (const s of image.stages) {
    names.set(String(s.index), stageName(s));
    if (s.name) names.set(s.name, stageName(s));
  }
  const globals = image.stages[0]?.instructions[0]?.vars ?? {};
  const needed = neededStages(image);
  for (const s of image.stages.filter((x) => x !== image.target && !needed.includes(x))) {
    notes.push(`${image.file}:${s.line} stage ${s.name ?? s.index}: the final stage does not need it (not written)`);
  }
  const stageCode: string[] = [];
  const stageFroms: string[] = [];
  const declared = declaredGlobalArgs(image);
  for (const s of needed) {
    const adds: string[] = [];
    for (const i of s.instructions) {
      if (SKIPPED_IN_BUILD.has(i.keyword)) {
        if (i.keyword !== 'FROM') carried.add(i);
        continue;
      }
      const r = instructionCode(image, i, names, globals);
      if (r.code) {
        adds.push(`    ${r.code},`);
        carried.add(i);
      } else {
        notes.push(`${image.file}:${i.line} ${i.keyword} ${i.content.replace(/\s+/g, ' ').slice(0, 120)}: ${r.why}`);
      }
    }
    const parent = names.get(s.from.toLowerCase());
    // A FROM naming global ARGs (`golang:${GOVERSION}`, `$BUILD_BASE_IMAGE`) is written as the original writes it, the
    // ARGs declared in globalArgs (so --build-arg still sets them); `${NAME:-word}` forms are written resolved.
    const word = s.instructions[0]?.args.filter((a) => !a.startsWith('--'))[0] ?? s.from;
    const raw = /\$/.test(word) && !/\$\{[^}]*[:+?-]/.test(word) && argNames(word).every((n) => declared.has(n)) ? word : s.from;
    const from = parent !== undefined && image.stages.find((x) => stageName(x) === parent)!.index < s.index ? parent : raw;
    if (/--platform/.test(s.instructions[0]?.content ?? '')) notes.push(`${image.file}:${s.line} FROM --platform: not written (the stage builds for the target platform)`);
    // Images the stage names without a pin (FROM golang, COPY --from=<image>:latest): carried through the visible
    // opt-in, unpinnedImages, with how to pin them (a build stage's base or a copied image floats as in the original).
    if (!names.has(from.toLowerCase())) stageFroms.push(from);
    const floating = unpinnedImagesOf(s, from, s.from, names);
    if (floating.length > 0) {
      stageCode.push(`    // Stage ${s.name ?? s.index} (${image.file}:${s.line}) names ${floating.join(', ')} without a pin (no tag, latest, or a build arg without a default), as in the original: each build may take another image. Pin ${floating.length > 1 ? 'each' : 'it'} in both places (<repository>:<version> in ${image.file} and here) and take ${floating.length > 1 ? 'them' : 'it'} out of unpinnedImages.`);
    }
    const unpinned = floating.length > 0 ? `, unpinnedImages: [${floating.map(lit).join(', ')}]` : '';
    const head = `new DockerfileStage({ name: ${lit(stageName(s))}, from: ${lit(from)}, comment: ${lit(`Stage ${s.name ?? s.index} of ${image.file} (line ${s.line}), as the original writes it.`)}${unpinned} })`;
    stageCode.push(adds.length > 0 ? `    ${head}.add(\n${adds.map((a) => `  ${a}`).join('\n')}\n    ),` : `    ${head},`);
  }
  const body: string[] = [];
  let user: DockerInstruction | undefined;
  for (const i of image.target.instructions) {
    // The construct runs its instructions as root and writes USER last: steps after a USER ran as that user.
    if (i.keyword === 'USER') {
      user = i;
    } else if (user && !['FROM', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'CMD', 'ENTRYPOINT', 'STOPSIGNAL', 'ARG', 'ENV', 'WORKDIR'].includes(i.keyword)) {
      notes.push(`${image.file}:${i.line} ${i.keyword} ran as USER ${user.content} (line ${user.line}); the construct runs it as root and switches to the user at the end (what it creates is root's: chown it, or add Instruction.user before it)`);
      user = undefined;
    }
    if (['FROM', 'USER', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'CMD', 'ENTRYPOINT', 'MAINTAINER', 'STOPSIGNAL', 'VOLUME'].includes(i.keyword)) continue;
    if (i.keyword === 'RUN' && ACCOUNT_RUN.test(i.content)) continue;
    const r = instructionCode(image, i, names, globals);
    if (r.code) {
      body.push(`    ${r.code},`);
      carried.add(i);
    } else {
      notes.push(`${image.file}:${i.line} ${i.keyword} ${i.content.replace(/\s+/g, ' ').slice(0, 120)}: ${r.why}`);
    }
  }
  const parent = image.chain.length > 1 ? names.get(String(image.chain[image.chain.length - 2].index)) : undefined;
  const imports = [...(stageCode.length > 0 ? ['DockerfileStage'] : []), ...(stageCode.length > 0 || body.length > 0 ? ['Instruction'] : [])];
  return {
    buildStages: stageCode.length > 0 ? `[\n${stageCode.join('\n')}\n  ]` : undefined,
    stageFroms,
    finalUnpinned: unpinnedImagesOf(image.target, 'scratch', 'scratch', names).filter((r) => image.target.instructions.some((i) => i.keyword === 'COPY' && i.flags.from !== undefined && substitute(i.flags.from, i.vars) === r && carried.has(i))),
    from: parent,
    instructions: body.length > 0 ? `[\n${body.join('\n')}\n  ]` : undefined,
    imports: stageCode.some((s) => s.includes('Instruction.')) || body.length > 0 ? imports : imports.filter((x) => x !== 'Instruction'),
    carried,
    notes,
  };
}
