"""The errors of the page build: each names the page, the line and the offending name.

A report page that quietly shows nothing where a number should be is worse than a failed
build, so every broken reference stops the build with enough detail to fix it in one go.
"""

from __future__ import annotations


class PageBuildError(Exception):
    """One problem in one page: `page` (path under pages/), 1-based `line`, offending `name`."""

    def __init__(self, page: str, line: int, name: str, message: str) -> None:
        self.page = page
        self.line = line
        self.name = name
        self.message = message
        super().__init__(f"{page}, line {line}: {message}")


class SiteBuildError(Exception):
    """Every problem found while building the site, so that one run reports them all."""

    def __init__(self, errors: list[PageBuildError]) -> None:
        self.errors = errors
        lines = "\n".join(f"  - {e}" for e in errors)
        super().__init__(f"the report site cannot be built ({len(errors)} problem(s)):\n{lines}")
