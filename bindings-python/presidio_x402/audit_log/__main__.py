"""``python -m presidio_x402.audit_log``: the command line of :mod:`presidio_x402.audit_log`.

The module is a package so that running it does not load it twice (no
``RuntimeWarning`` from ``runpy``: the package ``presidio_x402`` imports it first).
"""

import sys

from . import _main

sys.exit(_main())
