"""One module per ``csv-assets`` command, each with ``add_arguments(parser)`` and ``run(args)``."""
