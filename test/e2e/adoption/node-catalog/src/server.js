// The catalog service: GET /healthz (liveness), GET /ready (readiness), GET /items. Listens on $PORT, default 3000.
const http = require('http');

const port = Number(process.env.PORT || 3000);
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"status":"ok"}');
  } else if (req.url === '/ready') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ready');
  } else if (req.url === '/items') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('[{"sku":"tea-1","name":"green tea"}]');
  } else {
    res.writeHead(404);
    res.end();
  }
});
server.listen(port, () => console.log(`catalog listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
