"""`fengchao serve`: the preview server, its watcher and its warm rebuilds."""
