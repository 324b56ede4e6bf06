import { checkRelativePath, fail } from '../_validate';
import { evidentImageFamily } from '../dockerfile/_infer-family';
import { BaseImage } from '../dockerfile/base-image';
import { ImageFamily } from '../dockerfile/image-family';

/**
 * The BaseImage of a preset's image option: the family given, else inferred (nginx-unprivileged
 * images keep their own account).
 * @param path field path of the family option, for errors
 * @param referenceField the preset's option that holds `reference` (`baseImage`, `nginxImage`, `runtimeImage`), for errors
 */
export function presetBaseImage(
  path: string,
  reference: string,
  family: ImageFamily | undefined,
  allowed: ImageFamily[] = [ImageFamily.DEBIAN, ImageFamily.ALPINE],
  referenceField: string = 'baseImage',
): BaseImage {
  const inferred = BaseImage.fromReference(reference);
  if (family !== undefined && !Object.values(ImageFamily).includes(family)) fail(path, 'an ImageFamily', family);
  const chosen = family ?? inferred.family;
  if (!allowed.includes(chosen)) fail(path, `one of ${allowed.join(', ')} for this preset`, chosen);
  const evident = evidentImageFamily(reference);
  if (evident !== undefined && evident !== chosen) {
    fail(path, `the family of ${referenceField} ${reference} (${evident}), which the reference names: leave imageFamily unset, or set ${referenceField} to a pinned ${chosen} image`, chosen);
  }
  if (chosen === inferred.family) return inferred;
  return BaseImage._create(reference, chosen, {}, false);
}

/**
 * The files a preset copies before its dependency install: `given`, else `defaults`; at least one,
 * each a relative path. `path` is the preset's construct path.
 */
export function dependencyFiles(path: string, given: string[] | undefined, defaults: string[]): string[] {
  const files = [...(given ?? defaults)];
  if (files.length === 0) fail(`${path}.dependencyFiles`, 'a non-empty array of files', files);
  files.forEach((f, i) => checkRelativePath(`${path}.dependencyFiles[${i}]`, f));
  return files;
}
