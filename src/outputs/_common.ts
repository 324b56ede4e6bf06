// What every output construct shares: its argument checks, its one generated file, and the YAML and path helpers.
import { posix } from 'path';
import { Component } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { checkFilePath, claimPaths, pathOf } from '../_paths';
import { fail } from '../_validate';
import { safeYaml } from '../_yaml';
import { ContainerService } from '../service/container-service';

/**
 * The one generated file of an output construct: its `filePath` option (or `defaultPath`) checked to end in
 * one of `extensions` and claimed (no other file of the library in the project may have it).
 * Errors name `<construct path>.filePath`.
 */
export function outputFile(owner: Component, filePath: string | undefined, defaultPath: string, extensions: readonly string[]): GeneratedFile {
  const path = pathOf(owner);
  const value = checkFilePath(`${path}.filePath`, filePath ?? defaultPath, extensions);
  claimPaths(owner.project, path, { filePath: value });
  return new GeneratedFile(owner, value);
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

/** `# <marker>` and `# <note>` lines (a note holds no line break), then a blank line; nothing without either. */
function header(marker: string | undefined, notes: readonly string[]): string {
  const lines = [...(marker ? [marker] : []), ...notes.map((n) => n.replace(/[\r\n]+/g, ' '))];
  return lines.length === 0 ? '' : `${lines.map((l) => `# ${l}`).join('\n')}\n\n`;
}

/** A generated YAML file: `# <marker>`, the notes as comment lines, a blank line, then the YAML 1.1-safe document. */
export function setYaml(file: GeneratedFile, value: unknown, notes: readonly string[] = []): void {
  const text = safeYaml(value);
  file.setContent((marker) => header(marker, notes) + text);
}

/**
 * A generated multi-document YAML file: `# <marker>`, the notes as comment lines, a blank line, then the documents
 * separated by `---`.
 */
export function setYamlDocuments(file: GeneratedFile, docs: unknown[], notes: readonly string[] = []): void {
  const text = docs.map((d) => safeYaml(d)).join('---\n');
  file.setContent((marker) => header(marker, notes) + text);
}

/** A POSIX path from the directory of `fromFile` to `to`, starting with `./` or `../`. */
export function relativeFrom(fromFile: string, to: string): string {
  const r = posix.relative(posix.dirname(fromFile), to) || '.';
  return r.startsWith('.') ? r : `./${r}`;
}
