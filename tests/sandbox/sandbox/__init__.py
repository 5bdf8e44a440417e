"""clusterdesk-sandbox: a local cluster of simulated JATOS, OpenSpecimen and Joget DX
nodes, controlled through real OpenSSH servers and backed by a real MariaDB.

It is the other side of the wire from Clusterdesk and deliberately shares none of
its code: versions, presets and profiles are handled here from the products' own
documentation, so a bug cannot hide on both sides.
"""
