// The Dockerfile renderer: validates the stages as a whole and writes their text.
import { checkImageReference, fail, isPinned } from '../_validate';
import { InstructionData, jsonForm } from './_instruction-data';
import { DockerfileStage } from './dockerfile-stage';
import { Instruction } from './instruction';
import { inferImageFamily } from '../images/_facts';
import { ImageFamily } from '../images/image-family';

const PIPE_RE = /(^|[^|])\|([^|]|$)/;

const PIPEFAIL_SHELL: Record<ImageFamily, string[]> = {
  [ImageFamily.DEBIAN]: ['/bin/bash', '-o', 'pipefail', '-c'],
  [ImageFamily.ALPINE]: ['/bin/ash', '-o', 'pipefail', '-c'],
  // Never used: a distroless stage may hold no RUN (checked below).
  [ImageFamily.DISTROLESS]: [],
};

const ARG_REF_RE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** What an ARG without a default stands for when its image is checked for form only (`latest-${GOARCH}` -> `latest-arg`). */
const ARG_PLACEHOLDER = 'arg';

/**
 * A stage's `from` with the global ARGs it names (`${NAME}` or `$NAME`) replaced by their defaults, so that
 * the default image can be checked; each named ARG must be global and have a default, unless the image is opted in
 * as unpinned (`unpinned`: the base's `BaseImage.fromUnpinnedReference`, a build stage's `unpinnedImages`): then an
 * ARG without a default stands for a placeholder and only the reference's form is checked.
 */
function resolveFrom(sp: string, from: string, globals: Map<string, string | undefined>, unpinned: boolean): string {
  return from.replace(ARG_REF_RE, (_m, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    if (!globals.has(name)) fail(`${sp}.from`, `only global ARGs (declared before the first FROM) in FROM; ${name} is not one`, from);
    const value = globals.get(name);
    if (value === undefined && unpinned) return ARG_PLACEHOLDER;
    if (value === undefined) {
      fail(`${sp}.from`, `a global ARG ${name} with a default, so that the default image can be checked (or the image opted in as unpinned: unpinnedImages, BaseImage.fromUnpinnedReference)`, from);
    }
    return value;
  });
}

/**
 * Validates the stages and renders the Dockerfile text (without the projen marker).
 * @param path the Dockerfile's path for errors
 * @param globalArgs ARG instructions written before the first FROM
 */
