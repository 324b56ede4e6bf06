/**
 * The alignment checker's verdicts beside the real linters' on the same manifests, for the topics both judge.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Finding } from './tools';
import { check } from '../../src/check/_check';

/** A topic both speak to: the checker's rule and the linters' rules that judge the same thing. */
export interface Topic {
  readonly name: string;
  readonly checker: string[];
  readonly linters: Array<{ tool: string; rule: string }>;
}

export const TOPICS: Topic[] = [
  {
    name: 'probe port declared',
    checker: ['PC003'],
    linters: [
      { tool: 'kube-linter', rule: 'liveness-port' },
      { tool: 'kube-linter', rule: 'readiness-port' },
      { tool: 'kube-linter', rule: 'startup-port' },
    ],
  },
  {
    name: 'identical liveness/readiness',
    checker: ['PC013'],
    linters: [{ tool: 'kube-score', rule: 'pod-probes-identical' }],
  },
  {
    // PC009: runAsNonRoot is set but cannot be verified against the image USER (or the USER is root).
    // kube-linter run-as-non-root and Trivy KSV-0012: the container is not forced to run as non-root.
    name: 'non-root',
    checker: ['PC009'],
    linters: [
      { tool: 'kube-linter', rule: 'run-as-non-root' },
      { tool: 'trivy', rule: 'KSV-0012' },
      { tool: 'trivy', rule: 'DS-0002' },
    ],
  },
];

export interface Verdict {
  readonly topic: string;
  /** The manifest (or its folder), relative to the work folder. */
  readonly subject: string;
  readonly checker: string[];
  readonly linters: string[];
}

/**
 * For each case folder (a manifest and its Dockerfile; a checker mapping file, if any, at `<folder>.pairs.yaml`): the checker's findings of each topic and the linters'
 * findings of the same topic on the same case. `linterFindings(case)` gives the linters' raw findings there.
 */
export function compare(cases: string[], work: string, linterFindings: (dir: string) => Finding[]): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const dir of cases) {
    const map = `${dir}.pairs.yaml`;
    const result = check({ paths: [dir], cwd: dir, mapping: fs.existsSync(map) ? map : undefined });
    const lint = linterFindings(dir);
    for (const t of TOPICS) {
      verdicts.push({
        topic: t.name,
        subject: path.relative(work, dir),
        checker: result.findings.filter((f) => t.checker.includes(f.rule)).map((f) => `${f.rule} ${f.subject}`),
        linters: lint.filter((f) => t.linters.some((l) => l.tool === f.tool && l.rule === f.rule)).map((f) => `${f.tool} ${f.rule} ${f.object}`),
      });
    }
  }
  return verdicts;
}

/** Verdicts where one side finds a problem and the other none. */
export const contradictions = (v: Verdict[]) => v.filter((x) => (x.checker.length > 0) !== (x.linters.length > 0));

/**
 * Differing verdicts that are no contradiction, each with the reason (docs/linters.md lists them): the two sides
 * judge different facts under one topic. Any other difference fails lint:real.
 */
export const EXPLAINED: Array<{ subject: string; topic: string; why: string }> = [
  {
    subject: 'fixtures/cronjob-broken',
    topic: 'non-root',
    why: 'the manifest sets runAsNonRoot: true, which satisfies kube-linter; the image has no USER (root), so the kubelet refuses to start it: the checker reads the image (so does Trivy DS-0002 on the Dockerfile)',
  },
  {
    subject: 'fixtures/fastapi-template-broken',
    topic: 'non-root',
    why: 'runAsNonRoot: true with the image USER appuser (a name): the linters read the manifest alone and pass it; the kubelet cannot verify a name and refuses the container (CreateContainerConfigError), which the checker reports',
  },
  {
    subject: 'fixtures/fastapi-template-broken',
    topic: 'identical liveness/readiness',
    why: 'both probes GET /api/v1/utils/health-check/, a simple endpoint: kube-score flags every identical pair; PC013 only a path named for the dependencies it checks (/healthz/deps, /actuator/health), where a dependency outage would fail liveness and restart every replica (issue 27: the rule carried no defect elsewhere)',
  },
  {
    subject: 'fixtures/pod-mapping-broken',
    topic: 'non-root',
    why: 'the image runs as USER 65532:65532 but the manifest does not enforce it: kube-linter asks for runAsNonRoot in the manifest; the checker judges runAsNonRoot only where it is set, against the image USER, and the image is non-root',
  },
];

export const explanation = (v: Verdict) => EXPLAINED.find((e) => e.subject === v.subject && e.topic === v.topic)?.why;
