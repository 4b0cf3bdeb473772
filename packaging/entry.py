"""The frozen app's entry point: PyInstaller runs this file as ``__main__``.

Everything (the desktop app, the commands and ``--self-test``) goes through
the one command-line ``main``.
"""

import sys

from intake_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
