#!/usr/bin/env node
// The README's code blocks as the pack test uses them (test/pack/run.sh), so that the test runs what a reader copies.
//
//   node readme-blocks.js extract <README.md> <getting-started.md> <outdir>
//     Writes into <outdir>, from the README:
//       step1.ts           the ```ts block labelled `// .projenrc.ts, step 1` (lines to add to the project's options)
//       step2.ts           the ```ts block labelled `// .projenrc.ts, step 2` (the import, and the containers)
//       existing-step2.ts  the ```ts block labelled `// containers/.projenrc.ts, step 2` (the same, in an existing repository)
//       new.sh             the ```sh block of "### A new project"
//       existing.sh        the ```sh block of "### An existing repository" (run from the repository's root)
//     and from docs/getting-started.md (section "## An existing repository"):
//       component.yaml     the ```yaml block labelled `# containers/k8s/kustomization.yaml`
//       overlay.yaml       the ```yaml block labelled `# add to your overlay's kustomization.yaml`
//     Fails when a block is missing, when a ```ts block has no known label, or when getting-started's ```sh block of
//     that section differs from the README's (one command, written twice: it must not drift).
//
//   node readme-blocks.js apply <options|body> <fragment.ts> <.projenrc.ts>
//     Applies a fragment as a reader would: `options` inserts its lines after `new typescript.TypeScriptProject({`;
//     `body` puts its import lines after the last import of the file and the rest above `project.synth();`.
'use strict';
const fs = require('fs');
const path = require('path');

const LABELS = {
  '// .projenrc.ts, step 1': 'step1.ts',
  '// .projenrc.ts, step 2': 'step2.ts',
  '// containers/.projenrc.ts, step 2': 'existing-step2.ts',
};

/** Every fenced block of a markdown text: { lang, body, section } (section: the last heading above it). */
function blocks(text) {
  const out = [];
  let section = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heading = /^(#{1,6}) (.*)$/.exec(lines[i]);
    if (heading) section = heading[2];
    const fence = /^```(\w*)$/.exec(lines[i]);
    if (!fence) continue;
    const body = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]);
    out.push({ lang: fence[1], body: body.join('\n') + '\n', section });
  }
  return out;
}

function one(list, what) {
  if (list.length !== 1) throw new Error(`expected exactly one ${what}, found ${list.length}`);
  return list[0];
}

function extract(readme, gettingStarted, outdir) {
  fs.mkdirSync(outdir, { recursive: true });
  const rb = blocks(fs.readFileSync(readme, 'utf8'));
  const found = {};
  for (const b of rb.filter((x) => x.lang === 'ts')) {
    const first = b.body.split('\n')[0];
    const label = Object.keys(LABELS).find((l) => first.startsWith(l));
    if (!label) throw new Error(`README: a \`\`\`ts block without a known label (${Object.keys(LABELS).join(', ')}):\n${b.body}`);
    if (found[label]) throw new Error(`README: two \`\`\`ts blocks labelled ${label}`);
    found[label] = true;
    // README Usage shows only what to add: no block declares the project again (a pasted `name:` renames the user's).
    const added = b.body.split('\n').slice(1).join('\n');
    const declares = LABELS[label] === 'step1.ts' ? /^\s*name:/m : /new typescript\.TypeScriptProject\(|project\.synth\(\)/;
    if (declares.test(added)) {
      throw new Error(`README: the block labelled ${label} must show only what to add, not the project itself (no new typescript.TypeScriptProject, name: or project.synth()):\n${b.body}`);
    }
    fs.writeFileSync(path.join(outdir, LABELS[label]), b.body);
  }
  for (const l of Object.keys(LABELS)) if (!found[l]) throw new Error(`README: no \`\`\`ts block labelled ${l}`);
  const newSh = one(rb.filter((b) => b.lang === 'sh' && b.section === 'A new project'), 'sh block in README "### A new project"');
  const existingSh = one(rb.filter((b) => b.lang === 'sh' && b.section === 'An existing repository'), 'sh block in README "### An existing repository"');
  if (!/npx projen new /.test(existingSh.body)) throw new Error(`README: the existing-repository block runs no projen new:\n${existingSh.body}`);
  fs.writeFileSync(path.join(outdir, 'new.sh'), newSh.body);
  fs.writeFileSync(path.join(outdir, 'existing.sh'), existingSh.body);

  const gb = blocks(fs.readFileSync(gettingStarted, 'utf8')).filter((b) => b.section === 'An existing repository');
  const gSh = gb.filter((b) => b.lang === 'sh');
  if (!gSh.some((b) => b.body === existingSh.body)) {
    throw new Error(`docs/getting-started.md "## An existing repository" has no sh block equal to the README's:\n${existingSh.body}`);
  }
  const yamlBlock = (label) => one(gb.filter((b) => b.lang === 'yaml' && b.body.startsWith(label)), `yaml block labelled "${label}" in getting-started`);
  fs.writeFileSync(path.join(outdir, 'component.yaml'), yamlBlock('# containers/k8s/kustomization.yaml').body);
  fs.writeFileSync(path.join(outdir, 'overlay.yaml'), yamlBlock("# add to your overlay's kustomization.yaml").body);
  console.log(fs.readdirSync(outdir).sort().join(' '));
}

function apply(kind, fragmentFile, projenrc) {
  const fragment = fs.readFileSync(fragmentFile, 'utf8').replace(/\n+$/, '').split('\n').slice(1); // the label line goes
  const lines = fs.readFileSync(projenrc, 'utf8').split('\n');
  if (kind === 'options') {
    const at = lines.findIndex((l) => /new typescript\.TypeScriptProject\(\{\s*$/.test(l));
    if (at < 0) throw new Error(`${projenrc}: no line "new typescript.TypeScriptProject({"`);
    lines.splice(at + 1, 0, ...fragment);
  } else if (kind === 'body') {
    const imports = [];
    const rest = [];
    for (let i = 0; i < fragment.length; i++) {
      if (!/^import /.test(fragment[i])) { rest.push(fragment[i]); continue; }
      for (; i < fragment.length; i++) { imports.push(fragment[i]); if (/;\s*$/.test(fragment[i])) break; }
    }
    while (rest.length && rest[0].trim() === '') rest.shift();
    const synth = lines.findIndex((l) => /^project\.synth\(\);?\s*$/.test(l));
    if (synth < 0) throw new Error(`${projenrc}: no line "project.synth();"`);
    lines.splice(synth, 0, ...rest, '');
    let lastImport = -1;
    lines.forEach((l, i) => { if (/^import .*;\s*$/.test(l)) lastImport = i; });
    lines.splice(lastImport + 1, 0, ...imports);
  } else {
    throw new Error(`unknown fragment kind ${kind}`);
  }
  fs.writeFileSync(projenrc, lines.join('\n'));
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'extract') extract(...args);
else if (cmd === 'apply') apply(...args);
else { console.error('usage: readme-blocks.js extract <README.md> <getting-started.md> <outdir> | apply <options|body> <fragment.ts> <.projenrc.ts>'); process.exit(2); }
