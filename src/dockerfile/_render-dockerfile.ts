// The Dockerfile renderer: validates the stages as a whole and writes their text.
import { checkImageReference, fail } from '../_validate';
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

/**
 * A stage's `from` with the global ARGs it names (`${NAME}` or `$NAME`) replaced by their defaults, so that
 * the default image can be checked; each named ARG must be global and have a default.
 */
function resolveFrom(sp: string, from: string, globals: Map<string, string | undefined>): string {
  return from.replace(ARG_REF_RE, (_m, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    if (!globals.has(name)) fail(`${sp}.from`, `only global ARGs (declared before the first FROM) in FROM; ${name} is not one`, from);
    const value = globals.get(name);
    if (value === undefined) fail(`${sp}.from`, `a global ARG ${name} with a default, so that the default image can be checked`, from);
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
  const out: string[] = globalArgs.flatMap((a) => [...render(a._render()), '']);
  stages.forEach((stage, si) => {
    const sp = `${path}.stages[${stage.name}]`;
    if (families.has(stage.name)) fail(`${path}.stages`, 'stage names unique', stage.name);
    let family = stage.family;
    if (families.has(stage.from)) {
      family = family ?? families.get(stage.from);
    } else {
      const image = resolveFrom(sp, stage.from, globals);
      checkImageReference(`${sp}.from`, image, stage._unpinnedFrom);
      family = family ?? inferImageFamily(image);
    }
    families.set(stage.name, family!);

    /** `--from` of COPY or of a mount: an earlier stage (not this one) or a pinned image. */
    const checkSource = (field: string, from: string) => {
      if (from === stage.name) fail(field, 'an earlier stage or an image', from);
      if (!families.has(from)) checkImageReference(field, from);
    };
    const items = stage.instructions.map((i) => i._render());
    const lines: string[] = [`# ${stage.comment}`, `FROM ${stage.from} AS ${stage.name}`];
    let pipefail = false;
    let healthchecks = 0;
    let lastUid: number | undefined;
    for (const item of items) {
      if (item.keyword === 'RUN' && family === ImageFamily.DISTROLESS) {
        fail(`${sp}.run`, 'no RUN in a distroless stage (it has no shell; build in an earlier stage and COPY --from it)', item.args.join(' && '));
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

function render(item: InstructionData): string[] {
  return [`# ${item.comment}`, ...item.lines];
}
