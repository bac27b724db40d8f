/**
 * A list answer cut into its items as it arrives gives exactly what parsing the whole answer
 * gives, wherever the network splits it (inside a multi-byte character, an escape, a key), and
 * malformed text is refused as the whole-text parse would refuse it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ListBodyReader, MalformedListError } from '../../src/sources/list-body.js';

const TRICKY = {
  kind: 'SecretList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '42', continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ', items: ['not', 'these'] },
  items: [
    {
      metadata: { name: 'a', annotations: { note: 'quote " backslash \\ brace } bracket ] "items": [' } },
      data: { 'tls.crt': 'LS0tLS1CRUdJTi'.repeat(50) },
    },
    {
      metadata: { name: 'ünïcødé-名前-🔐', labels: { 'x/y': '\u0000\u001f\n\t' } },
      items: [{ nested: true }],
    },
    { metadata: { name: 'c' }, list: [[], {}, [[{}]]], n: -1.5e3, t: true, f: false, z: null },
  ],
};

function readIn(
  text: string,
  size: number,
  each?: (item: unknown) => unknown,
  onShell?: (shell: Record<string, unknown>) => void,
): ReturnType<ListBodyReader['end']> {
  const bytes = Buffer.from(text, 'utf8');
  const reader = new ListBodyReader({ each, onShell });
  for (let i = 0; i < bytes.length; i += size) reader.write(bytes.subarray(i, i + size));
  return reader.end();
}

test('every split of the answer gives the items and the rest exactly as JSON.parse does', () => {
  for (const text of [JSON.stringify(TRICKY), JSON.stringify(TRICKY, null, 2)]) {
    const whole = JSON.parse(text) as typeof TRICKY;
    const { items: _items, ...shell } = whole;
    for (const size of [1, 2, 3, 5, 7, 64, 1000, 1 << 20]) {
      const read = readIn(text, size);
      assert.deepEqual(read.items, whole.items, `split every ${size} bytes`);
      assert.deepEqual(read.shell, { ...shell, items: [] }, `split every ${size} bytes`);
    }
  }
});

test('an empty list, a list with items null, and a Status are told apart', () => {
  assert.deepEqual(readIn('{"kind":"List","items":[]}', 3).items, []);
  assert.equal(readIn('{"kind":"List","items":null}', 3).items, undefined);
  const status = readIn('{"kind":"Status","status":"Failure","message":"forbidden","code":403}', 4);
  assert.equal(status.items, undefined);
  assert.equal(status.shell['message'], 'forbidden');
});

test('what the caller keeps of each item is made as the item is read', () => {
  const read = readIn(
    JSON.stringify(TRICKY),
    16,
    (item) => (item as { metadata: { name: string } }).metadata.name,
  );
  assert.deepEqual(read.items, ['a', 'ünïcødé-名前-🔐', 'c']);
});

test('malformed answers are refused with where, never half-read', () => {
  const text = JSON.stringify(TRICKY);
  assert.throws(() => readIn(text.slice(0, text.length - 5), 64), MalformedListError);
  assert.throws(() => readIn(text.slice(0, 200), 7), /ends inside a value/);
  assert.throws(() => readIn('{"items":[{"a":1,}]}', 5), /item 1: /);
  assert.throws(() => readIn('{"items":[{"a":1}]]}', 5), MalformedListError);
  assert.throws(() => readIn('<html>502 Bad Gateway</html>', 8), MalformedListError);
  assert.throws(() => readIn('[1,2,3]', 2), /not a JSON object|item|list/);
});

test('the metadata is told before the first item is read, once, when the items come last', () => {
  const events: string[] = [];
  const read = readIn(
    JSON.stringify(TRICKY),
    5,
    (item) => {
      events.push('item');
      return item;
    },
    (shell) => events.push(`shell ${(shell['metadata'] as { continue: string }).continue}`),
  );
  assert.deepEqual(events, ['shell eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ', 'item', 'item', 'item']);
  assert.equal(read.items?.length, 3);
  // Items first: nothing is told early (the end still gives the whole list).
  const late: unknown[] = [];
  const itemsFirst = readIn('{"items":[{"a":1}],"metadata":{"continue":"x"}}', 4, undefined, (s) =>
    late.push(s),
  );
  assert.deepEqual(late, [{ items: [] }]);
  assert.deepEqual(itemsFirst.shell, { items: [], metadata: { continue: 'x' } });
});
