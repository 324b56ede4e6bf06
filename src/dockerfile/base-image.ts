// BaseImage: the image a container's final stage starts from, and what it has (facts from src/images/_facts.ts).
import { checkImageReference, checkUnpinnedImageReference, fail, isPinned } from '../_validate';
import { ResolvedBaseImage } from './_resolved-base';
import { ContainerUser } from '../container/container-user';
import { CheckTool } from '../health/check-tool';
import { baseTools, evidentImageFamily, familyTools, IMAGE_OWN_ACCOUNTS, imageName, inferImageFamily, toolProgram, Tool } from '../images/_facts';
import { ImageFamily } from '../images/image-family';

/** Docker's reserved empty image. */
const SCRATCH = 'scratch';

/**
 * Options of a base image: what it already has.
 * @see https://docs.docker.com/reference/dockerfile/#from
 */
export interface BaseImageOptions {
  /**
   * Health-check tools the image already has in its final stage (no install needed).
   * @default - inferred from the reference: `python` images have PYTHON, `node` images NODE, Alpine images
   *   WGET (BusyBox), distroless `python3*` PYTHON and `nodejs*` NODE; none otherwise
   */
  readonly tools?: CheckTool[];

  /**
   * The non-root account the image already has. A container on this base runs as it unless its own
   * `user` is set; no account is created for it. All four fields must be given.
   * @default - inferred: `node` for Node images (1000:1000), `nonroot` for distroless (65532:65532), `nginx` for
   *   nginx-unprivileged (101:101); none otherwise (the container creates its own)
   */
  readonly user?: ContainerUser;
}

/** The check tools among the project's tool names, wget first (the cheapest client, docs/performance.md). */
function checkTools(tools: readonly Tool[]): CheckTool[] {
  const order = [CheckTool.WGET, CheckTool.CURL, CheckTool.PYTHON, CheckTool.NODE];
  return order.filter((t) => (tools as readonly string[]).includes(t));
}

/**
 * The image a container's final stage starts from, and what that implies: its family (package
 * manager, account tools, shell), the health-check tools it already has, and the non-root account it
 * already has. The model uses it to pick and verify the check tool (never one the image lacks) and to
 * decide whether to create an account.
 *
 * | factory | family | tools (default) | account (default) |
 * |---|---|---|---|
 * | `debian` | DEBIAN | PYTHON for `python:*`, NODE for `node:*` | `node` 1000:1000 for `node:*`, else created |
 * | `alpine` | ALPINE | WGET (BusyBox), plus PYTHON / NODE as above | as above |
 * | `distroless` | DISTROLESS | PYTHON for `python3*`, NODE (`/nodejs/bin/node`) for `nodejs*` | `nonroot` 65532:65532 |
 * | `nginxUnprivileged` | from the tag | WGET when Alpine | `nginx` 101:101 (the image's USER) |
 * | `scratch` | DISTROLESS (no shell, no package manager) | none | none: the numeric `user` (default 1000:1000), never created |
 *
 * @see https://docs.docker.com/reference/dockerfile/#from
 * @see https://github.com/GoogleContainerTools/distroless
 * @see https://github.com/nginx/docker-nginx-unprivileged
 * @see https://docs.docker.com/build/building/base-images/#create-a-minimal-base-image-using-scratch
 */
export class BaseImage {
  /**
   * A Debian-family image (`python:3.12-slim`, `node:22-bookworm-slim`, `nginx:1.27`): apt-get, useradd, bash.
   * @param reference pinned by a tag other than `latest` or by a digest
   * @param options tools and account the image already has
   * @throws Error `BaseImage.reference: must be ...` for an unpinned or malformed reference, or one that names another family (an alpine tag)
   */
  public static debian(reference: string, options: BaseImageOptions = {}): BaseImage {
    return new BaseImage(reference, ImageFamily.DEBIAN, options, false);
  }

  /**
   * An Alpine-family image (`nginx:1.27-alpine`, `node:22-alpine`): apk, BusyBox adduser and wget, ash.
   * @param reference pinned by a tag other than `latest` or by a digest
   * @param options tools and account the image already has
   * @throws Error `BaseImage.reference: must be ...` for an unpinned or malformed reference, or one that names another family (a slim or Debian-release tag)
   */
  public static alpine(reference: string, options: BaseImageOptions = {}): BaseImage {
    return new BaseImage(reference, ImageFamily.ALPINE, options, false);
  }

