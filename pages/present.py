"""Present: placeholder."""

from cxui import shell

session = shell.page_session()
