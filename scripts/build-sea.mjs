// `npm run build:sea`: mcs-doctor as one executable for linux/amd64, with Node 20's single
// executable applications (https://nodejs.org/docs/latest-v20.x/api/single-executable-applications.html):
// the CLI bundled by esbuild into one CommonJS file, a preparation blob made by
// `node --experimental-sea-config`, injected into a copy of this Node binary with postject.
// Then the krew archive (the executable as kubectl-mcs_doctor, and LICENSE) and the krew plugin
// manifest that installs it, with the archive's sha256. Writes everything to dist-sea/.
//   node scripts/build-sea.mjs [--out DIR] [--uri-base URL]   (where the archive will be published)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
const outArg = process.argv.indexOf('--out');
const OUT = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(ROOT, 'dist-sea');
const NAME = 'kubectl-mcs_doctor';
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const uriArg = process.argv.indexOf('--uri-base');
const URI_BASE =
  uriArg > 0
    ? process.argv[uriArg + 1]
    : `https://github.com/mcs-doctor/mcs-doctor/releases/download/v${version}`;

if (platform() !== 'linux' || arch() !== 'x64') {
  console.error(
    `build-sea: builds the linux/amd64 executable from this Node binary; this is ${platform()}/${arch()}`,
  );
  process.exit(2);
}
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// 1. One CommonJS file: a single executable runs a script that can require only built-in modules.
await build({
  entryPoints: [join(ROOT, 'src', 'cli', 'sea.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: join(OUT, 'mcs-doctor.cjs'),
  logLevel: 'warning',
  // import.meta.url (the simulator looks for its Redfish mockup beside itself): the executable.
  define: { 'import.meta.url': '__mcsImportMetaUrl' },
  banner: { js: "const __mcsImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [
    {
      // Only KubeConfig of @kubernetes/client-node, as dist/vendor/kubeconfig.js: the whole
      // package's generated API would be evaluated at every start.
      name: 'kubeconfig-only',
      setup(b) {
        b.onResolve({ filter: /^@kubernetes\/client-node$/ }, (args) =>
          args.namespace === 'kubeconfig-only'
            ? undefined
            : { path: 'kubeconfig', namespace: 'kubeconfig-only' },
        );
        b.onLoad({ filter: /.*/, namespace: 'kubeconfig-only' }, () => ({
          contents: "export { KubeConfig } from '@kubernetes/client-node';",
          resolveDir: ROOT,
          loader: 'js',
        }));
      },
    },
  ],
});

// 2. The preparation blob, and a copy of this Node with it injected.
const config = join(OUT, 'sea-config.json');
writeFileSync(
  config,
  JSON.stringify({
    main: join(OUT, 'mcs-doctor.cjs'),
    output: join(OUT, 'sea-prep.blob'),
    disableExperimentalSEAWarning: true,
    useCodeCache: false,
  }),
);
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });
const exe = join(OUT, NAME);
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
execFileSync(
  process.execPath,
  [
    join(ROOT, 'node_modules', 'postject', 'dist', 'cli.js'),
    exe,
    'NODE_SEA_BLOB',
    join(OUT, 'sea-prep.blob'),
    '--sentinel-fuse',
    'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);

// 3. The krew archive: the executable and LICENSE, with fixed owners and times (reproducible).
copyFileSync(join(ROOT, 'LICENSE'), join(OUT, 'LICENSE'));
const archive = `mcs-doctor-v${version}-linux-amd64.tar.gz`;
execFileSync(
  'tar',
  [
    '--sort=name',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--mtime=@0',
    '--use-compress-program=gzip -n',
    '-cf',
    archive,
    NAME,
    'LICENSE',
  ],
  { cwd: OUT },
);
const sha256 = createHash('sha256')
  .update(readFileSync(join(OUT, archive)))
  .digest('hex');

// 4. The krew plugin manifest (krew.googlecontainertools.github.com/v1alpha2; its name is the file's).
const manifest = `apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: mcs-doctor
spec:
  version: v${version}
  homepage: https://github.com/mcs-doctor/mcs-doctor
  shortDescription: Fix OpenShift workers that cannot fetch Ignition
  description: |
    Finds why a new OpenShift bare-metal worker cannot fetch its Ignition config from the
    Machine Config Server (port 22623): an expired or wrong serving certificate, a pointer CA
    the MCS no longer uses, a BMC clock outside the certificate's validity, a SAN mismatch, an
    unreachable or stopped MCS, pending CSRs. It predicts the worker's own TLS verdict, fixes
    the cause safely (a plan first, a backup of every object) and verifies that the worker joins.
  caveats: |
    Runs as kubectl mcs-doctor and oc mcs-doctor. Start with:
      kubectl mcs-doctor diagnose
    Read-only access is enough for everything but fix --apply, restore and verify --approve-csrs.
  platforms:
    - selector:
        matchLabels:
          os: linux
          arch: amd64
      uri: ${URI_BASE}/${archive}
      sha256: ${sha256}
      files:
        - from: ${NAME}
          to: .
        - from: LICENSE
          to: .
      bin: ${NAME}
`;
writeFileSync(join(OUT, 'mcs-doctor.yaml'), manifest);
rmSync(join(OUT, 'sea-prep.blob'));
console.log(`${join(OUT, NAME)}\n${join(OUT, archive)} sha256 ${sha256}\n${join(OUT, 'mcs-doctor.yaml')}`);
