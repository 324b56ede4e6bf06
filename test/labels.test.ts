import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { javascript, typescript } from 'projen';
import { FastApiBackend, StaticFrontend } from '../src';
import { only, parseDockerfile, stage } from './util';

// No npm install after synthesis (projen's post-synth step for Node projects).
process.env.PROJEN_DISABLE_POST = 'true';

function nodeProject(extra: Partial<typescript.TypeScriptProjectOptions> = {}): typescript.TypeScriptProject {
  return new typescript.TypeScriptProject({
    name: 'shop',
    defaultReleaseBranch: 'main',
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'pc-labels-')),
    packageManager: javascript.NodePackageManager.NPM,
    github: false,
    release: false,
    ...extra,
  } as typescript.TypeScriptProjectOptions);
}

function labelsOf(project: typescript.TypeScriptProject, file: string): Record<string, string> {
  project.synth();
  return only(stage(parseDockerfile(fs.readFileSync(path.join(project.outdir, file), 'utf8')), 'production'), 'LABEL').properties;
}

describe('OCI labels from what the user said', () => {
  test('a Node projen project: licenses, source, url and version from its package.json; the title is the container name; no vendor', () => {
    const project = nodeProject({ license: 'MIT', copyrightOwner: 'ACME', repository: 'https://github.com/acme/shop.git', homepage: 'https://shop.example', projenrcTs: false });
    project.package.addVersion('1.4.2');
    new FastApiBackend(project, 'backend');
    expect(labelsOf(project, 'backend/Dockerfile')).toEqual({
      'org.opencontainers.image.title': 'backend',
      'org.opencontainers.image.description': 'FastAPI backend service',
      'org.opencontainers.image.licenses': 'MIT',
      'org.opencontainers.image.url': 'https://shop.example',
      'org.opencontainers.image.source': 'https://github.com/acme/shop.git',
      'org.opencontainers.image.version': '1.4.2',
    });
  });

  test('projen\'s default licence (no license option: Apache-2.0) and licensed: false give no licenses label; the title follows name', () => {
    const byDefault = nodeProject();
    new FastApiBackend(byDefault, 'backend', { name: 'orders' });
    // projen itself writes Apache-2.0 into package.json when .projenrc names no licence: not the app's word.
    expect(byDefault.package.license).toBe('Apache-2.0');
    const labels = labelsOf(byDefault, 'orders/Dockerfile');
    expect(labels['org.opencontainers.image.licenses']).toBeUndefined();
    expect(labels['org.opencontainers.image.title']).toBe('orders');
    const unlicensed = nodeProject({ licensed: false });
    new FastApiBackend(unlicensed, 'backend');
    expect(labelsOf(unlicensed, 'backend/Dockerfile')['org.opencontainers.image.licenses']).toBeUndefined();
  });

  test('the construct options win over the project metadata', () => {
    const project = nodeProject({ license: 'Apache-2.0', repository: 'git+https://github.com/acme/shop.git' });
    new StaticFrontend(project, 'frontend', { labels: { licenses: 'MIT', vendor: 'ACME', description: 'Shop UI' } });
    expect(labelsOf(project, 'frontend/Dockerfile')).toEqual({
      'org.opencontainers.image.title': 'frontend',
      'org.opencontainers.image.description': 'Shop UI',
      'org.opencontainers.image.vendor': 'ACME',
      'org.opencontainers.image.licenses': 'MIT',
      'org.opencontainers.image.source': 'https://github.com/acme/shop.git',
    });
  });
});
