/**
 * The allowlist of lint:real (test/lint-real/allowlist.yaml): findings kept on purpose, each with its reason and option.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { Finding } from './tools';

export interface AllowEntry {
  readonly tool: string;
  readonly rule: string;
  /** Group names (`fullstack/k8s`, `models/k8s` ...) it applies to; every group when absent. */
  readonly groups?: string[];
  /** A regular expression the finding's message must match; any message when absent. */
  readonly message?: string;
  /** The objects (`Kind/name`, as the finding names them) it applies to; every object when absent. */
  readonly objects?: string[];
  /** Why the default stays. */
  readonly reason: string;
  /** The option that satisfies the rule, or `none` with why. */
  readonly option: string;
}

export const ALLOWLIST_FILE = path.join(__dirname, 'allowlist.yaml');

/** Reads and checks the allowlist: every entry names a tool, a rule, a reason and an option. */
export function loadAllowlist(file = ALLOWLIST_FILE): AllowEntry[] {
  const entries = YAML.parse(fs.readFileSync(file, 'utf8'))?.allow ?? [];
  entries.forEach((e: any, i: number) => {
    for (const k of ['tool', 'rule', 'reason', 'option']) {
      if (typeof e[k] !== 'string' || e[k].trim() === '') throw new Error(`${file}: allow[${i}].${k}: must be a non-empty string; received ${JSON.stringify(e[k])}`);
    }
    for (const k of ['groups', 'objects']) {
      if (e[k] !== undefined && (!Array.isArray(e[k]) || e[k].some((x: unknown) => typeof x !== 'string'))) {
        throw new Error(`${file}: allow[${i}].${k}: must be a list of strings; received ${JSON.stringify(e[k])}`);
      }
    }
  });
  return entries;
}

/** The entry that allows the finding in the group, if any. */
export function allowedBy(entries: AllowEntry[], group: string, f: Finding): AllowEntry | undefined {
  return entries.find(
    (e) => e.tool === f.tool && e.rule === f.rule && (!e.groups || e.groups.includes(group))
      && (!e.objects || e.objects.includes(f.object)) && (!e.message || new RegExp(e.message).test(f.message)),
  );
}
