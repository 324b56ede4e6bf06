// What the presets share: the base image of an image option, the dependency-files option, build-only packages, the IPv6 HOST.
import { checkPackageName, checkRelativePath, fail } from '../_validate';
import { wildcardAddress } from '../container/_bind';
import { BaseImage } from '../dockerfile/base-image';
import { Instruction } from '../dockerfile/instruction';
import { CacheSharing, RunMount } from '../dockerfile/run-mount';
import { evidentImageFamily } from '../images/_facts';
import { checkPackageFamily } from '../images/_package-names';
import { ImageFamily } from '../images/image-family';
import { installPackageCommands } from '../service/_accounts';
import { ServiceModel } from '../service/_model';

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
  const names = files.map(baseName);
  const clash = names.findIndex((n, i) => names.indexOf(n) !== i);
  if (clash >= 0) {
    fail(`${path}.dependencyFiles[${clash}]`, `a file name no other dependency file has (each is copied, or bound, to ./<name>: ${files[names.indexOf(names[clash])]} is already ./${names[clash]})`, files[clash]);
  }
  return files;
}

/** The last segment of a relative path: where `COPY <file> ./` (and the bind mount of it) puts the file. */
const baseName = (file: string): string => file.split('/').pop()!;

/**
 * The mounts of a preset's dependency install step: the package manager's cache (`cache`), then each dependency
 * file bound read-only where `COPY <files> ./` would have put it, so neither the cache nor the manifests make a
 * layer of their own (Docker's `docker init` templates; uv's Docker guide). None without build mounts: the
 * preset then COPYs the files first.
 * @see https://docs.docker.com/reference/dockerfile/#run---mount
 */
export function dependencyStepMounts(buildMounts: boolean, cache: RunMount, files: string[]): RunMount[] {
  return buildMounts ? [cache, ...files.map((f) => RunMount.bind({ source: f, target: baseName(f) }))] : [];
}

/** `buildMounts` of a preset: true by default (BuildKit, docs/performance.md), a boolean otherwise. */
export function checkBuildMounts(path: string, value: boolean | undefined): boolean {
  if (value !== undefined && typeof value !== 'boolean') fail(`${path}.buildMounts`, 'a boolean', value);
  return value ?? true;
}

/**
 * The mounts of an `npm ci` step: npm's download cache (root runs the build stages; locked, npm expects one
 * writer) and the bound manifests (dependencyStepMounts).
 */
export function npmInstallMounts(buildMounts: boolean, files: string[]): RunMount[] {
  return dependencyStepMounts(buildMounts, RunMount.cache({ target: '/root/.npm', id: 'npm', sharing: CacheSharing.LOCKED }), files);
}

/**
 * The RUN of a build stage that installs `buildPackages` (compilers, headers: what a native dependency needs to
 * build), so they stay out of the final image; none when the list is empty or unset.
 * @param path the option's field path, e.g. `api.buildPackages`
 * @param reference the build stage's image, whose family (inferred from the reference) names the packages
 * @throws Error `<path>[<i>]: must be a package name ...`, or a package of the other family
 */
export function buildPackageInstall(path: string, packages: string[] | undefined, reference: string): Instruction[] {
  if (packages === undefined) return [];
  if (!Array.isArray(packages)) fail(path, 'an array of package names', packages);
  if (packages.length === 0) return [];
  const family = BaseImage.fromReference(reference).family;
  if (family === ImageFamily.DISTROLESS) fail(path, `empty for a distroless build image (${reference} has no package manager)`, packages);
  packages.forEach((p, i) => {
    checkPackageName(`${path}[${i}]`, p);
    checkPackageFamily(`${path}[${i}]`, p, family, `the build image ${reference}`);
  });
  return [Instruction.run(
    `Build-only packages ${packages.join(', ')} (buildPackages), for dependencies that compile here; the final image never gets them.`,
    installPackageCommands(family, packages),
  )];
}

/**
 * `ENV HOST=::` for a Node or Go service with `ipv6` (an app that reads HOST then binds the dual-stack wildcard);
 * nothing otherwise (the app's own default stands).
 */
export function ipv6HostEnv(m: ServiceModel): Instruction[] {
  if (m.listen.kind !== 'port' || !m.listen.ipv6) return [];
  return [Instruction.env('The address to bind (ipv6): the IPv6 wildcard, which takes IPv4 too on Linux; the app reads HOST (server.listen(port, process.env.HOST), net.Listen("tcp", "[" + os.Getenv("HOST") + "]:8080")).', { HOST: wildcardAddress(true) })];
}
