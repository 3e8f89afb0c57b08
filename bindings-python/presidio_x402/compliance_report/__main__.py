"""``python -m presidio_x402.compliance_report``: the command line of :mod:`presidio_x402.compliance_report`.

The module is a package so that running it does not load it twice (no
``RuntimeWarning`` from ``runpy``: the package ``presidio_x402`` imports it first).
"""

import sys

from . import _main

sys.exit(_main())