export function renderDockerfile(path: string, stages: readonly DockerfileStage[], globalArgs: readonly Instruction[] = []): string {
  if (stages.length === 0) fail(`${path}.stages`, 'at least one stage', []);
  const globals = new Map<string, string | undefined>(globalArgs.map((a) => {
    const { args } = a._render();
    return [args[0], args[1]];
  }));
  const families = new Map<string, ImageFamily>();
  // The image each stage descends from (`scratch` names its own RUN error).
  const roots = new Map<string, string>();
  const out: string[] = globalArgs.flatMap((a) => [...render(a._render()), '']);
  stages.forEach((stage, si) => {
    const sp = `${path}.stages[${stage.name}]`;
    if (families.has(stage.name)) fail(`${path}.stages`, 'stage names unique', stage.name);
    let family = stage.family;
    const unpinned = new Set(stage.unpinnedImages);
    if (families.has(stage.from)) {
      family = family ?? families.get(stage.from);
      roots.set(stage.name, roots.get(stage.from)!);
    } else {
      const optIn = stage._unpinnedFrom || unpinned.has(stage.from);
      const image = resolveFrom(sp, stage.from, globals, optIn);
      // scratch: Docker's reserved empty image, never pulled (nothing to pin); its family is DISTROLESS (no shell).
      if (image !== 'scratch') checkImageReference(`${sp}.from`, image, optIn || unpinned.has(image));
      family = family ?? inferImageFamily(image);
      roots.set(stage.name, image);
    }
    families.set(stage.name, family!);

    /** `--from` of COPY or of a mount: an earlier stage (not this one) or a pinned image. */
    const checkSource = (field: string, from: string) => {
      if (from === stage.name) fail(field, 'an earlier stage or an image', from);
      if (!families.has(from)) checkImageReference(field, from, unpinned.has(from));
    };
    const items = stage.instructions.map((i) => i._render());
    // Images the stage names unpinned on purpose (unpinnedImages): said in its comment, warned at synth (unpinnedWarnings).
    const floating = unpinnedUses(stage, families);
    const said = floating.length > 0 ? ` Not pinned (unpinnedImages): ${floating.join(', ')}; each build may take another image.` : '';
    const lines: string[] = [`# ${stage.comment}${said}`, `FROM ${stage.from} AS ${stage.name}`];
    let pipefail = false;
    let healthchecks = 0;
    let lastUid: number | undefined;
    for (const item of items) {
      if (item.keyword === 'RUN' && family === ImageFamily.DISTROLESS) {
        const what = roots.get(stage.name) === 'scratch' ? 'scratch' : 'distroless';
        fail(`${sp}.run`, `no RUN in a ${what} stage (it has no shell; build in an earlier stage and COPY --from it)`, item.args.join(' && '));
      }
      if (item.keyword === 'SHELL') pipefail = item.args.includes('pipefail');
      if (item.keyword === 'RUN' && !pipefail && item.args.some((c) => PIPE_RE.test(c))) {
        const shell = PIPEFAIL_SHELL[family!];
        lines.push('', '# A pipe fails the build when any command in it fails, not only the last (hadolint DL4006).', `SHELL ${jsonForm(shell)}`);
        pipefail = true;
      }
      if (item.keyword === 'COPY' && item.from !== undefined) checkSource(`${sp}.copy.from`, item.from);
      for (const m of item.mounts ?? []) {
        if (m.from !== undefined) checkSource(`${sp}.run.mounts.from`, m.from);
      }
      if (item.keyword === 'HEALTHCHECK' && ++healthchecks > 1) fail(`${sp}.healthcheck`, 'at most one HEALTHCHECK per stage', healthchecks);
      if (item.keyword === 'USER') lastUid = item.uid;
      lines.push('', ...render(item));
    }
    if (si === stages.length - 1 && (lastUid === undefined || lastUid === 0)) {
      fail(`${sp}.user`, 'a numeric non-root USER last in the final stage (Trivy DS-0002)', lastUid === 0 ? '0:0' : 'none');
    }
    if (si > 0) out.push('');
    out.push(...lines);
  });
  return out.join('\n') + '\n';
}

/** The images a stage names (its FROM, `COPY --from`, `RUN --mount from`) that are unpinned and in its unpinnedImages. */
function unpinnedUses(stage: DockerfileStage, stages: ReadonlyMap<string, unknown>): string[] {
  const listed = new Set(stage.unpinnedImages);
  const named = [stage.from, ...stage.instructions.flatMap((i) => {
    const d = i._render();
    return [...(d.keyword === 'COPY' && d.from !== undefined ? [d.from] : []), ...(d.mounts ?? []).flatMap((m) => (m.from !== undefined ? [m.from] : []))];
  })];
  return [...new Set(named.filter((n) => listed.has(n) && !stages.has(n) && !isPinned(n)))];
}

/**
 * The synth warnings of the stages' unpinned images (`DockerfileStageOptions.unpinnedImages`), one per image and stage.
 * @param path the Dockerfile's path
 */
export function unpinnedWarnings(path: string, stages: readonly DockerfileStage[]): string[] {
  const names = new Map(stages.map((s) => [s.name, true]));
  return stages.flatMap((s) => unpinnedUses(s, names).map((image) =>
    `${path}.stages[${s.name}]: ${image} is not pinned (no tag, latest, or a build arg without a default; unpinnedImages): each build may take another image (hadolint DL3006/DL3007); pin it with a version tag or a digest (<repository>:<version>) and take it out of unpinnedImages`));
}

function render(item: InstructionData): string[] {
  return [`# ${item.comment}`, ...item.lines];
}
