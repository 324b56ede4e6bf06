import { ImageFamily } from './image-family';

/** The family an image reference most likely belongs to: ALPINE when its tag names alpine, else DEBIAN. */
export function inferImageFamily(image: string): ImageFamily {
  const tag = image.split('@')[0].split('/').pop() ?? '';
  return /:(?:.*[-.])?alpine(?:[-.\d]|$)/.test(tag) ? ImageFamily.ALPINE : ImageFamily.DEBIAN;
}
