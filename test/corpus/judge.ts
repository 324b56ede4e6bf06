/**
 * `judge-corpus <corpus-root> [--out <dir>] [--run] [--judgments <dir>] [--truth <dir>] [--sets a,b]`: per repository,
 * the findings of the default and `--verbose` views, how many are judged, precision (acted-on / judged) and pairing
 * recall against the ground truth, plus every finding without a judgment (ready to judge). Harness, not package.
 *
 * `<corpus-root>` holds one folder per set (`tune/`, `heldout/`, `old/`), each a folder of repositories. `--run` runs
 * the checker first (both views; `<out>/<set>/<view>/corpus.json`), else the JSON already in `<out>` is read.
 * Judgments: `<judgments>/<set>.tsv`, columns `repository rule file subject line verdict reason`, verdict
 * `acted-on`, `noise` or `wrong`. Truth: `<truth>/<repository>.tsv`, columns `file container dockerfile target evidence`.
 * `--strip-prefix repo-`: the repositories sit in renamed folders (`repo-<name>`), scored under their own names.
 * `--renamed`: a second pass over hard-linked copies in folders renamed `repo-<name>` (`<out>/renamed-tree/`, results in
 * `<out>/renamed/`): pairing must not depend on the checkout folder's name.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CorpusFinding, CorpusPair, CorpusRow, runCorpus } from './corpus';

export type Verdict = 'acted-on' | 'noise' | 'wrong';
export const VERDICTS: readonly Verdict[] = ['acted-on', 'noise', 'wrong'];

/** One judged finding. The key (repository, rule, file, subject, line) is what the checker prints, stable across versions. */
export interface Judgment {
  readonly repository: string;
  readonly rule: string;
  readonly file: string;
  readonly subject: string;
  readonly line: number;
  readonly verdict: Verdict;
  readonly reason: string;
}

/** One container whose image is built from a Dockerfile of the repository (Compose services: `compose/<service>`). */
export interface TruthRow {
  readonly file: string;
  readonly container: string;
  readonly dockerfile: string;
  readonly target: string;
}

const HEAD_J = ['repository', 'rule', 'file', 'subject', 'line', 'verdict', 'reason'];

/** Parses a judgments TSV (header line first). Throws on a bad verdict or a short line, naming the line. */
export function parseJudgments(text: string, source = 'judgments'): Judgment[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(lines[0]?.startsWith('repository\t') ? 1 : 0).map((l, i) => {
    const c = l.split('\t');
    if (c.length < 6) throw new Error(`${source}:${i + 2}: must have ${HEAD_J.join(', ')}; received ${JSON.stringify(l)}`);
    const verdict = c[5] as Verdict;
    if (!VERDICTS.includes(verdict)) throw new Error(`${source}:${i + 2}: verdict must be one of ${VERDICTS.join(', ')}; received ${JSON.stringify(c[5])}`);
    return { repository: c[0], rule: c[1], file: c[2], subject: c[3], line: Number(c[4]), verdict, reason: c[6] ?? '' };
  });
}

/** Parses a truth TSV (header line first). */
export function parseTruth(text: string): TruthRow[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.slice(lines[0]?.startsWith('file\t') ? 1 : 0).map((l) => {
    const c = l.split('\t');
    return { file: c[0], container: c[1], dockerfile: c[2], target: c[3] ?? '' };
  });
}

