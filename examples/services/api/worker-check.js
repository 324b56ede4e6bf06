// The worker's exec health check: exit 0 while its heartbeat file is younger than MAX_AGE_SECONDS (default 20),
// else 1 (never 2, which Docker reserves). Run as `node worker-check.js` by Docker and by the kubelet.
const fs = require('node:fs');

const file = process.env.HEARTBEAT_FILE ?? '/tmp/worker-heartbeat';
const maxAge = Number(process.env.MAX_AGE_SECONDS ?? 20) * 1000;
try {
  process.exit(Date.now() - fs.statSync(file).mtimeMs < maxAge ? 0 : 1);
} catch {
  process.exit(1);
}
