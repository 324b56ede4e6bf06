import { fail } from '../_validate';
import { BaseImage } from '../dockerfile/base-image';
import { ImageFamily } from '../dockerfile/image-family';

/**
 * The BaseImage of a preset's image option: the family given, else inferred (nginx-unprivileged
 * images keep their own account).
 * @param path field path of the family option, for errors
 */
export function presetBaseImage(
  path: string,
  reference: string,
  family: ImageFamily | undefined,
  allowed: ImageFamily[] = [ImageFamily.DEBIAN, ImageFamily.ALPINE],
): BaseImage {
  const inferred = BaseImage.fromReference(reference);
  if (family !== undefined && !Object.values(ImageFamily).includes(family)) fail(path, 'an ImageFamily', family);
  const chosen = family ?? inferred.family;
  if (!allowed.includes(chosen)) fail(path, `one of ${allowed.join(', ')} for this preset`, chosen);
  if (chosen === inferred.family) return inferred;
  return BaseImage._create(reference, chosen, {}, false);
}