  /**
   * A distroless image (`gcr.io/distroless/static-debian12:nonroot`): no shell, no package manager. The
   * final stage holds no `RUN`; the health check runs a program the image has (the runtime, or a binary
   * copied in: see `checkBinary`).
   * @param reference pinned by a tag other than `latest` or by a digest
   * @param options tools and account the image already has
   * @throws Error `BaseImage.reference: must be ...` for an unpinned or malformed reference, or one that names another family
   */
  public static distroless(reference: string, options: BaseImageOptions = {}): BaseImage {
    return new BaseImage(reference, ImageFamily.DISTROLESS, options, true);
  }

  /**
   * nginx-unprivileged (`nginxinc/nginx-unprivileged:1.27-alpine`): already non-root (`nginx`, uid 101,
   * its default USER), listening on 8080. Alpine or Debian by its tag.
   * @param reference pinned by a tag other than `latest` or by a digest
   * @throws Error `BaseImage.reference: must be ...` for an unpinned or malformed reference
   */
  public static nginxUnprivileged(reference: string): BaseImage {
    return new BaseImage(reference, inferImageFamily(reference), { user: { ...IMAGE_OWN_ACCOUNTS.nginxUnprivileged } }, true);
  }

  /**
   * Docker's reserved empty image (`FROM scratch`): the final stage holds only what it copies in (a static binary,
   * CA certificates). It has no shell, no package manager and no `/etc/passwd`, so:
   * - the container runs as the numeric `user` (default 1000:1000; `USER uid:gid` is written numeric, its name is
   *   only a label) and no account is created;
   * - no `RUN` in the final stage (an instruction that needs a shell is a synth error: build in an earlier stage
   *   and `COPY --from` it), no `systemPackages`, no `HealthCheck.shell` and no check tool: the Docker
   *   `HEALTHCHECK` runs a program copied into the image (`checkBinary`, or `HealthCheck.exec` of such a program),
   *   or is turned off with `noDockerHealthcheck: true` (the kubelet's probes need no program in the image);
   * - `writablePaths` are mounted (emptyDir, Compose tmpfs): the image needs no directory for them.
   * The family is DISTROLESS (no shell, no package manager); the reference is `scratch`, written as it is (it is
   * not pulled, so it has no tag to pin).
   * @see https://docs.docker.com/build/building/base-images/#create-a-minimal-base-image-using-scratch
   * @see https://docs.docker.com/reference/dockerfile/#from
   */
  public static scratch(): BaseImage {
    return new BaseImage(SCRATCH, ImageFamily.DISTROLESS, {}, false);
  }

  /**
   * The family inferred from the reference: DISTROLESS when its repository path names distroless (or it is Chainguard's `static`), ALPINE when
   * the repository is `alpine` or the tag names alpine, else DEBIAN; nginx-unprivileged images as `nginxUnprivileged`;
   * `scratch` as `BaseImage.scratch()`.
   * @param reference pinned by a tag other than `latest` or by a digest, or `scratch`
   * @throws Error `BaseImage.reference: must be ...` for an unpinned or malformed reference
   */
  public static fromReference(reference: string): BaseImage {
    if (reference === SCRATCH) return BaseImage.scratch();
    if (typeof reference === 'string' && imageName(reference).repo === 'nginx-unprivileged') return BaseImage.nginxUnprivileged(reference);
    const family = inferImageFamily(reference);
    return new BaseImage(reference, family, {}, family === ImageFamily.DISTROLESS);
  }

  /**
   * An image reference that is not pinned (`alpine`, `gcr.io/distroless/static-debian12`, `debian:latest`, or a tag
   * naming a global build arg without a default, `gcr.io/distroless/static-debian12:latest-${GOARCH}`, declared in
   * `globalArgs` and set by `--build-arg`), written as it is, for a project adopting a Dockerfile whose base floats: each build may take another image (hadolint
   * DL3006/DL3007, Trivy DS-0001), so synthesis warns naming it and the final stage's comment says so. The family
   * is inferred as in `fromReference`. Pin it when you can: `BaseImage.fromReference('alpine:3.20')` (or a digest).
   * Build stages and `COPY --from` images take the same opt-in as `DockerfileStageOptions.unpinnedImages`.
   * `scratch` is taken as `BaseImage.scratch()`.
   * @param reference a well-formed image reference, with or without a tag; build args (`${NAME}`) in the tag only
   * @throws Error `BaseImage.reference: must be ...` for a malformed reference, or one with a build arg in its repository
   * @see https://docs.docker.com/reference/dockerfile/#from
   * @see https://github.com/hadolint/hadolint/wiki/DL3006
   */
  public static fromUnpinnedReference(reference: string): BaseImage {
    if (reference === SCRATCH) return BaseImage.scratch();
    checkUnpinnedImageReference('BaseImage.reference', reference);
    // A build arg in the repository (`${BASE}`, `${REGISTRY}/app`) leaves the image unknown: its family, tools, account.
    if (/\$/.test(imageName(reference).path)) {
      fail('BaseImage.reference', 'a reference whose repository is known (a build arg only in the tag, as in gcr.io/distroless/static-debian12:latest-${GOARCH}); for an image named by a build arg, set the image the build uses', reference);
    }
    // A reference that is pinned after all is taken as fromReference takes it (no warning).
    const pinned = isPinned(reference);
    if (imageName(reference).repo === 'nginx-unprivileged') {
      return new BaseImage(reference, inferImageFamily(reference), { user: { ...IMAGE_OWN_ACCOUNTS.nginxUnprivileged } }, true, pinned);
    }
    const family = inferImageFamily(reference);
    return new BaseImage(reference, family, {}, family === ImageFamily.DISTROLESS, pinned);
  }

