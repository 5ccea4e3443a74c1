"""Stage 5: bytes → the output folder, swapped in atomically; the search index; the build lock."""
