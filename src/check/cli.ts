#!/usr/bin/env node
/**
 * `projen-containers check [paths...]`: reports where existing Dockerfiles and Kubernetes manifests
 * disagree (docs/check.md lists the rules). Exit status: 0 no error (or, with --strict, no finding at
 * all), 1 errors found, 2 bad usage or unreadable input.
 */
import * as path from 'path';
import { check } from './_check';
import { adoptAll, renderFragment, undeployedPairs } from './adopt';
import { parsePairFlag, PairSpec } from './pair';
import { formatJson, formatRoundTripJson, formatRoundTripText, formatText, hasUnlisted } from './report';

/** The rules page, shipped in the package (`lib/check/cli.js` -> `docs/check.md`). */
const CHECK_DOC = path.resolve(__dirname, '..', '..', 'docs', 'check.md');

const USAGE = `Usage: projen-containers check [options] [paths...]

Reads the Dockerfiles and Kubernetes manifests (multi-document YAML, kind: List, Helm-rendered output,
PodSpec fragments) under the paths (default: .), pairs each container with its image's Dockerfile (by
the build files that name the image: Compose build:, skaffold, Tilt, docker build -t in a Makefile, script or
CI file, their variables substituted; else by the image's name against every Dockerfile found or named; never
by the checkout folder's name; each unpaired container says why, with a ready --pair line: --verbose, and
unpaired in JSON) and reports where they disagree. Folders of tests, fixtures and dev tooling (test, tests,
e2e, fixtures, testdata, hack, ...) are not searched unless named, in one skipped note; Helm templates,
kustomize patches and entries commented out in a kustomization, and unparsable files are skipped and named.
Rules: ${CHECK_DOC}

Options:
  --pair <Kind/workload/container>=<Dockerfile>[:<stage>]
                        pair a container with a Dockerfile (repeatable; Kind/ and workload/ may be
                        left out when the rest names one container; an unknown name is an error)
  --map <file>          mapping file: pairs: [{ container, dockerfile, target? }] (container as for --pair)
  --target <stage>      the stage to check in each Dockerfile (default: the last)
  --format text|json    output format (default: text)
  --verbose             list info findings too, and why each container no finding names is unpaired
                        (default: one line counts the info findings)
  --strict              exit 1 on any finding, not only on errors
  --emit-projenrc       print the .projenrc.ts fragment that reproduces each paired container, each
                        Compose service built here that no Kubernetes container runs (with a ComposeFile),
                        and each Dockerfile nothing runs
  --round-trip          adopt each container as --emit-projenrc does and compare what its statement
                        generates with the original, field by field: differences named in the fragment,
                        intended hardening, unlisted (text, or JSON with --format json); exit 1 when any is unlisted
  -h, --help            this text
  --                    the arguments after it are paths

Exit status: 0 no error, 1 errors: what breaks at deploy or run time (with --strict: any finding),
2 bad usage (an unknown --pair name, a path that does not exist).
`;

interface Args {
  paths: string[];
  pairs: string[];
  map?: string;
  target?: string;
  format: string;
  strict: boolean;
  verbose: boolean;
  emit: boolean;
  roundTrip: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { paths: [], pairs: [], format: 'text', strict: false, verbose: false, emit: false, roundTrip: false, help: false };
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag}: must be followed by a value; received nothing`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      // Everything after `--` is a path, even one starting with `-`.
      a.paths.push(...argv.slice(i + 1));
      break;
    }
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const take = () => inline ?? value(i++, flag);
    switch (flag) {
      case '--pair': a.pairs.push(take()); break;
      case '--map': a.map = take(); break;
      case '--target': a.target = take(); break;
      case '--format': a.format = take(); break;
      case '--strict': a.strict = true; break;
      case '--verbose': a.verbose = true; break;
      case '--emit-projenrc': a.emit = true; break;
      case '--round-trip': a.roundTrip = true; break;
      case '-h': case '--help': a.help = true; break;
      default:
        if (arg.startsWith('-')) throw new Error(`${arg}: must be a known option (see --help); received ${JSON.stringify(arg)}`);
        a.paths.push(arg);
    }
  }
  if (a.format !== 'text' && a.format !== 'json') throw new Error(`--format: must be text or json; received ${JSON.stringify(a.format)}`);
  return a;
}

/** Runs the command; returns the exit status. */
export function main(argv: string[], cwd: string, out: (s: string) => void, err: (s: string) => void): number {
  let args: Args;
  try {
    const [command, ...rest] = argv;
    if (command === '-h' || command === '--help' || command === undefined) {
      out(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command !== 'check') throw new Error(`command: must be check; received ${JSON.stringify(command)}`);
    args = parseArgs(rest);
  } catch (e) {
    err(`projen-containers: ${(e as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    out(USAGE);
    return 0;
  }
  try {
    const pairs: PairSpec[] = args.pairs.map((p) => parsePairFlag(p, cwd));
    const result = check({ paths: args.paths.length > 0 ? args.paths : ['.'], cwd, pairs, mapping: args.map, target: args.target });
    if (args.emit || args.roundTrip) {
      const deployed = result.pairs.filter((p) => p.image !== undefined).map((p) => ({ container: p.container, image: p.image! }));
      // Then the containers no Kubernetes workload runs: Compose services built here, and Dockerfiles alone.
      const undeployed = undeployedPairs({ images: result.images, compose: result.compose, deployed: deployed.map((p) => p.image) }, cwd);
      const parts = adoptAll([...deployed, ...undeployed], cwd, { roundTrip: args.roundTrip });
      if (args.roundTrip) {
        out(args.format === 'json' ? formatRoundTripJson(parts) : formatRoundTripText(parts));
      } else {
        out(renderFragment(parts));
        // What is not adopted for want of a pair is named too, with the way to pair it.
        for (const p of result.pairs.filter((x) => x.image === undefined && !x.container.runsToCompletion)) {
          const sel = p.container.kind === 'PodSpec' ? p.container.name : `${p.container.kind}/${p.container.workload}/${p.container.name}`;
          out(`// not adopted: ${sel} (${p.container.file}): no Dockerfile paired with it; fix: --pair ${sel}=<its Dockerfile>\n`);
        }
        for (const i of result.images.filter((x) => !parts.some((p) => p.image.absFile === x.absFile))) {
          out(`// not adopted: ${i.file}: a base image other Dockerfiles build FROM (not run on its own); fix: adopt the images built FROM it, or --pair <Kind/workload/container>=${i.file}\n`);
        }
      }
      for (const s of result.skipped) err(`skipped ${s.file}: ${s.reason}\n`);
      return args.roundTrip && hasUnlisted(parts) ? 1 : 0;
    }
    const checked = {
      dockerfiles: new Set(result.images.map((i) => i.absFile)).size,
      containers: result.containers.length,
      pairs: result.pairs.filter((p) => p.image).length,
    };
    out(args.format === 'json'
      ? formatJson(result.findings, checked, result.skipped, args.verbose || args.strict, result.unpaired)
      : formatText(result.findings, checked, result.skipped, args.verbose || args.strict, result.unpaired));
    const errors = result.findings.filter((f) => f.severity === 'error').length;
    return errors > 0 || (args.strict && result.findings.length > 0) ? 1 : 0;
  } catch (e) {
    err(`projen-containers: ${(e as Error).message}\n`);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), process.cwd(), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