  /**
   * A base image of the given family, for presets that take the family as an option.
   * @internal
   */
  public static _create(reference: string, family: ImageFamily, options: BaseImageOptions, defaultUserNonRoot: boolean): BaseImage {
    return new BaseImage(reference, family, options, defaultUserNonRoot);
  }

  /** The image reference. */
  public readonly reference: string;
  /** The image family. */
  public readonly family: ImageFamily;
  private readonly options: BaseImageOptions;
  private readonly defaultUserNonRoot: boolean;
  private readonly pinned: boolean;

  private constructor(reference: string, family: ImageFamily, options: BaseImageOptions, defaultUserNonRoot: boolean, pinned: boolean = true) {
    // `scratch` is Docker's reserved empty image, never pulled: there is nothing to pin.
    this.reference = reference === SCRATCH && family === ImageFamily.DISTROLESS ? reference
      : pinned ? checkImageReference('BaseImage.reference', reference) : checkUnpinnedImageReference('BaseImage.reference', reference);
    this.pinned = pinned;
    const evident = evidentImageFamily(reference);
    if (evident !== undefined && evident !== family) {
      fail('BaseImage.reference', `an image of the ${family} family (the reference names a ${evident} image)`, reference);
    }
    this.family = family;
    this.options = { tools: options.tools ? [...options.tools] : undefined, user: options.user ? { ...options.user } : undefined };
    this.defaultUserNonRoot = defaultUserNonRoot;
  }

  /**
   * What the image has, validated; `path` is the field path for errors.
   * @internal
   */
  public _resolve(path: string): ResolvedBaseImage {
    const { repo, path: repoPath } = imageName(this.reference);
    const distroless = this.family === ImageFamily.DISTROLESS;
    let tools: CheckTool[];
    if (this.options.tools !== undefined) {
      this.options.tools.forEach((t, i) => {
        if (!Object.values(CheckTool).includes(t)) fail(`${path}.tools[${i}]`, 'a CheckTool', t);
      });
      tools = [...new Set(this.options.tools)];
    } else {
      // What the image is known to have (src/images/_facts.ts), and BusyBox wget in every Alpine image.
      tools = checkTools([...baseTools(this.reference).present, ...familyTools(this.family)]);
    }
    const programs: Partial<Record<CheckTool, string>> = {};
    const node = toolProgram(this.reference, 'node');
    const python = toolProgram(this.reference, 'python3');
    if (node !== undefined) programs[CheckTool.NODE] = node;
    if (python !== undefined) programs[CheckTool.PYTHON] = python;

    let user = this.options.user;
    const scratch = this.reference === SCRATCH;
    if (user === undefined && !scratch) {
      if (distroless) user = { ...IMAGE_OWN_ACCOUNTS.distroless };
      else if (repo === 'node' && !repoPath.includes('distroless')) user = { ...IMAGE_OWN_ACCOUNTS.node };
    }
    let resolvedUser: ResolvedBaseImage['user'];
    if (user !== undefined) {
      const { name, uid, group, gid } = user;
      if (name === undefined || uid === undefined || group === undefined || gid === undefined) {
        fail(`${path}.user`, 'an account with name, uid, group and gid all given', user);
      }
      resolvedUser = { name, uid, group, gid };
    }
    const { reference, pinned, family, defaultUserNonRoot } = this;
    return { reference, pinned, family, tools, programs, user: resolvedUser, defaultUserNonRoot, scratch };
  }
}
