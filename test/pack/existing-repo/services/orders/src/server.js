// Orders API: GET /healthz, GET /readyz, GET and POST /orders (the frontend calls /api/orders, nginx strips /api).
const http = require("http");

const port = Number(process.env.PORT || 3000);
const orders = [];

const server = http.createServer((req, res) => {
  if (req.url === "/healthz" || req.url === "/readyz") {
    res.writeHead(200, { "content-type": "text/plain" });
    return res.end("ok");
  }
  if (req.url === "/orders" && req.method === "POST") {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      orders.push(JSON.parse(body || "{}"));
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: orders.length }));
    });
    return;
  }
  if (req.url === "/orders") {
    res.writeHead(200, { "content-type": "application/json" });
    return res.end(JSON.stringify(orders));
  }
  res.writeHead(404);
  res.end();
});

server.listen(port, "0.0.0.0");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
