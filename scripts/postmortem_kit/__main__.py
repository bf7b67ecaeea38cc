import sys

from postmortem_kit.cli.main import main

sys.exit(main())
