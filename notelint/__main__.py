"""``python -m notelint`` runs the command line."""

from notelint.cli import main

raise SystemExit(main())
