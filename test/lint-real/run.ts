/**
 * `npx projen lint:real`: the real kube-linter, kube-score, kubeconform and Trivy over the generated files.
 *
 * Installs the pinned tools (tools/linters.sh, cached outside the repository), lays out the file groups
 * (groups.ts), runs every tool that reads a group's files, and fails on any finding not in allowlist.yaml. Then
 * compares the alignment checker's verdicts with the linters' on the topics both judge (compare.ts). One harness step
 * (test/harness/) per tool x group and per comparison: test-reports/lint-real.json, and last `lint:real: N passed, M failed`.
 *
 * Environment: LINT_REAL_MODELS (random valid models, default 240), LINTERS_CACHE (default
 * /var/cache/projen-containers-linters), LINT_REAL_KEEP=1 keeps the work folder, LINT_REAL_TOOLS=a,b runs only
 * those tools (the comparison with the checker then sees only their findings).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { Suite } from '../harness';
import { allowedBy, loadAllowlist } from './allowlist';
import { compare, contradictions, explanation, Verdict } from './compare';
import { exampleGroups, Group, modelGroups } from './groups';
import { Finding, kubeconform, kubeLinter, kubeScore, ToolEnv, trivy, version } from './tools';

const ROOT = path.resolve(__dirname, '..', '..');
const MODELS = Number(process.env.LINT_REAL_MODELS ?? 240);

/** kube-score's optional checks, all enabled. */
const KUBE_SCORE_OPTIONAL = [
  'container-seccomp-profile', 'container-ports-check', 'container-resource-requests-equal-limits', 'container-cpu-requests-equal-limits',
  'container-memory-requests-equal-limits', 'container-ephemeral-storage-request-equals-limit',
];
/**
 * kube-linter's built-in checks that are off by default but judge fields the generator writes (its default set runs
 * too). Not schema-validation: it fetches schemas from the internet (kubeconform covers it, offline).
 */
const KUBE_LINTER_INCLUDE = ['no-liveness-probe', 'no-readiness-probe', 'privileged-ports', 'unsafe-proc-mount', 'read-secret-from-env-var'];

type Runner = (env: ToolEnv, g: Group) => Finding[];
const yamlFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
const RUNNERS: Record<string, Record<Group['kind'], Runner | undefined>> = {
  'kubeconform': { dockerfiles: undefined, manifests: (e, g) => kubeconform(e, g.dir), helm: undefined },
  'kube-score': { dockerfiles: undefined, manifests: (e, g) => kubeScore(e, g.dir, yamlFiles(g.dir), KUBE_SCORE_OPTIONAL), helm: undefined },
  'kube-linter': { dockerfiles: undefined, manifests: (e, g) => kubeLinter(e, g.dir, KUBE_LINTER_INCLUDE), helm: (e, g) => kubeLinter(e, g.dir, KUBE_LINTER_INCLUDE) },
  'trivy': { dockerfiles: (e, g) => trivy(e, g.dir), manifests: (e, g) => trivy(e, g.dir), helm: (e, g) => trivy(e, g.dir) },
};

