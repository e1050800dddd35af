/**
 * Makes ssh2 load as our bundle ships it: without its optional native addons. esbuild.mjs keeps
 * `*.node` and `cpu-features` external and the .vsix holds neither, so in VS Code ssh2 falls back
 * to Node's crypto (one cipher object per AES-GCM packet, each packet written in pieces). The
 * benches import ssh2 from node_modules, where `npm install` built sshcrypto.node: without this
 * they measured an ssh2 nobody runs (the forward bench showed 0.37–0.73× with the addon while the
 * shipped build did 0.1–0.2×). Imported first by index.ts, before any bench loads ssh2.
 */
import Module from 'node:module';

type Resolve = (request: string, parent: unknown, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const resolve = loader._resolveFilename;

/** The requests ssh2 makes for its addons: crypto.js's sshcrypto.node and constants.js's cpu-features. */
function isNativeAddonOfSsh2(request: string, parent: unknown): boolean {
  const from = (parent as { filename?: string } | undefined)?.filename ?? '';
  return /[\\/]node_modules[\\/]ssh2[\\/]/.test(from) && (request.endsWith('.node') || request === 'cpu-features');
}

loader._resolveFilename = function (request, parent, ...rest) {
  if (isNativeAddonOfSsh2(request, parent)) {
    throw Object.assign(new Error(`Cannot find module '${request}' (left out as in the bundle)`), { code: 'MODULE_NOT_FOUND' });
  }
  return resolve.call(this, request, parent, ...rest);
};
