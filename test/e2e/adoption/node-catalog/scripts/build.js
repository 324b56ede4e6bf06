// The build step of the fixture: copies src/ to dist/ with a banner (a stand-in for tsc or a bundler).
const fs = require('fs');
const path = require('path');

const src = path.join(__dirname, '..', 'src');
const dist = path.join(__dirname, '..', 'dist');
fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });
for (const f of fs.readdirSync(src)) {
  fs.writeFileSync(path.join(dist, f), `// built from src/${f}\n${fs.readFileSync(path.join(src, f), 'utf8')}`);
}
console.log(`built ${fs.readdirSync(dist).length} file(s) into dist/`);
