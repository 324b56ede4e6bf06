/**
 * The corpus runner: runs the checker (as the CLI does, JSON output) over every repository folder of a corpus
 * folder and counts its findings per repository by rule and severity (JSON plus a markdown table). Harness, not
 * package: it lives outside src/, so it is not in lib/ (the `check-corpus` task runs test/corpus/cli.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/check/cli';
import { RoundTripSummary } from '../../src/check/report';

/** One repository's run: exit status, findings by rule and severity, skipped files, notes, time. */
export interface CorpusRow {
  readonly repository: string;
  readonly exitStatus: number;
  /** stderr when the run failed (exit 2). */
  readonly failure?: string;
  readonly errors: number;
  readonly warnings: number;
  /** Findings shown only with --verbose (summarised in one line by default). */
  readonly hidden: number;
  readonly byRule: Record<string, { readonly error: number; readonly warning: number; readonly info: number }>;
  readonly dockerfiles: number;
  readonly containers: number;
  readonly pairs: number;
  readonly skipped: number;
  readonly seconds: number;
  /** The round trip (`check --round-trip --format json`): adopted, refused by reason, differences by class. */
  readonly roundTrip?: RoundTripRow;
  /** Every finding the run printed (JSON output), for judging (test/corpus/judge.ts). */
  readonly findings?: CorpusFinding[];
  /** Every container the checker read, with the Dockerfile it paired (none: unpaired), for pairing recall. */
  readonly containerPairs?: CorpusPair[];
}

/** A finding as the checker's JSON prints it (the fields judging needs). */
export interface CorpusFinding {
  readonly rule: string;
  readonly severity: string;
  readonly file: string;
  readonly line: number;
  readonly subject: string;
  readonly message: string;
  readonly also?: string[];
}

/** A container the checker read (`file`: where it is declared) and the Dockerfile it paired, if any. */
export interface CorpusPair {
  readonly key: string;
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly image?: string;
  readonly dockerfile?: string;
  /** Why the checker left it unpaired, when it says. */
  readonly reason?: string;
}

/**
 * The containers and their pairs: from the checker's `check()` function (its containers keep `file`, `kind`,
 * `workload`, `name`; the pair's image its Dockerfile `file`), else from the JSON output when it lists them (`pairs`).
 * `reason`: why a container is unpaired, when the checker says (any of `reason`, `why`, `unpaired`).
 */
function pairsOf(parsed: any, cwd: string): CorpusPair[] | undefined {
  const reasonOf = (p: any): string | undefined => {
    const r = p?.reason ?? p?.why ?? p?.unpaired;
    return typeof r === 'string' ? r : r !== undefined ? JSON.stringify(r) : undefined;
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { check } = require('../../src/check/_check');
    const result = check({ paths: ['.'], cwd });
    const why = new Map<unknown, string>((result.unpaired ?? []).map((u: any) => [`${u.file}:${u.line}:${u.container}`, `${u.reason}: ${u.why}`]));
    const keyOf = (c: any) => (c.kind === 'PodSpec' ? c.name : `${c.kind}/${c.workload}/${c.name}`);
    // Compose services are containers too: paired with the Dockerfile their build: names.
    const compose = (result.compose ?? []).map((c: any) => ({
      key: `compose/${c.name}`,
      file: c.file,
      line: c.line,
      name: c.name,
      image: c.image,
      dockerfile: c.build?.dockerfile ? path.relative(cwd, c.build.dockerfile).split(path.sep).join('/') : undefined,
      ...(c.build?.dockerfile ? {} : { reason: c.build ? 'its build: names no Dockerfile that exists' : 'no build: (an image from a registry)' }),
    }));
    return [...compose, ...result.pairs.map((p: any) => ({
      key: p.container.kind === 'PodSpec' ? p.container.name : `${p.container.kind}/${p.container.workload}/${p.container.name}`,
      file: p.container.file,
      line: p.container.line,
      name: p.container.name,
      image: p.container.image,
      dockerfile: p.image?.file ?? (typeof p.dockerfile === 'string' ? p.dockerfile : undefined),
      ...(p.image ? {} : { reason: why.get(`${p.container.file}:${p.container.line}:${keyOf(p.container)}`) ?? reasonOf(p) }),
    }))];
  } catch {
    if (!Array.isArray(parsed.pairs)) return undefined;
    return parsed.pairs.map((p: any) => ({
      key: String(p.container ?? p.key ?? ''),
      file: String(p.file ?? ''),
      line: Number(p.line ?? 0),
      name: String(p.name ?? String(p.container ?? '').split('/').pop()),
      image: p.image ?? undefined,
      dockerfile: p.dockerfile ?? undefined,
      reason: reasonOf(p),
    }));
  }
}

/** One repository's round trip counts: the CLI's summary (report/_round-trip-report.ts), or why the run failed. */
export type RoundTripRow = Omit<RoundTripSummary, 'unreadable'> & {
  /** The run failed (exit 2 or a crash): its first line. */
  readonly failure?: string;
};

