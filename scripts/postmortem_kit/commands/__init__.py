"""One module per `postmortem <verb>`, each with main(argv) -> int."""
