"""The one object that makes a build fast, and nothing else.

A stage takes its inputs and returns data. Some stages can skip work they
did before: parsing YAML whose text is unchanged, converting a Markdown body
seen last time, assembling a station directory whose inputs are the same.
What they may reuse arrives in a single `Warm`, given to each stage once; a
stage given `Warm()` (the default) works from scratch, and a test holds that
both give the same bytes.

Two callers fill it, each from its own store:

- the command-line build (`pipeline.build`), from the disk cache
  (`cache/store.py`): every memo keyed by a content digest, saved at the end;
- the preview (`serve/rebuild.py`), from its memory of the last build: the
  same memos kept in memory, plus `files` and `recall`, which only a
  long-running process can use (a file's load result by its stat; a stage's
  last result while its inputs compare equal).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from fengchao.digests import Memo


@dataclass(frozen=True)
class Warm:
    # A `pool.Pool` already started, or how many processes a stage may start.
    pool: Any = 1
    # Parsed YAML (front matter and station files) by a digest of the text.
    yaml: Memo | None = None
    # Converted Markdown by (body, file, line), with the links it resolved
    markdown: Memo | None = None
    # The station directory's jobs by a digest of everything it is made from.
    stations: Memo | None = None
    # The content checker's findings by document text and `check:` settings.
    lint: Memo | None = None
    # Processed images (images.Processed) by a digest of the source's bytes
    # and the image settings: a build that changes no photo processes none.
    images: Memo | None = None
    # Each raster source's digest (images.process.source_digest) by its
    # file's stat (Memo.by_stat): a photo whose stat is unchanged is not
    # read at all. A stat that differs (a CI checkout restoring the cache sets
    # new mtimes) only means reading and hashing it again; `images` then
    # matches it by its bytes, so it is not processed again.
    image_sources: Memo | None = None
    # Pinyin slugs made so far (`text.SlugBook`): no pypinyin import when no
    # new tag or district appears.
    slugs: Any = None
    # Preview only: each content file's load result by its stat.
    files: MutableMapping | None = None
    # Preview only: each stage's last result by the stage's name, reused
    # while its inputs compare equal (validate, the news cards, Markdown).
    recall: MutableMapping | None = None

    def memory(self, stage: str) -> dict | None:
        """The preview's memory for one stage, None in a command-line build."""
        return None if self.recall is None else self.recall.setdefault(stage, {})


COLD = Warm()
