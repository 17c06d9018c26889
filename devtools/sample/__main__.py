"""``python -m devtools.sample --out data [--scale sample|full] [--seed 42] [--quiet]``."""

import sys

from devtools.sample.writer import main

sys.exit(main())
