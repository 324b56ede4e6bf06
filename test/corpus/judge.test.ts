import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CorpusRow } from './corpus';
import { judgeMain, judgmentOf, parseJudgments, parseTruth, recallOf, scoreSet, scoreTable, unjudgedTsv } from './judge';

// A tiny corpus of one repository: three findings (one judged exactly, one judged at another line, one not judged)
// and three containers (one paired right, one paired to another Dockerfile, one Compose service not read).
const finding = (rule: string, file: string, line: number, subject: string, severity = 'warning') =>
  ({ rule, severity, file, line, subject, message: `${rule} at ${file}` });
const row = (findings: CorpusRow['findings']): CorpusRow => ({
  repository: 'shop',
  exitStatus: 0,
  errors: 0,
  warnings: findings!.length,
  hidden: 0,
  byRule: {},
  dockerfiles: 2,
  containers: 2,
  pairs: 2,
  skipped: 0,
  seconds: 0.1,
  findings,
  containerPairs: [
    { key: 'Deployment/api/api', file: 'k8s/api.yaml', line: 20, name: 'api', dockerfile: 'api/Dockerfile' },
    { key: 'Deployment/web/web', file: 'k8s/web.yaml', line: 18, name: 'web', dockerfile: 'api/Dockerfile' },
    { key: 'Deployment/db/db', file: 'k8s/db.yaml', line: 5, name: 'db', reason: 'no Dockerfile names the image db' },
  ],
});
const JUDGMENTS = [
  'repository\trule\tfile\tsubject\tline\tverdict\treason',
  'shop\tPC012\tk8s/web.yaml\tDeployment/web/web\t18\tacted-on\tserving without probes',
  'shop\tPC020\tk8s/api.yaml\tDeployment/api/api\t31\twrong\tthe timeout is below the period',
  'shop\tPC018\tapi/Dockerfile\tapi/Dockerfile\t9\tnoise\tdeployed with probes',
].join('\n');
const TRUTH = [
  'file\tcontainer\tdockerfile\ttarget\tevidence',
  'k8s/api.yaml\tDeployment/api/api\tapi/Dockerfile\t\tskaffold',
  'k8s/web.yaml\tDeployment/web/web\tweb/Dockerfile\t\tMakefile',
  'compose.yaml\tcompose/web\tweb/Dockerfile\t\tcompose build:',
  'k8s/db.yaml\tDeployment/db/db\tdb/Dockerfile\t\tMakefile',
].join('\n');
const DEFAULT = [finding('PC012', 'k8s/web.yaml', 18, 'Deployment/web/web'), finding('PC020', 'k8s/api.yaml', 33, 'Deployment/api/api')];
const VERBOSE = [...DEFAULT, finding('PC018', 'api/Dockerfile', 9, 'api/Dockerfile', 'info'), finding('PC019', 'k8s/db.yaml', 5, 'Deployment/db/db', 'info')];

