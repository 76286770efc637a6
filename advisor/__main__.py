"""python -m advisor: the broker-advisor command."""

import sys

from advisor.cli import main

sys.exit(main())
