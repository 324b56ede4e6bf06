/**
 * Runs each real linter on a folder and reads its JSON report into findings (tool, rule id, file, object, message).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

export interface Finding {
  readonly tool: string;
  readonly rule: string;
  /** Relative to the folder scanned. */
  readonly file: string;
  /** `Kind/name` for Kubernetes objects, the stage or line for Dockerfiles. */
  readonly object: string;
  readonly message: string;
}

/** The Kubernetes release of kubeconform's schemas (tools/linters.sh writes them). */
export const K8S_VERSION = '1.37.2';

export interface ToolEnv {
  readonly bin: string;
  readonly cache: string;
}

function exec(bin: string, args: string[], cwd: string, okCodes: number[]): string {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (!okCodes.includes(r.status ?? -1)) {
    throw new Error(`${path.basename(bin)} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).slice(0, 2000)}`);
  }
  return r.stdout;
}

const rel = (dir: string, f: string) => path.relative(dir, path.resolve(dir, f));

/** kubeconform -strict against the schemas of K8S_VERSION, offline (only the local schema location is given). */
export function kubeconform(env: ToolEnv, dir: string): Finding[] {
  const schemas = path.join(env.cache, 'schemas', '{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}', '{{ .ResourceKind }}{{ .KindSuffix }}.json');
  const out = exec(path.join(env.bin, 'kubeconform'), ['-strict', '-output', 'json', '-kubernetes-version', K8S_VERSION, '-schema-location', schemas, '.'], dir, [0, 1]);
  const report = JSON.parse(out);
  return (report.resources ?? [])
    .filter((r: any) => r.status !== 'statusValid' && r.status !== 'statusEmpty')
    .map((r: any) => ({
      tool: 'kubeconform',
      rule: r.status === 'statusInvalid' ? 'schema' : r.status.replace(/^status/, '').toLowerCase(),
      file: rel(dir, r.filename),
      object: `${r.kind}/${r.name}`,
      message: (r.validationErrors ?? []).map((e: any) => `${e.path}: ${e.msg}`).join('; ') || r.msg,
    }));
}

/** kube-score score, every check including the optional ones, for K8S_VERSION. */
export function kubeScore(env: ToolEnv, dir: string, files: string[], optional: string[]): Finding[] {
  const args = ['score', '--output-format', 'json', '--kubernetes-version', `v${K8S_VERSION.split('.').slice(0, 2).join('.')}`];
  for (const o of optional) args.push('--enable-optional-test', o);
  const out = exec(path.join(env.bin, 'kube-score'), [...args, ...files], dir, [0, 1]);
  const findings: Finding[] = [];
  for (const obj of JSON.parse(out) ?? []) {
    for (const c of obj.checks ?? []) {
      if (c.skipped || c.grade >= 10) continue;
      findings.push({
        tool: 'kube-score',
        rule: c.check.id,
        file: rel(dir, obj.file_name),
        object: `${obj.type_meta.kind}/${obj.object_meta.name}`,
        message: (c.comments ?? []).map((m: any) => `${m.path ? `${m.path}: ` : ''}${m.summary}`).join('; ') || `grade ${c.grade}`,
      });
    }
  }
  return findings;
}

/** kube-linter lint with its default checks plus `include` (the built-in non-default checks that speak to the generated fields). */
export function kubeLinter(env: ToolEnv, dir: string, include: string[]): Finding[] {
  const args = ['lint', '--format', 'json', '--fail-on-invalid-resource'];
  for (const i of include) args.push('--include', i);
  const out = exec(path.join(env.bin, 'kube-linter'), [...args, '.'], dir, [0, 1]);
  const report = JSON.parse(out);
  return (report.Reports ?? []).map((r: any) => ({
    tool: 'kube-linter',
    rule: r.Check,
    file: rel(dir, r.Object.Metadata.FilePath),
    object: `${r.Object.K8sObject.GroupVersionKind.Kind}/${r.Object.K8sObject.Name}`,
    message: r.Diagnostic.Message,
  }));
}

/** trivy config with the checks built into the binary (no check download), every severity. */
export function trivy(env: ToolEnv, dir: string): Finding[] {
  const args = [
    'config', '--quiet', '--format', 'json', '--skip-check-update', '--cache-dir', path.join(env.cache, 'trivy-cache'),
    '--severity', 'UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL', '--misconfig-scanners', 'dockerfile,kubernetes,helm', '.',
  ];
  const out = exec(path.join(env.bin, 'trivy'), args, dir, [0]);
  const report = JSON.parse(out);
  const findings: Finding[] = [];
  for (const r of report.Results ?? []) {
    for (const m of r.Misconfigurations ?? []) {
      if (m.Status !== 'FAIL') continue;
      const line = m.CauseMetadata?.StartLine;
      findings.push({
        tool: 'trivy',
        rule: m.ID,
        file: r.Target,
        object: line ? `line ${line}` : r.Type,
        message: `${m.Title}: ${m.Message}`,
      });
    }
  }
  return findings;
}

/** The tool's own version line, for the run's header. */
export function version(env: ToolEnv, tool: string): string {
  const args: Record<string, string[]> = { 'kubeconform': ['-v'], 'kube-score': ['version'], 'kube-linter': ['version'], 'trivy': ['--version'] };
  return exec(path.join(env.bin, tool), args[tool], env.bin, [0]).split('\n')[0].trim();
}
