"""`python -m lexgraph.compliance.cli`: the `lexgraph` command."""

import sys

from . import main

sys.exit(main())
