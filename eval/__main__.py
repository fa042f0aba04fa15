"""`python -m eval` in a source checkout: the same as `assistant eval`."""

import sys

from assistant.evaluation.harness import main

sys.exit(main())
