// A minimal HTTP API: /healthz answers while the process runs (liveness), /readyz once it is ready
// to serve (readiness). PORT comes from the environment (default 3000, the model's port).
const http = require('node:http');

const port = Number(process.env.PORT ?? 3000);
let ready = false;

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') return send(res, 200, { status: 'healthy' });
  if (req.url === '/readyz') return send(res, ready ? 200 : 503, { ready });
  if (req.url === '/api/v1/hello') return send(res, 200, { message: 'hello' });
  return send(res, 404, { error: 'not found' });
});

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

server.listen(port, '0.0.0.0', () => {
  ready = true;
});

// Stop accepting connections on SIGTERM (Kubernetes and docker stop send it), then exit.
process.on('SIGTERM', () => server.close(() => process.exit(0)));
