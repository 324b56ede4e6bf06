import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check } from '../../src/check/_check';
import { RULES } from '../../src/check/rules/_finding';

/** Writes `files` into a fresh folder and runs the checker over it: [rule, severity, file, line, message] of each PC023. */
function pc023(files: Record<string, string>): string[][] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-loopback-'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return check({ paths: ['.'], cwd: dir }).findings.filter((f) => f.rule === 'PC023').map((f) => [f.rule, f.severity, f.file, String(f.line), f.message]);
}

const DOCKERFILE = (cmd: string) => `FROM python:3.12-slim
RUN useradd --uid 1000 app
USER 1000:1000
EXPOSE 8000
HEALTHCHECK CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"]
CMD ${cmd}
`;

const DEPLOYMENT = (extra: string, probe = 'httpGet:\n              path: /health\n              port: http') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example/api:1.0
${extra}          ports:
            - name: http
              containerPort: 8000
          livenessProbe:
            ${probe}
          readinessProbe:
            ${probe}
`;

describe('PC023: the process binds loopback and the kubelet probes it over the network', () => {
  test('the rule is in the table, an error, with the fix', () => {
    expect(RULES.PC023).toEqual({
      id: 'PC023',
      severity: 'error',
      title: 'the process binds a loopback address (127.0.0.1, localhost, ::1) and the kubelet probes it over the network',
      fix: 'Bind 0.0.0.0 (or :: for IPv6) in the command: the kubelet sends httpGet, tcpSocket and grpc probes to the pod IP, which a loopback bind never answers.',
    });
  });

  test('a Dockerfile CMD with --host 127.0.0.1, paired with a Deployment with httpGet probes: an error at the CMD', () => {
    expect(pc023({
      'api/Dockerfile': DOCKERFILE('["uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "8000"]'),
      'k8s/api.yaml': DEPLOYMENT(''),
    })).toEqual([[
      'PC023', 'error', 'api/Dockerfile', '6',
      'the process binds 127.0.0.1 (CMD word "127.0.0.1"), which only the container itself reaches; livenessProbe (httpGet), readinessProbe (httpGet) go to the pod IP and fail, so the container is restarted forever (a HEALTHCHECK inside the container still passes)',
    ]]);
  });

  test('the manifest\'s args (replacing CMD) and command (replacing ENTRYPOINT, dropping CMD): the finding at the word\'s line', () => {
    const args = '          args: ["app.main:app", "--bind", "localhost:8000"]\n';
    expect(pc023({ 'api/Dockerfile': DOCKERFILE('["gunicorn", "app.main:app"]'), 'k8s/api.yaml': DEPLOYMENT(args) }).map((f) => f.slice(0, 4)))
      .toEqual([['PC023', 'error', 'k8s/api.yaml', '11']]);
    const command = '          command:\n            - uvicorn\n            - app.main:app\n            - --host=::1\n';
    expect(pc023({ 'k8s/api.yaml': DEPLOYMENT(command, 'tcpSocket:\n              port: http') }).map((f) => f.slice(0, 4)))
      .toEqual([['PC023', 'error', 'k8s/api.yaml', '14']]);
  });

  test('nothing for a wildcard bind, a manifest command that replaces a loopback CMD, exec probes, or a URL that merely contains 127.0.0.1', () => {
    expect(pc023({ 'api/Dockerfile': DOCKERFILE('["uvicorn", "app.main:app", "--host", "0.0.0.0"]'), 'k8s/api.yaml': DEPLOYMENT('') })).toEqual([]);
    const override = '          command: ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n';
    expect(pc023({ 'api/Dockerfile': DOCKERFILE('["uvicorn", "app.main:app", "--host", "127.0.0.1"]'), 'k8s/api.yaml': DEPLOYMENT(override) })).toEqual([]);
    expect(pc023({
      'api/Dockerfile': DOCKERFILE('["uvicorn", "app.main:app", "--host", "127.0.0.1"]'),
      'k8s/api.yaml': DEPLOYMENT('', 'exec:\n              command: ["python3", "/app/check.py"]'),
    })).toEqual([]);
    expect(pc023({ 'api/Dockerfile': DOCKERFILE('["app", "--upstream", "http://127.0.0.1:9000"]'), 'k8s/api.yaml': DEPLOYMENT('') })).toEqual([]);
  });
});
