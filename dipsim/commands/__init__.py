"""One module per ``dipsim`` command: each defines NAME, HELP, add_arguments(parser) and run(args)."""