const norm = (p: string | undefined) => (p ?? '').replace(/^\.\//, '');

/**
 * The judgment of a finding: the exact key; else the same repository, rule and subject at the same file (any line)
 * or at one of the finding's other copies (`also`), when all such judgments agree. Undefined: not judged.
 */
export function judgmentOf(repository: string, f: CorpusFinding, judgments: Judgment[]): Judgment | undefined {
  const same = judgments.filter((j) => j.repository === repository && j.rule === f.rule && j.subject === f.subject);
  const exact = same.find((j) => j.file === f.file && j.line === f.line);
  if (exact) return exact;
  const files = new Set([f.file, ...(f.also ?? []).map((a) => a.replace(/:\d+$/, ''))]);
  const near = same.filter((j) => files.has(j.file));
  return near.length > 0 && near.every((j) => j.verdict === near[0].verdict) ? near[0] : undefined;
}

/** Pairing recall of one repository: truth containers the checker paired with the truth's Dockerfile. */
export interface Recall {
  readonly paired: number;
  readonly total: number;
  /** Kubernetes containers only (no Compose service). */
  readonly k8sPaired: number;
  readonly k8sTotal: number;
  /** The truth containers not paired correctly: `file container -> expected (got: ...)`. */
  readonly missed: string[];
  /** Pairs the truth does not have (another Dockerfile, or an image the truth does not know as built here): to check. */
  readonly extra: string[];
}

export function recallOf(truth: TruthRow[], pairs: CorpusPair[]): Recall {
  let paired = 0;
  let k8sPaired = 0;
  const missed: string[] = [];
  for (const t of truth) {
    const compose = t.container.startsWith('compose/');
    const name = t.container.split('/').pop();
    const cands = pairs.filter((p) => norm(p.file) === norm(t.file) && (compose ? p.name === name : p.key === t.container));
    const ok = cands.some((p) => norm(p.dockerfile) === norm(t.dockerfile));
    if (ok) {
      paired += 1;
      if (!compose) k8sPaired += 1;
    } else {
      const got = cands.length === 0 ? 'not read'
        : cands.map((p) => p.dockerfile ?? `unpaired${p.reason ? `: ${p.reason}` : ', no reason given'}`).join('; ');
      missed.push(`${t.file} ${t.container} -> ${t.dockerfile} (got: ${got})`);
    }
  }
  const k8sTotal = truth.filter((t) => !t.container.startsWith('compose/')).length;
  const extra = pairs.filter((p) => p.dockerfile !== undefined && !truth.some((t) => norm(t.file) === norm(p.file)
    && (t.container.startsWith('compose/') ? t.container.split('/').pop() === p.name : t.container === p.key)
    && norm(t.dockerfile) === norm(p.dockerfile)))
    .map((p) => `${p.file} ${p.key} -> ${p.dockerfile}${p.image ? ` (image ${p.image})` : ''}`);
  return { paired, total: truth.length, k8sPaired, k8sTotal, missed, extra };
}

/** Per-view counts of one repository. */
export interface ViewScore {
  readonly findings: number;
  readonly judged: number;
  readonly actedOn: number;
  readonly noise: number;
  readonly wrong: number;
  readonly unjudged: Array<{ readonly repository: string; readonly finding: CorpusFinding }>;
}

export function scoreView(repository: string, findings: CorpusFinding[], judgments: Judgment[]): ViewScore {
  let actedOn = 0;
  let noise = 0;
  let wrong = 0;
  const unjudged: ViewScore['unjudged'] = [];
  for (const f of findings) {
    const j = judgmentOf(repository, f, judgments);
    if (!j) unjudged.push({ repository, finding: f });
    else if (j.verdict === 'acted-on') actedOn += 1;
    else if (j.verdict === 'noise') noise += 1;
    else wrong += 1;
  }
  return { findings: findings.length, judged: actedOn + noise + wrong, actedOn, noise, wrong, unjudged };
}

/** One repository's line of the table. */
export interface RepoScore {
  readonly repository: string;
  readonly exitStatus: number;
  readonly default: ViewScore;
  readonly verbose: ViewScore;
  /** Undefined: no truth file. */
  readonly recall?: Recall;
}

export function scoreSet(defaultRows: CorpusRow[], verboseRows: CorpusRow[], judgments: Judgment[],
  truthOf: (repository: string) => TruthRow[] | undefined): RepoScore[] {
  return defaultRows.map((d) => {
    const v = verboseRows.find((r) => r.repository === d.repository);
    const truth = truthOf(d.repository);
    const pairs = v?.containerPairs ?? d.containerPairs ?? [];
    return {
      repository: d.repository,
      exitStatus: d.exitStatus,
      default: scoreView(d.repository, d.findings ?? [], judgments),
      verbose: scoreView(d.repository, v?.findings ?? [], judgments),
      recall: truth ? recallOf(truth, pairs) : undefined,
    };
  });
}

const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);

