"""``python -m intake_desktop``."""

import sys

from .cli import main

sys.exit(main())
