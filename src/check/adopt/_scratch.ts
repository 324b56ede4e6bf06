// Runs an emitted statement as a fragment would, in a scratch projen project in a temporary folder.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import * as container from '../../container';
import * as dockerfile from '../../dockerfile';
import * as duration from '../../duration';
import * as health from '../../health';
import * as outputs from '../../outputs';
import * as presets from '../../presets';
import * as service from '../../service';

// The package's exports the emitted statements name, from the feature folders that hold them (the package root,
// src/index.ts, is above the checker).
export const library: Readonly<Record<string, unknown>> = { ...container, ...duration, ...dockerfile, ...health, ...service, ...presets, ...outputs };

/** The statement's code without its comment lines (what runs). */
export function runnable(code: string): string {
  return code.split('\n').filter((l) => !l.trim().startsWith('//')).join('\n');
}

/** The names of the package's exports the code uses (an import line naming exactly these compiles under noUnusedLocals). */
export function usedImports(code: string): string[] {
  // Names in string literals (`"/app/Dockerfile"`, every string is JSON.stringify's) are not uses.
  const text = runnable(code).replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return Object.keys(library).filter((n) => /^[A-Z]/.test(n) && new RegExp(`(^|[^\\w.$"])${n}\\b`).test(text)).sort();
}

/** A synthesized statement: its folder (removed by `dispose`), the files projen wrote, or the error that stopped it. */
export interface Scratch {
  readonly outdir: string;
  readonly error?: string;
  /** Project-relative paths of the files the statement wrote (from .projen/files.json), projen's own files left out. */
  readonly files: string[];
  dispose(): void;
}

/**
 * The Dockerfile among the files a statement wrote: named `Dockerfile*` / `Containerfile*` or `*.dockerfile` /
 * `*.containerfile` (the statement's `dockerfileName`, e.g. `tilt.dockerfile`), never its `.dockerignore`.
 */
export function writtenDockerfile(files: readonly string[]): string | undefined {
  return files.find((f) => {
    const b = path.posix.basename(f);
    return !/\.dockerignore$/i.test(b) && (/^(Dockerfile|Containerfile)/i.test(b) || /\.(dockerfile|containerfile)$/i.test(b));
  });
}

/**
 * Synthesizes `code` (a `new X(project, ...)` statement; comment lines ignored) in a new project in a temporary
 * folder; `seed` files (project-relative path -> text) are written there first, as the repository holds them.
 */
export function synthStatement(code: string, seed: ReadonlyMap<string, string> = new Map()): Scratch {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-adopt-'));
  const dispose = () => fs.rmSync(outdir, { recursive: true, force: true });
  for (const [rel, text] of seed) {
    fs.mkdirSync(path.dirname(path.join(outdir, rel)), { recursive: true });
    fs.writeFileSync(path.join(outdir, rel), text);
  }
  const names = usedImports(code);
  try {
    const project = new Project({ name: 'adopt-check', outdir });
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('project', ...names, runnable(code))(project, ...names.map((i) => library[i]));
    project.synth();
  } catch (e) {
    return { outdir, error: ((e as Error).message ?? String(e)).split('\n')[0], files: [], dispose };
  }
  let files: string[] = [];
  try {
    const listed = (JSON.parse(fs.readFileSync(path.join(outdir, '.projen', 'files.json'), 'utf8')) as { files?: string[] }).files ?? [];
    files = listed.filter((f) => !f.startsWith('.projen/') && f !== '.gitignore' && f !== '.gitattributes');
  } catch {
    files = [];
  }
  return { outdir, files, dispose };
}
