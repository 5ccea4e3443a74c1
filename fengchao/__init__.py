"""fengchao (蜂巢): a static-site generator for the 城市小蜜蜂 care hub.

The folders are the pipeline, in this order (docs/architecture.md):

    content/  load and validate site.yaml and content/ into frozen records
    markup/   Markdown → sanitised HTML
    site/     assemble: records → every page job and output file
    check/    the content checker; the output's links and anchors
    render/   page jobs → bytes
    output/   write into a temp folder, index for search, swap in

`pipeline.py` runs them (`build`, `check`); `cli.py` is the command line;
`serve/` and `tools/` sit on top; `cache/` is the disk cache, which only the
pipeline and the page renderer open; the modules at the top are the ground
every room stands on.
"""

__version__ = "0.1.0"
