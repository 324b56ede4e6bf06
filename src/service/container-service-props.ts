import { ContainerServiceOptions } from './container-service-options';
import { BaseImage } from '../dockerfile/base-image';
import { DockerfileStage } from '../dockerfile/dockerfile-stage';
import { Instruction } from '../dockerfile/instruction';
import { CheckTool } from '../health/check-tool';

/**
 * Props of a general container: the shared options plus the image it is built from, the user's own
 * stages and instructions, and the command it runs.
 *
 * The final stage is written by the construct, in this order: `FROM` (the base image, or the build stage
 * named in `from`), `LABEL` (OCI), the setup step (the check tool's package and `systemPackages` installed,
 * the account created; or in `setupStage`), the `instructions`, `USER <uid>:<gid>`, `EXPOSE`, `HEALTHCHECK`,
 * `STOPSIGNAL` (when given), `ENTRYPOINT` (when given) and `CMD` (when given; none with `baseImageCommand`).
 *
 * @see https://docs.docker.com/build/building/multi-stage/
 * @see https://docs.docker.com/reference/dockerfile/#healthcheck
 */
export interface ContainerServiceProps extends ContainerServiceOptions {
  /**
   * The image the final stage is built on (directly, or through the build stages named by `from`). Its
   * family decides how packages are installed and the account is created, and which check tools exist.
   */
  readonly baseImage: BaseImage;

  /**
   * The `CMD` of the final stage, exec form: at least one non-empty argument without control characters.
   * Required unless `entrypoint` is given (the `ENTRYPOINT` alone then runs, with no arguments) or
   * `baseImageCommand` is true.
   * @default - none: required unless `entrypoint` or `baseImageCommand`
   * @throws Error `<path>.command: must be a non-empty argv array (the CMD the container runs) ...` when neither it,
   *   `entrypoint` nor `baseImageCommand` is given
   * @see https://docs.docker.com/reference/dockerfile/#cmd
   */
  readonly command?: string[];

  /**
   * Write no `ENTRYPOINT` and no `CMD`: the container runs what its base image runs (the `ENTRYPOINT` and `CMD` the
   * final stage inherits from `baseImage`, or from the build stage named in `from`), as a Dockerfile that adds
   * configuration to `nginx`, `postgres` or `prom/prometheus` and keeps their command does. The Dockerfile says so in
   * the final stage's comment; Compose, the Kubernetes snippet and the other outputs write no command either, so the
   * image's runs everywhere. `stopSignal` may still be given (it replaces the base image's `STOPSIGNAL`).
   * @default false: the construct writes `CMD` (and `ENTRYPOINT` when given)
   * @throws Error `<path>.command: must be unset with baseImageCommand: true ...` (likewise `entrypoint` and
   *   `commandComment`) when any of them is given with it
   * @see https://docs.docker.com/reference/dockerfile/#understand-how-cmd-and-entrypoint-interact
   */
  readonly baseImageCommand?: boolean;

  /**
   * The comment above `CMD`: one line, no control characters, no trailing backslash. Only with `command`.
   * @default 'The service, in the foreground, exec form (it receives SIGTERM directly).'
   */
  readonly commandComment?: string;

  /**
   * The `STOPSIGNAL` of the final stage: the signal `docker stop`, Compose and the kubelet (through containerd or
   * CRI-O, which read it from the image) send first, the program's graceful shutdown (nginx: `SIGQUIT`; a program
   * that shuts down gracefully on SIGTERM needs none). A name such as `SIGQUIT` or `SIGTERM`.
   * @default - none written: the base image's (SIGTERM unless the base image sets one)
   * @throws Error `<path>.stopSignal: must be a signal name like SIGTERM or SIGQUIT; received ...`
   * @see https://docs.docker.com/reference/dockerfile/#stopsignal
   */
  readonly stopSignal?: string;

  /**
   * The `ENTRYPOINT` of the final stage, exec form. Given without `command`, it runs with no arguments (Docker drops
   * the `CMD` a base image has when the Dockerfile sets `ENTRYPOINT`).
   * @default - none (the base image's, if any)
   * @see https://docs.docker.com/reference/dockerfile/#entrypoint
   */
  readonly entrypoint?: string[];

  /**
   * Stages before the final one (build, dependencies, development), in build order; more with `addBuildStage`.
   * @default []
   */
  readonly buildStages?: DockerfileStage[];

  /**
   * Global build arguments (`Instruction.arg(comment, name, default?)`), written before the first `FROM`.
   *
   * A stage's `from` or the base image may name them (`${GOARCH}`), and the build sets them with `--build-arg`. One named in a
   * `FROM` needs a default, unless that image is opted in as unpinned: the base through
   * `BaseImage.fromUnpinnedReference('gcr.io/distroless/static-debian12:latest-${GOARCH}')`, a build stage through its
   * `unpinnedImages` (the image is then whatever `--build-arg` gives, and synthesis warns).
   * @default []
   * @throws Error `<file>.globalArgs: must be an ARG instruction ...` for another instruction or a name declared twice
   * @see https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact
   */
  readonly globalArgs?: Instruction[];

  /**
   * A build stage the final stage starts `FROM` (it must descend from `baseImage`), instead of the base image.
   * @default - the base image itself
   */
  readonly from?: string;

  /**
   * A build stage that gets the setup step (packages, account) instead of the final stage, so that stages
   * sharing it (development, production) both have them. The final stage must descend from it.
   * @default - the final stage
   */
  readonly setupStage?: string;

  /**
   * Images the final stage's instructions may name without a pin (no tag, or `latest`): a `COPY --from` or a
   * `RUN --mount` `from` image (`COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/`), written as they are, said in the
   * final stage's comment and warned at synth: the final stage's `DockerfileStageOptions.unpinnedImages`. The base
   * image takes its own opt-in, `BaseImage.fromUnpinnedReference`.
   * @default - none: every image the final stage names is pinned
   * @throws Error `<path>.unpinnedImages[<i>]: must be an image reference ...` for a malformed reference
   * @see https://github.com/hadolint/hadolint/wiki/DL3007
   */
  readonly unpinnedImages?: string[];

  /**
   * Instructions of the final stage after the setup step and before `USER` (copy the application in);
   * more with `addInstruction`.
   * @default []
   */
  readonly instructions?: Instruction[];

  /**
   * Debian/Alpine packages the setup step installs (the check tool's is added when needed). Must be empty
   * on a distroless base.
   * @default []
   */
  readonly systemPackages?: string[];

  /**
   * Check tools that your own instructions put into the final stage (e.g. a `grpc_health_probe` copied in),
   * so that the model can verify the check tool exists there.
   * @default []
   */
  readonly addedTools?: CheckTool[];

  /**
   * Paths the image needs as they are (the application directory): a writable path may not be, contain or
   * lie under one. Absolute, normalized.
   * @default []
   */
  readonly protectedPaths?: string[];

  /**
   * Name of the final stage, the one `docker build --target` selects.
   * @default 'production'
   */
  readonly stageName?: string;

  /**
   * More `.dockerignore` entries, after the common ones (`.git`, `.env`, the Dockerfile, ...).
   * @default []
   */
  readonly dockerignoreEntries?: string[];
}
