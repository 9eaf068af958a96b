"""``python -m cxcore``: see :mod:`cxcore.cli`."""

import sys

from cxcore.cli import main

sys.exit(main())
