"""postmortem-kit: incident postmortems as code."""

__version__ = "0.1.0"
