/** Small pure parts of the probe: Go's status texts, URL handling as net/http, colour rules. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goStatusText, remoteAlertText } from '../../src/probes/go-errors.js';
import { parseTarget } from '../../src/probes/url.js';
import { colourEnabled, palette } from '../../src/report/colour.js';

test("Go's http.StatusText, not Node's, for the codes where they differ", () => {
  assert.equal(goStatusText(404), 'Not Found');
  assert.equal(goStatusText(413), 'Request Entity Too Large');
  assert.equal(goStatusText(418), "I'm a teapot");
  assert.equal(goStatusText(599), '');
});

test('TLS alerts read as Go prints them', () => {
  assert.equal(
    remoteAlertText('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'),
    'remote error: tls: handshake failure',
  );
  assert.equal(
    remoteAlertText('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'),
    'remote error: tls: protocol version not supported',
  );
  assert.equal(remoteAlertText('ECONNRESET'), undefined);
});

test('URL host keeps its case; IPv6 keeps brackets for the ServerName; Host header as written', () => {
  const t = parseTarget('https://API-INT.Example.com:22623/config/worker');
  assert.equal(t.host, 'API-INT.Example.com');
  assert.equal(t.hostHeader, 'API-INT.Example.com:22623');
  assert.equal(t.path, '/config/worker');
  const v6 = parseTarget('https://[fd00::5]:22623/config/worker');
  assert.equal(v6.host, 'fd00::5');
  assert.equal(v6.serverName, '[fd00::5]');
  assert.equal(v6.isIpHost, true);
  assert.equal(parseTarget('https://h/x').port, 443);
  assert.throws(() => parseTarget('https://h:99999/x'));
  assert.throws(() => parseTarget('not a url'));
});

test('colour only on a TTY, never with NO_COLOR or TERM=dumb', () => {
  assert.equal(colourEnabled({ isTTY: true }, {}), true);
  assert.equal(colourEnabled({ isTTY: false }, {}), false);
  assert.equal(colourEnabled({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(colourEnabled({ isTTY: true }, { NO_COLOR: '' }), true);
  assert.equal(colourEnabled({ isTTY: true }, { TERM: 'dumb' }), false);
  assert.equal(palette(false).red('x'), 'x');
  assert.equal(palette(true).red('x'), '\u001b[31mx\u001b[39m');
});
