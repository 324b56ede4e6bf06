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
