"""The persistent build cache: what keys what, the stores, the page store. Only the pipeline and the page renderer use it."""
