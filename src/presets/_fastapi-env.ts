// The environment FastApiBackend's base stage writes (one owner: the preset writes it, the adopter names it).

/**
 * Unbuffered logs, no .pyc files at run time, uv copies files (no hard links across layers), uses the image Python,
 * and the project venv comes first on PATH (written out in full: no variable expansion).
 */
export const FASTAPI_ENV: Readonly<Record<string, string>> = {
  PYTHONUNBUFFERED: '1',
  PYTHONDONTWRITEBYTECODE: '1',
  UV_LINK_MODE: 'copy',
  UV_COMPILE_BYTECODE: '1',
  UV_PYTHON_DOWNLOADS: 'never',
  UV_PROJECT_ENVIRONMENT: '/app/.venv',
  PATH: '/app/.venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
};