/** The markdown table of a set, a total line, then the missed pairs. */
export function scoreTable(set: string, scores: RepoScore[], lists = true): string {
  const head = ['repository', 'exit', 'default: findings', 'judged', 'acted-on / noise / wrong', 'precision',
    '--verbose: findings', 'judged', 'acted-on / noise / wrong', 'precision', 'pairing recall (k8s)', 'pairing recall (k8s + Compose)', 'unpaired', 'paired outside the truth'];
  const lines = [`### ${set}`, '', `| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const sum = (f: (s: RepoScore) => number) => scores.reduce((a, s) => a + f(s), 0);
  const view = (v: ViewScore) => [v.findings, v.judged, `${v.actedOn} / ${v.noise} / ${v.wrong}`, pct(v.actedOn, v.judged)];
  for (const s of scores) {
    const r = s.recall;
    lines.push(`| ${[s.repository, s.exitStatus, ...view(s.default), ...view(s.verbose),
      r ? `${r.k8sPaired}/${r.k8sTotal}` : 'no truth', r ? `${r.paired}/${r.total}` : 'no truth', r ? r.total - r.paired : '',
      r ? r.extra.length : ''].join(' | ')} |`);
  }
  const tot = (k: 'default' | 'verbose'): ViewScore => ({
    findings: sum((s) => s[k].findings),
    judged: sum((s) => s[k].judged),
    actedOn: sum((s) => s[k].actedOn),
    noise: sum((s) => s[k].noise),
    wrong: sum((s) => s[k].wrong),
    unjudged: [],
  });
  const kp = sum((s) => s.recall?.k8sPaired ?? 0);
  const kt = sum((s) => s.recall?.k8sTotal ?? 0);
  const ap = sum((s) => s.recall?.paired ?? 0);
  const at = sum((s) => s.recall?.total ?? 0);
  lines.push(`| **total** | ${scores.filter((s) => s.exitStatus !== 0).length} exit≠0 | ${view(tot('default')).join(' | ')} | ${view(tot('verbose')).join(' | ')} | ${kp}/${kt} (${pct(kp, kt)}) | ${ap}/${at} (${pct(ap, at)}) | ${at - ap} | ${sum((s) => s.recall?.extra.length ?? 0)} |`);
  if (!lists) return lines.join('\n') + '\n';
  const missed = scores.flatMap((s) => (s.recall?.missed ?? []).map((m) => `- ${s.repository}: ${m}`));
  if (missed.length > 0) lines.push('', `Missed pairs (${missed.length}):`, '', ...missed);
  const extra = scores.flatMap((s) => (s.recall?.extra ?? []).map((m) => `- ${s.repository}: ${m}`));
  if (extra.length > 0) lines.push('', `Pairs outside the truth (${extra.length}; a wrong pair, or an image the truth does not know):`, '', ...extra);
  return lines.join('\n') + '\n';
}

/** The findings without a judgment, as judgment lines with an empty verdict (fill in and append to `<set>.tsv`). */
export function unjudgedTsv(scores: RepoScore[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of scores) {
    for (const u of [...s.default.unjudged, ...s.verbose.unjudged]) {
      const f = u.finding;
      const line = [u.repository, f.rule, f.file, f.subject, f.line, '', f.message.replace(/[\t\n]/g, ' ')].join('\t');
      if (!seen.has(line)) {
        seen.add(line);
        out.push(line);
      }
    }
  }
  return out.length === 0 ? '' : [HEAD_J.join('\t'), ...out].join('\n') + '\n';
}

/** Hard-links (else copies) every repository folder of `from` into `to` as `repo-<name>` (once). */
export function renamedCopy(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const dest = path.join(to, `repo-${e.name}`);
    if (!e.isDirectory() || e.name.startsWith('.') || fs.existsSync(dest)) continue;
    const linked = spawnSync('cp', ['-al', path.join(from, e.name), dest]);
    if (linked.status !== 0) fs.cpSync(path.join(from, e.name), dest, { recursive: true, verbatimSymlinks: true });
  }
}

export function judgeMain(argv: string[], cwd: string, out: (s: string) => void): number {
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const valued = new Set(['--out', '--judgments', '--truth', '--sets', '--strip-prefix']);
  const positional = argv.filter((a, i) => !a.startsWith('--') && !valued.has(argv[i - 1]));
  if (positional.length !== 1 || !fs.existsSync(path.resolve(cwd, positional[0]))) {
    out(`judge-corpus: <corpus-root> must be one existing directory holding tune/, heldout/, old/; received ${JSON.stringify(positional)}\n`);
    return 2;
  }
  const root = path.resolve(cwd, positional[0]);
  const outDir = path.resolve(cwd, flag('--out') ?? 'check-corpus');
  const judgDir = path.resolve(cwd, flag('--judgments') ?? 'test/corpus/judgments');
  const truthDir = path.resolve(cwd, flag('--truth') ?? 'test/corpus/truth');
  const sets = (flag('--sets') ?? 'tune,heldout,old').split(',').filter((s) => fs.existsSync(path.join(root, s)));
  // Each pass: the repositories in their folders, then (--renamed) the same files in folders renamed `repo-<name>`
  // (pairing must not depend on the checkout folder's name); --strip-prefix: the root already holds renamed folders.
  const passes = [{ label: '', root, outDir, strip: flag('--strip-prefix') ?? '' }];
  if (argv.includes('--renamed')) passes.push({ label: ' (checkout folders renamed repo-<name>)', root: path.join(outDir, 'renamed-tree'), outDir: path.join(outDir, 'renamed'), strip: 'repo-' });
  const report: string[] = [];
  let unjudged = 0;
  for (const pass of passes) {
    const fresh: RepoScore[] = [];
    const named = (rows: CorpusRow[]): CorpusRow[] => rows.map((r) => (pass.strip !== '' && r.repository.startsWith(pass.strip)
      ? { ...r, repository: r.repository.slice(pass.strip.length) } : r));
    for (const set of sets) {
      if (pass.root !== root && argv.includes('--run')) renamedCopy(path.join(root, set), path.join(pass.root, set));
      const rowsOf = (view: 'default' | 'verbose'): CorpusRow[] => {
        const dir = path.join(pass.outDir, set, view);
        if (argv.includes('--run')) {
          const rows = runCorpus(path.join(pass.root, set), view === 'verbose' ? ['--verbose'] : [], false);
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(path.join(dir, 'corpus.json'), JSON.stringify(rows, null, 2) + '\n');
          return named(rows);
        }
        return named(JSON.parse(fs.readFileSync(path.join(dir, 'corpus.json'), 'utf8')));
      };
      const jf = path.join(judgDir, `${set}.tsv`);
      const judgments = fs.existsSync(jf) ? parseJudgments(fs.readFileSync(jf, 'utf8'), jf) : [];
      const truthOf = (repo: string) => {
        const tf = path.join(truthDir, `${repo}.tsv`);
        return fs.existsSync(tf) ? parseTruth(fs.readFileSync(tf, 'utf8')) : undefined;
      };
      const scores = scoreSet(rowsOf('default'), rowsOf('verbose'), judgments, truthOf);
      report.push(scoreTable(set + pass.label, scores));
      if (set !== 'old') fresh.push(...scores);
      const u = unjudgedTsv(scores);
      fs.mkdirSync(path.join(pass.outDir, set), { recursive: true });
      fs.writeFileSync(path.join(pass.outDir, set, 'unjudged.tsv'), u);
      const n = u === '' ? 0 : u.trim().split('\n').length - 1;
      unjudged += n;
      if (n > 0) report.push(`${n} findings without a judgment: ${path.join(pass.outDir, set, 'unjudged.tsv')}\n`);
    }
    // The repositories chosen for the issue (every set but the old one), together: the issue's targets are on them.
    if (sets.filter((s) => s !== 'old').length > 1) report.push(scoreTable(`new repositories (${sets.filter((s) => s !== 'old').join(' + ')})${pass.label}`, fresh, false));
  }
  const text = report.join('\n');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'judged.md'), text);
  out(text);
  out(unjudged === 0 ? 'every finding is judged\n' : `${unjudged} findings to judge (see unjudged.tsv of each set)\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = judgeMain(process.argv.slice(2), process.cwd(), (s) => process.stdout.write(s));
}
