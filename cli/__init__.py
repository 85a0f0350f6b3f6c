"""The `autodiff` command line: thin commands that parse options, call the library, print."""
