/**
 * Renders findings: `text` (one `file:line: severity RULE message` line, its other locations and its fix, then the
 * skipped files, one line each) or `json`. Info findings are listed with `verbose` only; otherwise one line counts
 * them by rule.
 */
import { UnpairedReport } from '../pair';
import { Skipped } from '../read';
import { Finding } from '../rules';

export interface Checked {
  readonly dockerfiles: number;
  readonly containers: number;
  readonly pairs: number;
}

export function summary(findings: Finding[]): { errors: number; warnings: number; infos: number } {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
  };
}

/** `PC018 x3, PC019 x2` for the info findings. */
function byRule(findings: Finding[]): string {
  const n = new Map<string, number>();
  for (const f of findings) n.set(f.rule, (n.get(f.rule) ?? 0) + 1);
  return [...n.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([r, k]) => `${r} x${k}`).join(', ');
}

/**
 * `unpaired` (listed with `verbose`): each unpaired container no PC019 finding names (a third-party image), as
 * `unpaired <file>:<line> [<container>] <why>` and its ready `--pair` line, when there is a candidate.
 */
export function formatText(findings: Finding[], checked: Checked, skipped: Skipped[] = [], verbose = true, unpaired: UnpairedReport[] = []): string {
  const shown = verbose ? findings : findings.filter((f) => f.severity !== 'info');
  const lines = shown.map((f) => [
    `${f.file}:${f.line}: ${f.severity} ${f.rule} [${f.subject}] ${f.message}`,
    ...(f.also ? [`    also at: ${f.also.join(', ')}`] : []),
    `    fix: ${f.fix}`,
  ].join('\n'));
  if (verbose) {
    const named = new Set(findings.filter((f) => f.rule === 'PC019').map((f) => `${f.file}:${f.line} ${f.subject}`));
    for (const u of unpaired.filter((x) => !named.has(`${x.file}:${x.line} ${x.container}`))) {
      lines.push(`unpaired ${u.file}:${u.line} [${u.container}] ${u.why}${u.pair ? `\n    pair: ${u.pair}` : ''}`);
    }
  }
  for (const s of skipped) lines.push(`skipped ${s.file}: ${s.reason}`);
  const s = summary(findings);
  const hidden = findings.filter((f) => f.severity === 'info');
  if (!verbose && hidden.length > 0) lines.push(`${hidden.length} info finding(s) not shown (${byRule(hidden)}): --verbose lists them`);
  lines.push(`${s.errors} error(s), ${s.warnings} warning(s), ${s.infos} info; checked ${checked.dockerfiles} Dockerfile(s), ${checked.containers} container(s), ${checked.pairs} paired${skipped.length > 0 ? `; skipped ${skipped.length} file(s)` : ''}`);
  return lines.join('\n') + '\n';
}

/** `unpaired`: one entry per unpaired container (why, candidates, the ready `--pair` line), listed whatever `verbose`. */
export function formatJson(findings: Finding[], checked: Checked, skipped: Skipped[] = [], verbose = true, unpaired: UnpairedReport[] = []): string {
  const shown = verbose ? findings : findings.filter((f) => f.severity !== 'info');
  const hidden = findings.length - shown.length;
  return JSON.stringify({ findings: shown, skipped, unpaired, summary: { ...summary(findings), hidden, ...checked } }, null, 2) + '\n';
}
