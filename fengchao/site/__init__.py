"""Stage 3: records → the site model (every page job and output file), one module per page family."""
