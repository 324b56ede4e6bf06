import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DockerfileParser, Instruction as AstInstruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Project } from 'projen';
import * as YAML from 'yaml';

/** A fresh bare projen project in its own temp directory. */
export function newProject(): Project {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-test-'));
  return new Project({ name: 'test', outdir });
}

/** Synthesizes the project and returns the text of every file under `dirs` (relative paths). */
export function synth(project: Project): Record<string, string> {
  project.synth();
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== '.projen' && e.name !== 'node_modules') walk(p);
      } else {
        out[path.relative(project.outdir, p)] = fs.readFileSync(p, 'utf8');
      }
    }
  };
  walk(project.outdir);
  return out;
}

/** Every file below a directory (relative paths), for "nothing was written" checks. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}

export interface ParsedInstruction {
  readonly keyword: string;
  readonly line: number;
  readonly comment?: string;
  readonly raw: AstInstruction;
  /** Arguments as the parser reads them (whitespace split, continuation joined). */
  readonly args: string[];
  /** For exec-form instructions (CMD, ENTRYPOINT, SHELL, HEALTHCHECK CMD), the JSON argv. */
  readonly json?: string[];
  readonly flags: Record<string, string>;
  readonly properties: Record<string, string>;
}

export interface ParsedStage {
  readonly name: string;
  readonly from: string;
  readonly instructions: ParsedInstruction[];
}

/** Parses a Dockerfile with dockerfile-ast into stages of instructions (FROM included). */
export function parseDockerfile(text: string): ParsedStage[] {
  const doc = DockerfileParser.parse(text);
  const lines = text.split('\n');
  const stages: Array<{ name: string; from: string; instructions: ParsedInstruction[] }> = [];
  for (const ins of doc.getInstructions()) {
    const keyword = ins.getKeyword();
    const line = ins.getRange().start.line;
    const prev = lines[line - 1];
    const comment = prev !== undefined && prev.startsWith('# ') ? prev.slice(2) : undefined;
    const flags: Record<string, string> = {};
    const anyIns = ins as any;
    if (typeof anyIns.getFlags === 'function') {
      for (const f of anyIns.getFlags()) flags[f.getName()] = f.getValue();
    }
    const properties: Record<string, string> = {};
    if (typeof anyIns.getProperties === 'function') {
      for (const p of anyIns.getProperties()) properties[p.getName()] = p.getValue();
    }
    let json: string[] | undefined;
    // JSON.parse of the arguments text: dockerfile-ast's getJSONValue() drops spaces inside strings.
    const content = (ins.getArgumentsContent() ?? '').trim();
    if (keyword === 'HEALTHCHECK' && content !== 'NONE') {
      json = JSON.parse(content.slice(content.indexOf('CMD') + 3).trim());
    } else if (['CMD', 'ENTRYPOINT', 'SHELL'].includes(keyword) && content.startsWith('[')) {
      json = JSON.parse(content);
    }
    const args = ins.getArguments().map((a) => a.getValue());
    const parsed: ParsedInstruction = { keyword, line, comment, raw: ins, args, json, flags, properties };
    if (keyword === 'FROM') {
      const a = parsed.args;
      stages.push({ name: a[2] ?? '', from: a[0], instructions: [parsed] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(parsed);
    }
    // Instructions before the first FROM (global ARGs) belong to no stage.
  }
  return stages;
}

/** The stage named `name`. */
export function stage(stages: ParsedStage[], name: string): ParsedStage {
  const s = stages.find((x) => x.name === name);
  if (!s) throw new Error(`no stage ${name}`);
  return s;
}

/** The only instruction `keyword` of a stage. */
export function only(s: ParsedStage, keyword: string): ParsedInstruction {
  const found = s.instructions.filter((i) => i.keyword === keyword);
  if (found.length !== 1) throw new Error(`${s.name}: expected one ${keyword}, found ${found.length}`);
  return found[0];
}

/** dockerfile-utils diagnostics of error severity (1). */
export function dockerfileErrors(text: string): string[] {
  return validate(text).filter((d) => d.severity === 1).map((d) => `${d.range.start.line + 1}: ${d.message}`);
}

/** The PodSpec fragment of a Kubernetes snippet. */
export function parseSnippet(text: string): any {
  return YAML.parse(text);
}

/**
 * Validates the fragment as the spec of a Pod against the Kubernetes OpenAPI schema
 * (kubernetes-models); the image is the only field the fragment leaves to the user.
 */
export function validatePodFragment(fragment: any): void {
  const spec = { ...fragment, containers: fragment.containers.map((c: any) => ({ image: 'example.invalid/app:1.0.0', ...c })) };
  new Pod({ metadata: { name: 'check' }, spec }).validate();
}

/** Runs `fn` and returns the thrown error's message (fails if nothing is thrown). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, none was thrown');
}
