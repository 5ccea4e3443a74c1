"""fengchao (蜂巢): a static-site generator for the 城市小蜜蜂 care hub."""

__version__ = "0.1.0"
