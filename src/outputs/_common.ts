import { posix } from 'path';
import { Component, Project } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { checkRelativePath, fail } from '../_validate';
import { safeYaml } from '../_yaml';
import { podSpecFragment } from '../kubernetes/_probes';
import { ServiceModel } from '../service/_service';
import { ContainerService } from '../service/container-service';

/** The container entry and the volumes of the model's PodSpec fragment. */
export function containerFragment(m: ServiceModel): { container: Record<string, any>; volumes: Array<Record<string, unknown>> } {
  const f = podSpecFragment(m) as { containers: Array<Record<string, any>>; volumes: Array<Record<string, unknown>> };
  return { container: f.containers[0], volumes: f.volumes };
}

/** Checks a project-relative output path with one of `extensions` and that no other file of the project has it. */
export function checkOutputPath(project: Project, path: string, value: string, extensions: string[]): string {
  checkRelativePath(path, value);
  if (!extensions.some((e) => value.endsWith(e))) fail(path, `a path ending in ${extensions.join(' or ')}`, value);
  if (project.tryFindFile(value)) fail(path, 'a path no other file of the project uses', value);
  return value;
}

/** Checks a container service argument. */
export function checkService(path: string, value: ContainerService): ContainerService {
  if (!(value instanceof ContainerService)) fail(path, 'a ContainerService (e.g. a FastApiBackend or StaticFrontend)', typeof value);
  return value;
}

/** Checks a non-empty list of container services with unique container names. */
export function checkServices(path: string, value: ContainerService[]): ContainerService[] {
  if (!Array.isArray(value) || value.length === 0) fail(path, 'a non-empty array of ContainerService', value);
  const names = new Set<string>();
  value.forEach((s, i) => {
    checkService(`${path}[${i}]`, s);
    if (names.has(s.name)) fail(`${path}[${i}]`, 'a container whose name no other listed container has', s.name);
    names.add(s.name);
  });
  return [...value];
}

/** A generated YAML file: `# <marker>`, a blank line, then the YAML 1.1-safe document. */
export function setYaml(file: GeneratedFile, value: unknown, comment: string[] = []): void {
  const text = safeYaml(value);
  file.setContent((marker) => [...(marker ? [`# ${marker}`] : []), ...comment.map((c) => `# ${c}`)].map((l) => `${l}\n`).join('') + (marker || comment.length ? '\n' : '') + text);
}

/** A generated multi-document YAML file: `# <marker>`, a blank line, then the documents separated by `---`. */
export function setYamlDocuments(file: GeneratedFile, docs: unknown[]): void {
  const text = docs.map((d) => safeYaml(d)).join('---\n');
  file.setContent((marker) => (marker ? `# ${marker}\n\n` : '') + text);
}

/** A POSIX path from the directory of `fromFile` to `to`, starting with `./` or `../`. */
export function relativeFrom(fromFile: string, to: string): string {
  const r = posix.relative(posix.dirname(fromFile), to) || '.';
  return r.startsWith('.') ? r : `./${r}`;
}

/** A new generated file owned by `scope`. */
export function generatedFile(scope: Component, path: string): GeneratedFile {
  return new GeneratedFile(scope, path);
}
