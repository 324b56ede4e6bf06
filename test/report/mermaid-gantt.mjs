// Parses every ```mermaid block of the markdown on stdin with mermaid itself and prints, as JSON, one
// entry per chart: its type and its bars (section, task, start and end in seconds, milestone).
// mermaid's gantt parser sanitizes titles with DOMPurify, which needs a DOM: jsdom gives it one.
// Exit 1 with mermaid's message when a chart does not parse.
//   node test/report/mermaid-gantt.mjs < docs/health-alignment.md
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

const markdown = readFileSync(0, 'utf8');
const charts = [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
const out = [];
for (const [i, text] of charts.entries()) {
  try {
    const parsed = await mermaid.parse(text);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const bars = diagram.db.getTasks().map((t) => ({
      section: t.section,
      task: t.task.trim(),
      start: +t.startTime / 1000,
      end: +t.endTime / 1000,
      milestone: Boolean(t.milestone),
    }));
    out.push({ type: parsed.diagramType, title: diagram.db.getDiagramTitle(), bars });
  } catch (e) {
    console.error(`chart ${i + 1} does not parse: ${e.message}\n${text}`);
    process.exit(1);
  }
}
console.log(JSON.stringify(out));
