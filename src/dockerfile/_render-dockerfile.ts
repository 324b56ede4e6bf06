// The Dockerfile renderer: validates the stages as a whole and writes their text.
import { inferImageFamily } from '../_images';
import { checkImageReference, fail } from '../_validate';
import { InstructionData, jsonForm } from './_instruction-data';
import { DockerfileStage } from './dockerfile-stage';
import { ImageFamily } from './image-family';

const PIPE_RE = /(^|[^|])\|([^|]|$)/;

const PIPEFAIL_SHELL: Record<ImageFamily, string[]> = {
  [ImageFamily.DEBIAN]: ['/bin/bash', '-o', 'pipefail', '-c'],
  [ImageFamily.ALPINE]: ['/bin/ash', '-o', 'pipefail', '-c'],
  // Never used: a distroless stage may hold no RUN (checked below).
  [ImageFamily.DISTROLESS]: [],
};

/**
 * Validates the stages and renders the Dockerfile text (without the projen marker).
 * @param path the Dockerfile's path for errors
 */
export function renderDockerfile(path: string, stages: readonly DockerfileStage[]): string {
  if (stages.length === 0) fail(`${path}.stages`, 'at least one stage', []);
  const families = new Map<string, ImageFamily>();
  const out: string[] = [];
  stages.forEach((stage, si) => {
    const sp = `${path}.stages[${stage.name}]`;
    if (families.has(stage.name)) fail(`${path}.stages`, 'stage names unique', stage.name);
    let family = stage.family;
    if (families.has(stage.from)) {
      family = family ?? families.get(stage.from);
    } else {
      checkImageReference(`${sp}.from`, stage.from);
      family = family ?? inferImageFamily(stage.from);
    }
    families.set(stage.name, family!);

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
      if (item.keyword === 'COPY' && item.from !== undefined && !families.has(item.from)) {
        if (item.from === stage.name) fail(`${sp}.copy.from`, 'an earlier stage or an image', item.from);
        checkImageReference(`${sp}.copy.from`, item.from);
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
