/**
 * The documentation in the shape of the code, checked against it as ESLint checks its rule docs:
 * one page per root cause of the registry (docs/causes/<id>.md) and none for an id it does not
 * have; one page per command, naming every flag the command takes; a README that starts with
 * the two commands and links every page; no local link that leads nowhere.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { Command, type Option } from 'commander';
import { CAUSE_MODULES } from '../src/causes/index.js';
import { buildProgram } from '../src/cli/run.js';
import { withClusterFlags } from '../src/commands/flags.js';
import { headings, markdownAnchors as anchors, proseLines } from './helpers/markdown.js';

const ROOT = resolve(import.meta.dirname, '..');
const DOCS = join(ROOT, 'docs');
const README = join(ROOT, 'README.md');
const CLUSTER_FLAGS_PAGE = 'cluster-flags.md';

/** The causes whose worker fails (or will fail) a TLS verification: their pages say why verification is never skipped. */
const TLS_CAUSES = [
  'mcs-cert-expired',
  'mcs-cert-expiring',
  'mcs-ca-mismatch',
  'worker-clock-skew',
  'mcs-san-mismatch',
  'mcs-cert-invalid',
  'mcs-cert-corrupt',
];
const NO_SKIP_VERIFY = 'Why not "disable certificate verification"';
const CAUSE_SECTIONS = [
  'What it means',
  'Decisive evidence',
  'How mcs-doctor finds it',
  'Fix',
  'Prevention',
  'See also',
];

const rel = (path: string): string => relative(ROOT, path);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return markdownFiles(path);
      return name.endsWith('.md') ? [path] : [];
    });
}

