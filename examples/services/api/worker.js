// A minimal background worker beside the API, from the same code directory: it listens on no port and takes
// jobs from a queue (here a timer); after each round it touches its heartbeat file. worker-check.js (the exec
// health check) reads the file's age. HEARTBEAT_FILE comes from the environment (default /tmp/worker-heartbeat).
const fs = require('node:fs');

const heartbeat = process.env.HEARTBEAT_FILE ?? '/tmp/worker-heartbeat';
let jobs = 0;

function round() {
  jobs += 1;
  fs.writeFileSync(heartbeat, `${Date.now()} ${jobs}\n`);
}

round();
const timer = setInterval(round, 2000);

// Finish the current round and stop on SIGTERM (Kubernetes and docker stop send it).
process.on('SIGTERM', () => {
  clearInterval(timer);
  process.exit(0);
});
