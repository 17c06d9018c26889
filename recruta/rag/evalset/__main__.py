"""``python -m recruta.rag.evalset``: build the evaluation set (see the package docstring)."""

from recruta.rag.evalset import main

raise SystemExit(main())
