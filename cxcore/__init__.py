"""cxcore: the domain layer of the CX program dashboard.

Storage, permissions, models, metrics, importers, chart builders and the CLI live here.
Nothing in this package imports Streamlit, so all of it can be tested and scripted without a
browser.
"""

__version__ = "0.1.0"
