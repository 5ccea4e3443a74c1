"""The checks: content rules, the output's links and anchors, external links."""