/** Runs `check --round-trip --format json` in one repository folder and keeps its summary. */
export function roundTripOf(cwd: string, extraArgs: string[] = []): RoundTripRow {
  let out = '';
  let err = '';
  let status: number;
  try {
    status = main(['check', '--round-trip', '--format', 'json', ...extraArgs, '.'], cwd, (s) => { out += s; }, (s) => { err += s; });
  } catch (e) {
    status = 3;
    err += `crash: ${(e as Error).stack ?? String(e)}`;
  }
  const empty = { containers: 0, adopted: 0, refused: 0, refusedBy: {}, named: 0, hardening: 0, unlisted: 0, bySource: {} };
  if (status >= 2) return { ...empty, failure: err.trim().split('\n')[0] };
  try {
    const s = JSON.parse(out).summary;
    const { containers, adopted, refused, refusedBy, named, hardening, unlisted, bySource } = s;
    return { containers, adopted, refused, refusedBy, named, hardening, unlisted, bySource };
  } catch {
    return { ...empty, failure: 'unparsable JSON output' };
  }
}

/** Runs the checker over each subfolder of `folder` (sorted by name); `roundTrip` adds the round trip's counts. */
export function runCorpus(folder: string, extraArgs: string[] = [], roundTrip = true): CorpusRow[] {
  const repos = fs.readdirSync(folder, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name).sort();
  return repos.map((repo) => {
    const cwd = path.join(folder, repo);
    let out = '';
    let err = '';
    const started = process.hrtime.bigint();
    let status: number;
    try {
      status = main(['check', '--format', 'json', ...extraArgs, '.'], cwd, (s) => { out += s; }, (s) => { err += s; });
    } catch (e) {
      status = 3;
      err += `crash: ${(e as Error).stack ?? String(e)}`;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    let parsed: any = { findings: [], summary: {} };
    try {
      if (out.trim() !== '') parsed = JSON.parse(out);
    } catch {
      err += '\nunparsable JSON output';
    }
    const byRule: Record<string, { error: number; warning: number; info: number }> = {};
    for (const f of parsed.findings ?? []) {
      const r = (byRule[f.rule] ??= { error: 0, warning: 0, info: 0 });
      r[f.severity as 'error' | 'warning' | 'info'] += 1;
    }
    const s = parsed.summary ?? {};
    const count = (sev: string) => (parsed.findings ?? []).filter((f: any) => f.severity === sev).length;
    return {
      repository: repo,
      exitStatus: status,
      failure: status >= 2 ? err.trim().split('\n')[0] : undefined,
      errors: count('error'),
      warnings: count('warning'),
      hidden: (s.hidden ?? count('info')) as number,
      byRule: Object.fromEntries(Object.entries(byRule).sort(([a], [b]) => a.localeCompare(b))),
      dockerfiles: s.dockerfiles ?? 0,
      containers: s.containers ?? 0,
      pairs: s.pairs ?? 0,
      skipped: Array.isArray(parsed.skipped) ? parsed.skipped.length : 0,
      seconds: Number(seconds.toFixed(2)),
      ...(roundTrip ? { roundTrip: roundTripOf(cwd, extraArgs) } : {}),
      findings: (parsed.findings ?? []).map((f: any) => ({
        rule: f.rule,
        severity: f.severity,
        file: f.file,
        line: f.line,
        subject: f.subject,
        message: f.message,
        ...(f.also ? { also: f.also } : {}),
      })),
      containerPairs: pairsOf(parsed, cwd),
    };
  });
}

function roundTripCells(r: RoundTripRow | undefined): string[] {
  if (!r) return ['', '', '', '', ''];
  if (r.failure) return [`failed (${r.failure.replace(/\|/g, '\\|').slice(0, 60)})`, '', '', '', ''];
  const by = Object.entries(r.refusedBy).map(([k, v]) => `${k} ${v}`).join(', ');
  // Adopted of all containers, then by source (Kubernetes, Compose, Dockerfile alone) where there are any.
  const sources = Object.entries(r.bySource ?? {}).filter(([, v]) => v.containers > 0);
  const src = sources.some(([k]) => k !== 'kubernetes') ? sources.map(([k, v]) => `${k} ${v.adopted}/${v.containers}`).join(', ') : '';
  return [`${r.adopted}/${r.containers}${src ? ` (${src})` : ''}`, `${r.refused}${by ? ` (${by})` : ''}`, String(r.named), String(r.hardening), String(r.unlisted)];
}

/** The markdown table: one row per repository, then one column per rule (`errors/warnings/info`). */
export function corpusTable(rows: CorpusRow[]): string {
  const rules = [...new Set(rows.flatMap((r) => Object.keys(r.byRule)))].sort();
  const rt = rows.some((r) => r.roundTrip !== undefined);
  const head = ['repository', 'exit', 'errors', 'warnings', 'hidden', 'Dockerfiles', 'containers', 'paired', 'skipped files', ...rules,
    ...(rt ? ['adopted', 'refused (by reason)', 'named', 'hardening', 'unlisted'] : [])];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const cells = rules.map((id) => {
      const c = r.byRule[id];
      return c ? [c.error && `${c.error}E`, c.warning && `${c.warning}W`, c.info && `${c.info}I`].filter(Boolean).join(' ') : '';
    });
    lines.push(`| ${[r.repository, String(r.exitStatus) + (r.failure ? ` (${r.failure.replace(/\|/g, '\\|').slice(0, 80)})` : ''),
      r.errors, r.warnings, r.hidden, r.dockerfiles, r.containers, r.pairs, r.skipped, ...cells, ...(rt ? roundTripCells(r.roundTrip) : [])].join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}
