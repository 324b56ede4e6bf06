// Writes an HTML page of an alignment report (docs/health-alignment.md): the markdown as HTML (marked,
// which mermaid itself depends on), each ```mermaid block as a <pre class="mermaid"> that mermaid renders
// in the browser from node_modules/mermaid/dist/mermaid.min.js, loaded by a file:// URL (no CDN).
// Sets <body data-rendered="N"> once mermaid has drawn N charts, or data-error with its message.
//   node scripts/report-page.mjs <report.md> <page.html>
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { marked } from 'marked';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node scripts/report-page.mjs <report.md> <page.html>');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const mermaidJs = pathToFileURL(require.resolve('mermaid/dist/mermaid.min.js')).href;
const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const renderer = new marked.Renderer();
const code = renderer.code.bind(renderer);
renderer.code = (token) => (token.lang === 'mermaid' ? `<pre class="mermaid">${escape(token.text)}</pre>\n` : code(token));
const body = marked.parse(readFileSync(input, 'utf8'), { renderer });
writeFileSync(output, `<!doctype html>
<html><head><meta charset="utf-8"><title>${escape(input)}</title>
<style>
  body { font: 14px/1.4 sans-serif; margin: 24px; max-width: 1100px; }
  table { border-collapse: collapse; margin: 8px 0; } td, th { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; }
  code { font-size: 12px; } pre.mermaid { background: #fff; }
</style>
<script src="${mermaidJs}"></script>
</head><body>
${body}
<script>
  mermaid.initialize({ startOnLoad: false, theme: 'default' });
  mermaid.run({ querySelector: 'pre.mermaid' })
    .then(() => { document.body.dataset.rendered = String(document.querySelectorAll('pre.mermaid svg').length); })
    .catch((e) => { document.body.dataset.error = String(e && e.message || e); });
</script>
</body></html>
`);
console.log(`${output}: ${(body.match(/class="mermaid"/g) || []).length} mermaid chart(s), mermaid from ${mermaidJs}`);
