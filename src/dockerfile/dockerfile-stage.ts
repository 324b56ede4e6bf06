import { checkLine, checkNonEmpty, checkStageName, checkUnpinnedImageReference, fail } from '../_validate';
import { Instruction } from './instruction';
import { ImageFamily } from '../images/image-family';

/**
 * Options of a build stage.
 * @see https://docs.docker.com/build/building/multi-stage/
 */
export interface DockerfileStageOptions {
  /** The stage name (`FROM ... AS <name>`), matching `[a-z][a-z0-9_.-]*`, unique in the Dockerfile. */
  readonly name: string;

  /**
   * The base: an earlier stage's name, `scratch` (Docker's empty image: no shell, so no `RUN`), or an image
   * reference pinned by a tag other than `latest` or by a digest (checked at synth; see `unpinnedImages`).
   * @see https://docs.docker.com/build/building/base-images/#create-a-minimal-base-image-using-scratch
   */
  readonly from: string;

  /** One line explaining the stage, written above its `FROM`. */
  readonly comment: string;

  /**
   * The base image family, which picks the shell for `SHELL ... pipefail`.
   * @default - the family of the stage named in `from`; for an image, DISTROLESS for a `distroless/` path and for `scratch`, ALPINE when its tag names alpine, else DEBIAN
   */
  readonly family?: ImageFamily;

  /**
   * Images this stage may name without a pin (no tag, `latest`, or a global build arg without a default): its `from`, a
   * `COPY --from` or a `RUN --mount` `from` image, for a project adopting a Dockerfile whose images float (`FROM golang`,
   * `COPY --from=ghcr.io/astral-sh/uv:latest`, `FROM $BUILD_BASE_IMAGE` with `ARG BUILD_BASE_IMAGE` set by `--build-arg`).
   * Each is written as it is, the stage's comment says so, and synthesis warns naming it (hadolint DL3006/DL3007):
   * the explicit opt-in of `BaseImage.fromUnpinnedReference`, for build stages. An image not listed here must be pinned.
   * @default - none: every image the stage names is pinned by a tag other than `latest` or by a digest
   * @throws Error `DockerfileStage(<name>).unpinnedImages[<i>]: must be an image reference ...` for a malformed reference
   * @see https://github.com/hadolint/hadolint/wiki/DL3006
   * @see https://github.com/hadolint/hadolint/wiki/DL3007
   */
  readonly unpinnedImages?: string[];
}

/**
 * One stage of a multi-stage Dockerfile: a `FROM` and its instructions, held as data.
 * @see https://docs.docker.com/build/building/multi-stage/
 */
export class DockerfileStage {
  /** The stage name. */
  public readonly name: string;
  /** The base image or stage. */
  public readonly from: string;
  /** The comment above `FROM`. */
  public readonly comment: string;
  /**
   * The family given in the options.
   * @default - inferred at synth from `from`
   */
  public readonly family?: ImageFamily;
  /**
   * Images the stage may name without a pin (see `DockerfileStageOptions.unpinnedImages`).
   * @default - none
   */
  public readonly unpinnedImages: string[];
  private readonly items: Instruction[] = [];
  /**
   * `from` may be an unpinned image (a container's `BaseImage.fromUnpinnedReference`), written as it is.
   * @internal
   */
  public _unpinnedFrom: boolean = false;

  /**
   * Creates a stage (`FROM <from> AS <name>`); add it to a `Dockerfile` and its instructions with `add`.
   * @param options name, base, comment, family and unpinned images of the stage
   * @throws Error if the name is not a valid stage name, `from` is empty, `comment` is empty, has a control character or ends with a backslash, or an `unpinnedImages` entry is not an image reference
   */
  public constructor(options: DockerfileStageOptions) {
    this.name = checkStageName('DockerfileStage.name', options.name);
    this.from = checkNonEmpty(`DockerfileStage(${options.name}).from`, options.from);
    this.comment = checkLine(`DockerfileStage(${options.name}).comment`, options.comment);
    this.family = options.family;
    const unpinned = options.unpinnedImages ?? [];
    if (!Array.isArray(unpinned)) fail(`DockerfileStage(${options.name}).unpinnedImages`, 'an array of image references', unpinned);
    this.unpinnedImages = unpinned.map((r, i) => checkUnpinnedImageReference(`DockerfileStage(${options.name}).unpinnedImages[${i}]`, r));
  }

  /**
   * Appends instructions to the stage, in order.
   * @param instructions the instructions (FROM is written by the stage itself)
   * @returns this stage
   */
  public add(...instructions: Instruction[]): DockerfileStage {
    this.items.push(...instructions);
    return this;
  }

  /** The instructions, in order (a copy). */
  public get instructions(): Instruction[] {
    return [...this.items];
  }
}