describe('judge-corpus', () => {
  const judgments = parseJudgments(JUDGMENTS);
  const truth = parseTruth(TRUTH);

  test('a judgment matches by its key, else by rule, file and subject at another line', () => {
    expect(judgmentOf('shop', DEFAULT[0], judgments)?.verdict).toBe('acted-on');
    expect(judgmentOf('shop', DEFAULT[1], judgments)?.verdict).toBe('wrong');
    expect(judgmentOf('other', DEFAULT[0], judgments)).toBeUndefined();
    expect(judgmentOf('shop', VERBOSE[3], judgments)).toBeUndefined();
  });

  test('a judgment follows a finding whose file moved to one of its other copies', () => {
    const moved = { ...DEFAULT[0], file: 'overlays/prod/web.yaml', line: 3, also: ['k8s/web.yaml:18'] };
    expect(judgmentOf('shop', moved, judgments)?.verdict).toBe('acted-on');
  });

  test('precision is acted-on over judged, per view; unjudged findings are listed', () => {
    const [s] = scoreSet([row(DEFAULT)], [row(VERBOSE)], judgments, () => truth);
    expect(s.default).toMatchObject({ findings: 2, judged: 2, actedOn: 1, noise: 0, wrong: 1 });
    expect(s.verbose).toMatchObject({ findings: 4, judged: 3, actedOn: 1, noise: 1, wrong: 1 });
    expect(s.verbose.unjudged.map((u) => u.finding.rule)).toEqual(['PC019']);
    const table = scoreTable('tune', [s]);
    expect(table).toContain('| shop | 0 | 2 | 2 | 1 / 0 / 1 | 50.0% | 4 | 3 | 1 / 1 / 1 | 33.3% | 1/3 | 1/4 | 3 | 1 |');
    expect(unjudgedTsv([s]).split('\n')[1]).toBe('shop\tPC019\tk8s/db.yaml\tDeployment/db/db\t5\t\tPC019 at k8s/db.yaml');
  });

  test('pairing recall counts a container paired with the truth Dockerfile; others are named with what was got and why', () => {
    const r = recallOf(truth, row(DEFAULT).containerPairs!);
    expect(r).toMatchObject({ paired: 1, total: 4, k8sPaired: 1, k8sTotal: 3 });
    expect(r.missed).toEqual([
      'k8s/web.yaml Deployment/web/web -> web/Dockerfile (got: api/Dockerfile)',
      'compose.yaml compose/web -> web/Dockerfile (got: not read)',
      'k8s/db.yaml Deployment/db/db -> db/Dockerfile (got: unpaired: no Dockerfile names the image db)',
    ]);
    expect(r.extra).toEqual(['k8s/web.yaml Deployment/web/web -> api/Dockerfile']);
  });

  test('a bad verdict is an error naming the line', () => {
    expect(() => parseJudgments('repository\trule\tfile\tsubject\tline\tverdict\treason\nshop\tPC012\tf\ts\t1\tok\tr', 'j.tsv'))
      .toThrow('j.tsv:2: verdict must be one of acted-on, noise, wrong; received "ok"');
  });

  test.each([['', 'shop'], ['repo-', 'repo-shop']])('the command reads saved runs and writes the table and the unjudged findings (--strip-prefix %j)', (prefix, folder) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-'));
    try {
      for (const [view, findings] of [['default', DEFAULT], ['verbose', VERBOSE]] as const) {
        fs.mkdirSync(path.join(dir, 'out', 'tune', view), { recursive: true });
        fs.writeFileSync(path.join(dir, 'out', 'tune', view, 'corpus.json'), JSON.stringify([{ ...row(findings), repository: folder }]));
      }
      fs.mkdirSync(path.join(dir, 'corpus', 'tune', 'shop'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'j'));
      fs.writeFileSync(path.join(dir, 'j', 'tune.tsv'), JUDGMENTS);
      fs.mkdirSync(path.join(dir, 't'));
      fs.writeFileSync(path.join(dir, 't', 'shop.tsv'), TRUTH);
      let out = '';
      const args = ['corpus', '--out', 'out', '--judgments', 'j', '--truth', 't', ...(prefix ? ['--strip-prefix', prefix] : [])];
      const status = judgeMain(args, dir, (s) => { out += s; });
      expect(status).toBe(0);
      expect(out).toContain('| **total** | 0 exit≠0 | 2 | 2 | 1 / 0 / 1 | 50.0% | 4 | 3 | 1 / 1 / 1 | 33.3% | 1/3 (33.3%) | 1/4 (25.0%) | 3 | 1 |');
      expect(out).toContain('1 findings to judge');
      expect(fs.readFileSync(path.join(dir, 'out', 'tune', 'unjudged.tsv'), 'utf8')).toContain('shop\tPC019\t');
      expect(fs.readFileSync(path.join(dir, 'out', 'judged.md'), 'utf8')).toContain('### tune');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('judge-corpus --run --renamed', () => {
  test('runs the checker over each repository, then over copies in folders renamed repo-<name>', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judge-run-'));
    try {
      const repo = path.join(dir, 'corpus', 'tune', 'shop');
      fs.mkdirSync(path.join(repo, 'k8s'), { recursive: true });
      fs.writeFileSync(path.join(repo, 'Dockerfile'), 'FROM node:22-alpine\nEXPOSE 8080\nCMD ["node", "server.js"]\n');
      fs.writeFileSync(path.join(repo, 'k8s', 'shop.yaml'), [
        'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: shop}', 'spec:', '  template:', '    spec:',
        '      containers:', '        - name: shop', '          image: example.com/shop:1', '          ports: [{containerPort: 8080}]', '',
      ].join('\n'));
      let out = '';
      const status = judgeMain(['corpus', '--run', '--renamed', '--out', 'out', '--judgments', 'none', '--truth', 'none'], dir, (s) => { out += s; });
      expect(status).toBe(0);
      expect(fs.existsSync(path.join(dir, 'out', 'renamed-tree', 'tune', 'repo-shop', 'Dockerfile'))).toBe(true);
      const rows: CorpusRow[] = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'renamed', 'tune', 'default', 'corpus.json'), 'utf8'));
      expect(rows.map((r) => r.repository)).toEqual(['repo-shop']);
      expect(rows[0].containerPairs?.map((p) => p.key)).toEqual(['Deployment/shop/shop']);
      expect(out).toContain('### tune\n');
      expect(out).toContain('### tune (checkout folders renamed repo-<name>)\n');
      expect(out).toMatch(/\| shop \| 0 \|/);
      expect(out).not.toContain('### new repositories');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the committed corpus files', () => {
  const dir = (name: string) => path.join(__dirname, name);
  test.each(fs.readdirSync(dir('judgments')))('judgments/%s parses, and one key has one verdict', (file) => {
    const judgments = parseJudgments(fs.readFileSync(path.join(dir('judgments'), file), 'utf8'), file);
    expect(judgments.length).toBeGreaterThan(0);
    const seen = new Map<string, string>();
    for (const j of judgments) {
      const key = [j.repository, j.rule, j.file, j.subject, j.line].join('\t');
      expect(seen.get(key) ?? j.verdict).toBe(j.verdict);
      seen.set(key, j.verdict);
      expect(j.reason.trim()).not.toBe('');
    }
  });
  test.each(fs.readdirSync(dir('truth')))('truth/%s names a file, a container and a Dockerfile on each line', (file) => {
    for (const t of parseTruth(fs.readFileSync(path.join(dir('truth'), file), 'utf8'))) {
      expect([t.file, t.container, t.dockerfile].every((v) => v !== undefined && v.trim() !== '')).toBe(true);
      expect(t.container).toMatch(/^(compose\/[^/]+|[A-Za-z]+\/[^/]+\/[^/]+)$/);
    }
  });
});
