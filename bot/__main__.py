"""`python -m bot`: see bot/cli.py."""

import sys

from bot.cli import main

if __name__ == "__main__":  # not when a worker process (spawned) imports this module
    sys.exit(main())
