/**
 * The exporter's BMC reads through the shared agent of BmcBackoff: a read's two requests (System,
 * Manager) share one connection, that connection is closed once the read is done (none is left
 * idle in the agent's pool), and the next read resumes the TLS session instead of a full
 * handshake. A real HTTPS server on loopback counts the connections and resumed sessions.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { BmcBackoff } from '../../src/exporter/bmc-backoff.js';
import { parseBmcAddress } from '../../src/metal3/bmc-address.js';
import { bmcTls } from '../sim/redfish/helpers.js';
import { readBmcClock } from '../../src/probes/redfish.js';

describe('BMC reads through the shared agent', () => {
  let server: Server;
  let port = 0;
  const connections: Array<{ resumed: boolean; closed: boolean }> = [];
  const requests: string[] = [];

  before(async () => {
    const tls = await bmcTls();
    server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      requests.push(req.url ?? '');
      const body =
        req.url === '/redfish/v1/Systems/1'
          ? { Links: { ManagedBy: [{ '@odata.id': '/redfish/v1/Managers/1' }] } }
          : { DateTime: new Date().toISOString().replace(/\.\d+Z$/, '+00:00') };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      const c = { resumed: socket.isSessionReused(), closed: false };
      connections.push(c);
      socket.on('close', () => (c.closed = true));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('one connection per read, closed when the read is done; the next read resumes the TLS session', async () => {
    const backoff = new BmcBackoff(8, 60_000);
    try {
      const request = {
        access: parseBmcAddress(`redfish://127.0.0.1:${port}/redfish/v1/Systems/1`),
        username: 'admin',
        password: 'password',
        insecure: true,
        timeoutMs: 5_000,
        agent: backoff.agent,
      };
      const first = await readBmcClock(request);
      assert.ok(first.ok, first.ok ? '' : first.message);
      assert.deepEqual(requests, ['/redfish/v1/Systems/1', '/redfish/v1/Managers/1']);
      assert.equal(connections.length, 1, 'System and Manager share one connection');
      assert.deepEqual(
        Object.values(backoff.agent.freeSockets)
          .flat()
          .filter((s) => !s?.destroyed),
        [],
        'no idle connection is left open in the pool',
      );
      await until('the server saw the connection close', () => connections[0]!.closed);

      const second = await readBmcClock(request);
      assert.ok(second.ok, second.ok ? '' : second.message);
      assert.equal(connections.length, 2);
      assert.equal(connections[1]!.resumed, true, 'the second read resumes the first TLS session');
      await until('the server saw the second connection close', () => connections[1]!.closed);
    } finally {
      backoff.close();
    }
  });
});

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(ok(), what);
}
