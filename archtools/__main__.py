from archtools.cli import main

raise SystemExit(main())
