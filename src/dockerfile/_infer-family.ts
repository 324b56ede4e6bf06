// The image family an image reference implies (inferred) or states outright (evident).
import { ImageFamily } from './image-family';

/**
 * The family an image reference most likely belongs to: DISTROLESS when its repository path names
 * distroless (`gcr.io/distroless/static-debian12`), ALPINE when the repository is `alpine` or
 * the tag names alpine (`nginx:1.27-alpine`, `python:3.12-alpine3.20`), else DEBIAN.
 */
export function inferImageFamily(image: string): ImageFamily {
  if (/(^|\/)distroless\//.test(image.split('@')[0])) return ImageFamily.DISTROLESS;
  const last = image.split('@')[0].split('/').pop() ?? '';
  const [repo, tag = ''] = last.split(':');
  return repo === 'alpine' || /(^|[-.])alpine/.test(tag) ? ImageFamily.ALPINE : ImageFamily.DEBIAN;
}

/**
 * The family an image reference states outright, or undefined when it does not say: DISTROLESS for a
 * `distroless/` path, ALPINE for the `alpine` repository or an alpine tag, DEBIAN for `debian`/`ubuntu` or a
 * tag naming a Debian release or `slim` (`python:3.12-slim`, `node:22-bookworm-slim`, `nginx:1.27-bookworm`).
 */
export function evidentImageFamily(image: string): ImageFamily | undefined {
  const noDigest = image.split('@')[0];
  if (/(^|\/)distroless\//.test(noDigest)) return ImageFamily.DISTROLESS;
  const last = noDigest.split('/').pop() ?? '';
  const [repo, tag = ''] = last.split(':');
  if (repo === 'alpine' || /(^|[-.])alpine/.test(tag)) return ImageFamily.ALPINE;
  if (repo === 'debian' || repo === 'ubuntu' || /(^|[-.])(slim|bookworm|bullseye|buster|trixie|stretch)([-.]|$)/.test(tag)) return ImageFamily.DEBIAN;
  return undefined;
}