function install(tools: string[]): ToolEnv {
  const out = execFileSync('bash', [path.join(ROOT, 'tools', 'linters.sh'), ...tools], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = out.trim().split('\n');
  for (const l of lines.slice(0, -1)) console.log(l);
  const bin = lines[lines.length - 1];
  return { bin, cache: path.dirname(bin) };
}

/** `x.yaml` and `x/Dockerfile` both belong to the case named x. */
const caseOf = (file: string) => file.split('/')[0].replace(/\.yaml$/, '');

const suite = new Suite('lint:real');

function main(): number {
  const t0 = Date.now();
  const all = Object.keys(RUNNERS);
  // LINT_REAL_TOOLS=kube-score,trivy runs a subset while working on one tool; CI runs them all.
  const tools = process.env.LINT_REAL_TOOLS ? all.filter((t) => process.env.LINT_REAL_TOOLS!.split(',').includes(t)) : all;
  const env = install(tools.length === all.length ? [] : tools);
  console.log(`lint:real: ${tools.map((t) => version(env, t)).join(' | ')}`);
  console.log('lint:real: polaris not run: the Go module proxy refuses github.com/fairwindsops/polaris (docs/linters.md)');
  const allow = loadAllowlist();
  const used = new Set<number>();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-real-'));
  // Removed at exit too, so that a run stopped by an error (caught below main) leaves nothing in the temp folder.
  process.on('exit', () => {
    if (!process.env.LINT_REAL_KEEP) fs.rmSync(work, { recursive: true, force: true });
  });
  const groups = [...exampleGroups('fullstack', work), ...exampleGroups('services', work), ...modelGroups(MODELS, work)];
  const raw = new Map<string, Finding[]>();
  for (const g of groups) {
    for (const tool of tools) {
      const run = RUNNERS[tool][g.kind];
      if (!run) continue;
      const findings = run(env, g);
      raw.set(`${tool} ${g.name}`, findings);
      const open = findings.filter((f) => {
        const e = allowedBy(allow, g.name, f);
        if (e) used.add(allow.indexOf(e));
        return !e;
      });
      const allowed = findings.length - open.length;
      const rules = [...new Set(findings.map((f) => f.rule))].sort();
      const detail = `${open.length} findings, ${allowed} allowlisted${allowed ? ` (${rules.filter((r) => !open.some((o) => o.rule === r)).join(', ')})` : ''}; ${g.count} ${g.kind === 'helm' ? 'charts' : 'files'}`;
      if (suite.record(`${tool} ${g.name}`, open.length === 0, detail)) continue;
      for (const f of open.slice(0, 30)) console.log(`       ${f.rule} ${f.file} ${f.object}: ${f.message}`);
      if (open.length > 30) console.log(`       ... and ${open.length - 30} more`);
    }
  }
  allow.forEach((e, i) => {
    if (!used.has(i)) console.log(`note: allowlist entry ${e.tool} ${e.rule} matched no finding in this run`);
  });

  // The checker beside the linters: on the generated pairs (both must find nothing), and on the checker's own
  // fixtures (hand-written files with known problems), where the verdicts must agree.
  const verdicts: Verdict[] = [];
  for (const g of groups.filter((x) => x.pairs)) {
    const source = g.name.split('/')[0];
    const found = [...raw.entries()].filter(([k]) => k.split(' ')[1].startsWith(`${source}/`) && !k.endsWith('/helm')).flatMap(([, f]) => f);
    verdicts.push(...compare(g.pairs!, work, (dir) => found.filter((f) => caseOf(f.file) === path.basename(dir))));
  }
  const fixtures = fixtureCases(work);
  verdicts.push(...compare(fixtures, work, (dir) => [
    ...(tools.includes('kube-linter') ? kubeLinter(env, dir, KUBE_LINTER_INCLUDE) : []),
    ...(tools.includes('kube-score') ? kubeScore(env, dir, listYaml(dir), KUBE_SCORE_OPTIONAL) : []),
    ...(tools.includes('trivy') ? trivy(env, dir) : []),
  ]));
  for (const topic of [...new Set(verdicts.map((v) => v.topic))]) {
    const vs = verdicts.filter((v) => v.topic === topic);
    const differ = contradictions(vs);
    const bad = differ.filter((v) => !explanation(v));
    const byChecker = vs.filter((v) => v.checker.length > 0).length;
    const byLinters = vs.filter((v) => v.linters.length > 0).length;
    const detail = `${vs.length} cases, flagged by the checker in ${byChecker} and the linters in ${byLinters}, ${bad.length} contradictions${differ.length > bad.length ? `, ${differ.length - bad.length} explained differences` : ''}`;
    if (suite.record(`checker vs linters, ${topic}`, bad.length === 0, detail)) {
      for (const d of differ) console.log(`       explained: ${d.subject}: checker [${d.checker.join(', ')}] linters [${d.linters.join(', ')}]: ${explanation(d)}`);
    } else {
      for (const b of bad) console.log(`       ${b.subject}: checker [${b.checker.join(', ')}] linters [${b.linters.join(', ')}]`);
    }
  }

  if (process.env.LINT_REAL_KEEP) console.log(`lint:real: work folder kept: ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
  console.log(`lint:real: ${groups.length} groups, ${MODELS} random models, ${fixtures.length} checker fixtures, ${((Date.now() - t0) / 1000).toFixed(0)}s`);
  return suite.finish();
}

function listYaml(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return listYaml(p, base);
    return e.name.endsWith('.yaml') ? [path.relative(base, p)] : [];
  }).sort();
}

/**
 * Copies of the checker's alignment fixtures (test/check/fixtures/<app>/{aligned,broken}), without the checker's
 * mapping file for the linters. The adoption fixtures beside them (carry/, fragments/, round-trip/) are inputs of
 * `--emit-projenrc` and the round trip, written without the hardening the linters look for: not compared.
 */
function fixtureCases(work: string): string[] {
  const src = path.join(ROOT, 'test', 'check', 'fixtures');
  const cases: string[] = [];
  for (const app of fs.readdirSync(src).sort()) {
    for (const variant of fs.readdirSync(path.join(src, app)).sort().filter((v) => v === 'aligned' || v === 'broken')) {
      const dir = path.join(work, 'fixtures', `${app}-${variant}`);
      fs.cpSync(path.join(src, app, variant), dir, { recursive: true });
      const map = path.join(dir, 'pairs.yaml');
      if (fs.existsSync(map)) {
        // The checker's mapping file is no manifest: it moves beside the case, its paths made absolute.
        const doc = YAML.parse(fs.readFileSync(map, 'utf8'));
        doc.pairs = doc.pairs.map((p: any) => ({ ...p, dockerfile: path.resolve(dir, p.dockerfile) }));
        fs.writeFileSync(`${dir}.pairs.yaml`, YAML.stringify(doc));
        fs.rmSync(map);
      }
      cases.push(dir);
    }
  }
  return cases;
}

// The generator's YAML scalar checks parse random header values; their YAML warnings are noise here.
process.removeAllListeners('warning');
try {
  process.exitCode = main();
} catch (e) {
  console.error(`lint:real: ${(e as Error).stack ?? e}`);
  suite.record('lint:real', false, `stopped: ${(e as Error).message}`);
  process.exitCode = suite.finish();
}
