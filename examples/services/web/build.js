// Copies src/ to dist/: the whole "build" of this static example site.
const fs = require('node:fs');

fs.rmSync('dist', { recursive: true, force: true });
fs.cpSync('src', 'dist', { recursive: true });
