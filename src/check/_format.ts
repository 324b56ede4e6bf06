/**
 * Renders findings: `text` (one `file:line: severity RULE message` line and its fix) or `json`.
 */
import { Finding } from './_finding';

export function summary(findings: Finding[]): { errors: number; warnings: number; infos: number } {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
  };
}

export function formatText(findings: Finding[], checked: { dockerfiles: number; containers: number; pairs: number }): string {
  const lines = findings.map((f) => `${f.file}:${f.line}: ${f.severity} ${f.rule} [${f.subject}] ${f.message}\n    fix: ${f.fix}`);
  const s = summary(findings);
  lines.push(`${s.errors} error(s), ${s.warnings} warning(s), ${s.infos} info; checked ${checked.dockerfiles} Dockerfile(s), ${checked.containers} container(s), ${checked.pairs} paired`);
  return lines.join('\n') + '\n';
}

export function formatJson(findings: Finding[], checked: { dockerfiles: number; containers: number; pairs: number }): string {
  return JSON.stringify({ findings, summary: { ...summary(findings), ...checked } }, null, 2) + '\n';
}
