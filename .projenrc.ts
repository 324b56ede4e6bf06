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

  // No hosted CI here: `.ci/run` is the CI entry point.
  github: false,
  release: false,
  depsUpgrade: false,

  peerDeps: ['projen@^0.103.25', 'constructs@^10.5.0'],
  // Bundled: YAML for the Kubernetes snippets (written YAML 1.1-safe, which projen's YamlFile does not do).
  bundledDeps: ['yaml@^2.8.0'],
  devDeps: [
    'dockerfile-ast@^0.7.1',
    'dockerfile-utils@^0.16.3',
    'kubernetes-models@^4.5.0',
    'fast-check@^4.3.0',
  ],

  jestOptions: {
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'projenrc', '.projenrc.ts', 'bench'],
  },
});

project.npmignore?.exclude('/examples/', '/test/', '/.ci/', '/docs/', '/bench/');
project.gitignore.exclude('/bench/.build/');

// The embedded example: `npx projen example` re-synthesizes examples/fullstack from its own .projenrc.ts.
project.addTask('example', {
  description: 'Synthesize the embedded full-stack example (examples/fullstack) from its .projenrc.ts',
  cwd: 'examples/fullstack',
  exec: 'ts-node --project ../../projenrc/tsconfig.json .projenrc.ts',
});

// The engine tests: builds and runs the generated images on a real Docker engine.
project.addTask('e2e', {
  description: 'Build and run the generated images on a local Docker engine (installs docker.io and stand-in base images)',
  exec: 'bash test/e2e/run.sh',
});

// The synthesis benchmark (docs/performance.md): fresh processes per measurement, exits 1 when a floor fails.
// Not part of any test task: timings are measured here, never asserted in tests.
project.addTask('bench', {
  description: 'Synthesis time and peak memory with 1-1,000 containers against bare projen (writes bench/results and docs/performance.md)',
  steps: [
    { exec: 'tsc -p bench/tsconfig.json' },
    { exec: 'node bench/.build/bench/synth.js' },
  ],
});

// The runtime cost of each health check (docs/performance.md): run by e2e after its steps, or alone.
project.addTask('check-cost', {
  description: 'CPU, peak RSS and image bytes of each health check tool, measured in a running container (Docker engine)',
  exec: 'bash test/e2e/docker-engine.sh && bash test/e2e/standins.sh && ts-node --project projenrc/tsconfig.json test/e2e/check-cost.ts',
});

// The packed package installs into a fresh projen TypeScript project and synthesizes there.
const packTest = project.addTask('pack-test', {
  description: 'npm pack, install the tarball into a fresh projen TypeScript project and run npx projen there',
  exec: 'bash test/pack/run.sh',
});

// Everything CI runs (the README's test command).
const testAll = project.addTask('test:all', {
  description: 'Unit tests, the packed-package install test and the Docker engine tests',
});
testAll.spawn(project.testTask);
testAll.spawn(packTest);
testAll.spawn(project.tasks.tryFind('e2e')!);

project.synth();
