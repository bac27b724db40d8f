// Bundles @kubernetes/client-node's KubeConfig (and only what it uses) into one file,
// dist/vendor/kubeconfig.js. Loading the package itself evaluates its whole generated API,
// about 0.7 s at every `mcs-doctor diagnose`; the tree-shaken bundle loads in a fraction of it.
import { build } from 'esbuild';

await build({
  stdin: {
    contents: "export { KubeConfig } from '@kubernetes/client-node';",
    resolveDir: process.cwd(),
    loader: 'js',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: 'dist/vendor/kubeconfig.js',
  logLevel: 'warning',
  // Some of client-node's CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __mcsCreateRequire } from 'node:module'; const require = __mcsCreateRequire(import.meta.url);",
  },
});
