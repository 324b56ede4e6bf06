/**
 * The family of a base image: which package manager, account tools and shell it has.
 *
 * | family | packages | accounts | shell for `SHELL` with pipefail |
 * |---|---|---|---|
 * | DEBIAN | `apt-get install -y --no-install-recommends`, lists removed in the same `RUN` | `groupadd` / `useradd` | `/bin/bash` |
 * | ALPINE | `apk add --no-cache` | `addgroup -S` / `adduser -S` (BusyBox) | `/bin/ash` |
| DISTROLESS | none: no package manager | none: the image's `nonroot` account (65532) or any numeric id (`scratch`: a numeric id, no account at all) | none: no `RUN`, exec forms only |
 *
 * @see https://docs.docker.com/build/building/best-practices/#apt-get
 */
export enum ImageFamily {
  /** Debian and its slim images (`python:3.12-slim`, `nginx:1.27-bookworm`, `node:22-bookworm-slim`). */
  DEBIAN = 'debian',
  /** Alpine Linux images (`nginx:1.27-alpine`, `node:22-alpine`). */
  ALPINE = 'alpine',
  /**
   * Distroless images (`gcr.io/distroless/static-debian12:nonroot`, `gcr.io/distroless/nodejs22-debian12`), and
   * `scratch` (Docker's empty image, `BaseImage.scratch()`):
   * no shell and no package manager, so a stage of this family may hold no `RUN`, and the health check is exec
   * form with a program the image already has (the language runtime) or one copied in.
   * @see https://github.com/GoogleContainerTools/distroless
   */
  DISTROLESS = 'distroless',
}
