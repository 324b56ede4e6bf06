// What the presets share: the base image of an image option, and the dependency-files option.
import { evidentImageFamily } from '../_images';
import { checkRelativePath, fail } from '../_validate';
import { BaseImage } from '../dockerfile/base-image';
import { ImageFamily } from '../dockerfile/image-family';
import { CacheSharing, RunMount } from '../dockerfile/run-mount';

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

/** `buildMounts` of a preset: true by default (BuildKit, docs/performance.md), a boolean otherwise. */
export function checkBuildMounts(path: string, value: boolean | undefined): boolean {
  if (value !== undefined && typeof value !== 'boolean') fail(`${path}.buildMounts`, 'a boolean', value);
  return value ?? true;
}

/** npm's download cache as a BuildKit cache mount (root runs the build stages), locked: npm expects one writer. */
export function npmCacheMounts(buildMounts: boolean): RunMount[] {
  return buildMounts ? [RunMount.cache({ target: '/root/.npm', id: 'npm', sharing: CacheSharing.LOCKED })] : [];
}
