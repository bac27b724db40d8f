#!/usr/bin/python3
"""Drives a simulated BMC the way Ironic does, through Debian's python3-sushy.

Usage: REDFISH_URL=https://ip:port REDFISH_USER=u REDFISH_PASSWORD=p sushy_client.py '<steps JSON>'
Steps: ["datetime"], ["set-datetime", iso], ["power"], ["reset", ResetType], ["allowed-resets"].
Prints one JSON document: the step results, or {"error": <exception class>, "message": ...}.
The password comes from the environment so it is never on a command line.
"""
import json
import os
import sys
import warnings

import sushy
from sushy import connector as sushy_connector
from sushy import exceptions


class NoPublicNetwork:
    """Public connector that refuses: the simulator must never reach the Internet (registries)."""

    def get(self, *args, **kwargs):
        raise exceptions.ConnectionError(url=str(args[0] if args else ''), error='public network disabled')


def main():
    url = os.environ['REDFISH_URL']
    steps = json.loads(sys.argv[1])
    warnings.simplefilter('ignore')  # InsecureRequestWarning: verify=False, as BMHs with disableCertificateVerification
    conn = sushy_connector.Connector(url, verify=False)
    try:
        root = sushy.Sushy(url, username=os.environ['REDFISH_USER'], password=os.environ['REDFISH_PASSWORD'],
                           connector=conn, public_connector=NoPublicNetwork())
        results = []
        for step in steps:
            system = root.get_system()
            if step[0] in ('datetime', 'set-datetime'):
                # Ironic's path to the clock: System -> Links.ManagedBy[0]
                manager = system.managers[0]
                if step[0] == 'datetime':
                    results.append({'manager': manager.path, 'datetime': manager.json['DateTime'],
                                    'offset': manager.json['DateTimeLocalOffset']})
                else:
                    response = conn.patch(manager.path, data={'DateTime': step[1]})
                    results.append({'status': response.status_code})
            elif step[0] == 'power':
                results.append({'power': system.power_state.value})
            elif step[0] == 'reset':
                system.reset_system(sushy.ResetType(step[1]))
                results.append({'reset': step[1]})
            elif step[0] == 'allowed-resets':
                results.append(sorted(v.value for v in system.get_allowed_reset_system_values()))
            else:
                raise ValueError('unknown step %r' % (step[0],))
        print(json.dumps(results))
    except exceptions.SushyError as e:
        print(json.dumps({'error': type(e).__name__, 'message': str(e)}))
        sys.exit(3)


if __name__ == '__main__':
    main()
