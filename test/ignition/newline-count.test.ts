import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countNewlinesByIndexOf, newlineCounter } from '../../src/ignition/newline-count.js';

test('the WebAssembly SIMD count agrees with indexOf on every offset and length, in and out of its memory', () => {
  const counter = newlineCounter(64 * 1024);
  const buf = counter.buffer;
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < buf.length; i++) buf[i] = rnd() < 0.05 ? 0x0a : 0x20 + Math.floor(rnd() * 90);
  const cases: Array<[number, number]> = [
    [0, 0],
    [0, 1],
    [0, 15],
    [0, 16],
    [0, 17],
    [3, 47],
    [0, buf.length],
    [1, buf.length - 1],
  ];
  for (let k = 0; k < 200; k++) {
    const a = Math.floor(rnd() * buf.length);
    cases.push([a, a + Math.floor(rnd() * (buf.length - a))]);
  }
  for (const [from, to] of cases) {
    assert.equal(counter.count(buf, from, to), countNewlinesByIndexOf(buf, from, to), `${from}..${to}`);
    const sub = buf.subarray(5, 5000);
    if (to < 4000) assert.equal(counter.count(sub, 0, to - from), countNewlinesByIndexOf(sub, 0, to - from));
  }
  const outside = Buffer.from('a\nb\n\nc');
  assert.equal(counter.count(outside, 0, outside.length), 3);
});