/** Every `[text](target)` outside code: the target as written. */
function links(text: string): string[] {
  const out: string[] = [];
  for (const line of proseLines(text)) {
    const prose = line.replace(/(`+)(?:(?!\1).)+?\1/g, 'code');
    for (const m of prose.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]!);
  }
  return out;
}

/** The `## ` sections of a page: heading text -> the text up to the next heading of level 1 or 2. */
function sections(text: string): Map<string, string> {
  const lines = text.split('\n');
  const top = headings(text).filter((h) => h.level <= 2);
  const out = new Map<string, string>();
  top.forEach((h, i) => {
    if (h.level === 2) out.set(h.text, lines.slice(h.line + 1, top[i + 1]?.line ?? lines.length).join('\n'));
  });
  return out;
}

/** Blockquote markers dropped, whitespace collapsed: for finding a sentence wherever the page wraps it. */
const flat = (text: string): string => text.replace(/^\s*>\s?/gm, '').replace(/\s+/g, ' ');

const read = (path: string): string => readFileSync(path, 'utf8');

describe('docs/causes: one page per root cause of the registry', () => {
  const ids = Object.keys(CAUSE_MODULES);

  test('every TLS cause the docs name is in the registry', () => {
    for (const id of TLS_CAUSES) {
      assert.ok(
        ids.includes(id),
        `test/docs.test.ts names TLS cause ${id}, which src/causes/index.ts does not have`,
      );
    }
  });

  for (const [id, m] of Object.entries(CAUSE_MODULES)) {
    test(id, () => {
      const path = join(DOCS, 'causes', `${id}.md`);
      assert.ok(
        existsSync(path),
        `cause ${id} (src/causes/index.ts) has no page: write docs/causes/${id}.md`,
      );
      const text = read(path);
      const lines = text.split('\n');
      assert.equal(lines[0], `# ${id}`, `docs/causes/${id}.md: the first line must be "# ${id}"`);

      const start = lines.findIndex((l, i) => i > 0 && l.trim() !== '');
      const end = lines.findIndex((l, i) => i > start && l.trim() === '');
      const firstParagraph = lines
        .slice(start, end === -1 ? undefined : end)
        .join(' ')
        .trim();
      assert.equal(
        firstParagraph,
        m.summary,
        `docs/causes/${id}.md: the first paragraph must be the module's summary exactly (src/causes/${id}.ts)`,
      );

      const found = headings(text)
        .filter((h) => h.level === 2)
        .map((h) => h.text);
      const tls = TLS_CAUSES.includes(id);
      const expected = tls
        ? [...CAUSE_SECTIONS.slice(0, 4), NO_SKIP_VERIFY, ...CAUSE_SECTIONS.slice(4)]
        : CAUSE_SECTIONS;
      for (const h of expected) {
        assert.ok(found.includes(h), `docs/causes/${id}.md: missing the section "## ${h}"`);
      }
      assert.deepEqual(
        found.filter((h) => expected.includes(h)),
        expected,
        `docs/causes/${id}.md: the sections must come in this order: ${expected.map((h) => `"## ${h}"`).join(', ')}`,
      );

      const s = sections(text);
      assert.ok(
        flat(s.get('Decisive evidence')!).includes(flat(m.decisive.what)),
        `docs/causes/${id}.md "## Decisive evidence" must quote the module's decisive.what: "${m.decisive.what}"`,
      );
      const fix = flat(s.get('Fix')!);
      if (m.remedy.plan) {
        assert.ok(
          fix.includes(`mcs-doctor fix ${id}`),
          `docs/causes/${id}.md "## Fix" must say what \`mcs-doctor fix ${id}\` does (its remedy has a plan)`,
        );
      } else {
        assert.ok(
          fix.includes(flat(m.remedy.why)),
          `docs/causes/${id}.md "## Fix" must say why there is no plan, as the module does: "${m.remedy.why}"`,
        );
      }
      if (m.stage !== null) {
        assert.ok(
          text.includes(`\`${m.stage}\``),
          `docs/causes/${id}.md must name the pipeline stage it breaks, \`${m.stage}\``,
        );
      }
    });
  }

  test('no page for an id the registry does not have', () => {
    for (const name of readdirSync(join(DOCS, 'causes'))) {
      const id = name.replace(/\.md$/, '');
      assert.ok(
        name.endsWith('.md') && ids.includes(id),
        `docs/causes/${name} documents "${id}", which is not a root cause in src/causes/index.ts: remove it or add the cause`,
      );
    }
  });
});

describe('docs/commands: one page per command, naming every flag', () => {
  const program = buildProgram();
  const clusterFlags = new Set(
    withClusterFlags(new Command('x'))
      .options.map((o) => o.long)
      .filter((l): l is string => !!l),
  );
  const documented = (o: Option): o is Option & { long: string } =>
    !!o.long && !o.hidden && o.long !== '--help' && o.long !== '--version';
  const mentions = (text: string, flag: string): boolean =>
    new RegExp(`(?<![\\w-])${flag.replace(/[-]/g, '\\-')}(?![\\w-])`).test(text);

  function checkFlags(cmd: Command, text: string, where: string): void {
    for (const o of cmd.options.filter(documented)) {
      if (mentions(text, o.long)) continue;
      assert.ok(
        clusterFlags.has(o.long) && text.includes(`](${CLUSTER_FLAGS_PAGE}`),
        clusterFlags.has(o.long)
          ? `${where} documents neither ${o.long} nor links to ${CLUSTER_FLAGS_PAGE} (${commandName(cmd)} takes the cluster flags)`
          : `${where} does not document ${o.long}, a flag of \`${commandName(cmd)}\``,
      );
    }
  }

  function commandName(cmd: Command): string {
    const names: string[] = [];
    for (let c: Command | null = cmd; c && c.parent; c = c.parent) names.unshift(c.name());
    return ['mcs-doctor', ...names].join(' ');
  }

  for (const cmd of program.commands) {
    test(cmd.name(), () => {
      const path = join(DOCS, 'commands', `${cmd.name()}.md`);
      assert.ok(
        existsSync(path),
        `\`mcs-doctor ${cmd.name()}\` has no page: write docs/commands/${cmd.name()}.md`,
      );
      const text = read(path);
      if (cmd.commands.length === 0) {
        checkFlags(cmd, text, `docs/commands/${cmd.name()}.md`);
        return;
      }
      const s = sections(text);
      for (const sub of cmd.commands) {
        const heading = [...s.keys()].find((h) => h.includes(`\`${cmd.name()} ${sub.name()}\``));
        assert.ok(
          heading,
          `docs/commands/${cmd.name()}.md has no section "## \`${cmd.name()} ${sub.name()}\`" for \`mcs-doctor ${cmd.name()} ${sub.name()}\``,
        );
        checkFlags(sub, s.get(heading)!, `docs/commands/${cmd.name()}.md, section "${heading}",`);
      }
    });
  }

  test('the npm scripts a user runs have their page', () => {
    const scripts = (JSON.parse(read(join(ROOT, 'package.json'))) as { scripts: Record<string, string> })
      .scripts;
    for (const name of ['demo', 'bench']) {
      assert.ok(scripts[name], `package.json has no "${name}" script any more: update the docs`);
      assert.ok(
        existsSync(join(DOCS, 'commands', `${name}.md`)),
        `npm run ${name} has no page: write docs/commands/${name}.md`,
      );
    }
  });

  test(`${CLUSTER_FLAGS_PAGE} documents every cluster flag`, () => {
    const text = read(join(DOCS, 'commands', CLUSTER_FLAGS_PAGE));
    for (const flag of clusterFlags) {
      assert.ok(mentions(text, flag), `docs/commands/${CLUSTER_FLAGS_PAGE} does not document ${flag}`);
    }
  });
});

describe('links', () => {
  const pages = [README, ...markdownFiles(DOCS)];

  test('README.md links to every page under docs/', () => {
    const linked = new Set(
      links(read(README))
        .filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l) && !l.startsWith('#'))
        .map((l) => resolve(ROOT, decodeURI(l.split('#')[0]!))),
    );
    for (const page of markdownFiles(DOCS)) {
      assert.ok(linked.has(page), `README.md does not link to ${rel(page)}`);
    }
  });

  test('every local link in README.md and docs/ resolves, anchors included', () => {
    const broken: string[] = [];
    for (const page of pages) {
      const text = read(page);
      for (const link of links(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
        const [pathPart, anchor] = link.split('#') as [string, string | undefined];
        const target = pathPart === '' ? page : resolve(dirname(page), decodeURI(pathPart));
        if (!existsSync(target)) {
          broken.push(`${rel(page)}: ${link} (no such file: ${rel(target)})`);
          continue;
        }
        if (anchor !== undefined && target.endsWith('.md') && !anchors(read(target)).has(anchor)) {
          broken.push(`${rel(page)}: ${link} (no heading "#${anchor}" in ${rel(target)})`);
        }
      }
    }
    assert.deepEqual(broken, [], `broken links:\n  ${broken.join('\n  ')}`);
  });
});

test('README.md starts with the two commands', () => {
  const lines = read(README).split('\n');
  const first = lines.findIndex((l, i) => i > 0 && l.trim() !== '');
  assert.match(lines[0]!, /^# mcs-doctor$/, 'README.md: the first line must be "# mcs-doctor"');
  assert.equal(
    lines[first],
    '```sh',
    'README.md: right after the title comes a ```sh block with the two commands',
  );
  assert.match(
    lines[first + 1]!,
    /^npm ci && npm run demo(\s|$)/,
    'README.md: the first command must be `npm ci && npm run demo`',
  );
  assert.match(lines[first + 2]!, /^npm test(\s|$)/, 'README.md: the second command must be `npm test`');
  assert.equal(lines[first + 3], '```', 'README.md: the block holds only the two commands');
});
