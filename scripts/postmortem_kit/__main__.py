import sys

from postmortem_kit.cli import main

sys.exit(main())
