"""Stage 1–2: site.yaml and content/ read (with line numbers) and validated into frozen records."""
