import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project, typescript } from 'projen';
import * as ts from 'typescript';
import * as lib from '../../src';
import { emitProjenrc } from '../../src/check/_adopt';
import { check } from '../../src/check/_check';

const root = path.resolve(__dirname, '..', '..');
const example = path.join(root, 'examples', 'fullstack');

function fragmentOf(cwd: string, options: { mapping?: string } = {}): string {
  const result = check({ paths: ['.'], cwd, ...options });
  return emitProjenrc(result.pairs.filter((p) => p.image).map((p) => ({ container: p.container, image: p.image! })), cwd);
}

/** A .projenrc.ts around the fragment, importing the package from src/. */
function program(fragment: string): string {
  return [
    "import { Project } from 'projen';",
    fragment.replace("from 'projen-containers'", `from ${JSON.stringify(path.join(root, 'src'))}`),
    "const project = new Project({ name: 'adopted' });",
  ].join('\n').replace(/^((?:const \w+ = )?new [A-Za-z]+\(project)/m, "const project = new Project({ name: 'adopted' });\n$1")
    .replace(/\nconst project = new Project\(\{ name: 'adopted' \}\);$/, '');
}

/** Type-checks a source text (a virtual file in test/check) with the TypeScript compiler API. */
function typeErrors(source: string): string[] {
  const file = path.join(__dirname, '__adopted__.ts');
  const options: ts.CompilerOptions = {
    noEmit: true, strict: true, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, esModuleInterop: true, skipLibCheck: true, types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => (name === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const p = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(p).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('--emit-projenrc (adoption)', () => {
  const fragment = fragmentOf(example);

  test('the example\'s files give the two presets, every string a TypeScript string literal', () => {
    expect(fragment.split('\n')[0]).toBe("import { CheckTool, Duration, FastApiBackend, HealthCheck, StaticFrontend } from 'projen-containers';");
    expect(fragment).toContain('new FastApiBackend(project, "backend", {');
    expect(fragment).toContain('  healthCheck: HealthCheck.httpGet({ path: "/api/v1/health" }),');
    expect(fragment).toContain('  timing: { interval: Duration.seconds(30), timeout: Duration.seconds(10), startPeriod: Duration.seconds(10), startInterval: Duration.seconds(2), retries: 3 },');
    expect(fragment).toContain('new StaticFrontend(project, "frontend", {');
    expect(fragment).toContain('  labels: { title: "Full-stack template Frontend", description: "Lit web components frontend", vendor: "projen-containers", licenses: "MIT" },');
  });

  test('the fragment compiles against the current presets (TypeScript compiler API, strict)', () => {
    expect(typeErrors(program(fragment))).toEqual([]);
  }, 120_000);

  test('run, the fragment reproduces the example\'s Dockerfiles, nginx.conf and probe snippets byte for byte', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-adopt-'));
    const js = ts.transpileModule(fragment, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
    const project = new Project({ name: 'adopted', outdir });
    // As the example: its generated files name .projenrc.ts.
    new typescript.ProjenrcTs(project);
    const req = (m: string) => {
      if (m !== 'projen-containers') throw new Error(`the fragment imports only projen-containers; received ${m}`);
      return lib;
    };
    new Function('require', 'exports', 'project', js)(req, {}, project);
    project.synth();
    for (const f of ['backend/Dockerfile', 'frontend/Dockerfile', 'frontend/nginx.conf', 'k8s/backend.yaml', 'k8s/frontend.yaml']) {
      expect([f, fs.readFileSync(path.join(outdir, f), 'utf8')]).toEqual([f, fs.readFileSync(path.join(example, f), 'utf8')]);
    }
  });

  test('every family of examples/services adopts into the general ContainerService: it compiles, and run it writes the same probe snippets and HEALTHCHECKs', () => {
    const services = path.join(root, 'examples', 'services');
    const f = fragmentOf(services);
    expect(f).toContain('  baseImage: BaseImage.fromReference("gcr.io/distroless/static-debian12:nonroot"),');
    expect(f).toContain('  checkBinary: "/app/healthcheck",');
    expect(f).toContain('  readinessCheck: HealthCheck.grpc({ service: "ready" }),');
    expect(f).toContain('  addedTools: [CheckTool.GRPC_HEALTH_PROBE],');
    expect(typeErrors(program(f))).toEqual([]);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-adopt-'));
    const js = ts.transpileModule(f, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
    const project = new Project({ name: 'adopted', outdir });
    new typescript.ProjenrcTs(project);
    new Function('require', 'exports', 'project', js)(() => lib, {}, project);
    project.synth();
    const healthcheck = (text: string) => text.split('\n').filter((l) => /^HEALTHCHECK|^ {4}CMD/.test(l)).join('\n');
    for (const [name, dockerfileName] of [['api', 'api/Dockerfile'], ['worker', 'api/Dockerfile.worker'], ['server', 'server/Dockerfile'], ['web', 'web/Dockerfile'], ['grpc', 'grpc/Dockerfile']]) {
      const snippet = `k8s/${name}.yaml`;
      expect([snippet, fs.readFileSync(path.join(outdir, snippet), 'utf8')]).toEqual([snippet, fs.readFileSync(path.join(services, snippet), 'utf8')]);
      const dockerfile = dockerfileName;
      expect([dockerfile, healthcheck(fs.readFileSync(path.join(outdir, dockerfile), 'utf8'))])
        .toEqual([dockerfile, healthcheck(fs.readFileSync(path.join(services, dockerfile), 'utf8'))]);
    }
  }, 120_000);

  test('a hand-written FastAPI image gives FastApiBackend with the files\' values, and it compiles', () => {
    const f = fragmentOf(path.join(__dirname, 'fixtures', 'fastapi-template', 'aligned'));
    expect(f).toContain('new FastApiBackend(project, "backend", {');
    expect(f).toContain('  pythonVersion: "3.12",');
    expect(f).toContain('  readinessCheck: HealthCheck.httpGet({ path: "/api/v1/utils/ready/" }),');
    expect(f).toContain('  timing: { interval: Duration.seconds(30), timeout: Duration.seconds(10), startPeriod: Duration.seconds(20), startInterval: Duration.seconds(5), retries: 3 },');
    expect(f).toContain('  user: { name: "app", uid: 1000, group: "app", gid: 1000 },');
    expect(typeErrors(program(f))).toEqual([]);
  }, 120_000);

  test('an image that is neither preset targets the general ContainerService with its base image family and argv', () => {
    const f = fragmentOf(path.join(__dirname, 'fixtures', 'pod-mapping', 'broken'), { mapping: 'pairs.yaml' });
    // The image's curl HEALTHCHECK cannot run on distroless: the constructs refuse it, so the statement is
    // printed commented out with their error, and nothing is imported for it.
    expect(f.split('\n')[0]).toBe('// not adopted: app.checkTool: must be a tool the final stage has (none) or can install (none: no package manager); declare tools your own instructions add in addedTools; received "curl"');
    expect(f).toContain('// new ContainerService(project, "app", {');
    expect(f).toContain('//   baseImage: BaseImage.fromReference("gcr.io/distroless/static-debian12:nonroot"),');
    expect(f).toContain('//   command: ["/server"],');
    expect(f).toContain('//   healthCheck: HealthCheck.httpGet({ path: "/livez" }),');
    expect(f).not.toContain('import ');
  });
});
